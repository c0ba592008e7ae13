"""Availability Zone ids, in the form AWS answers them beside zone names (`use1-az1` for
us-east-1a): shared by the families that place reserved capacity in a zone."""
from __future__ import annotations


def zone_id(zone: str) -> str:
    """The region's initials and number, then the zone's letter as a number. AWS maps names to ids
    per account; sagemock maps them the same way for every account (the pattern is
    `[a-z]{3}\\d-az\\d`)."""
    parts = zone[:-1].split("-")
    initials = (parts[0][:2] + "".join(part[0] for part in parts[1:-1]))[:3].ljust(3, "x")
    return f"{initials}{parts[-1]}-az{ord(zone[-1]) - ord('a') + 1}"
