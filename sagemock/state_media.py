"""Which medium a state file is written in, by what the file holds (`sagemock.state_file`).

An SQLite database (`sagemock.sqlite_state`), and a file that does not exist yet becomes one: a
save writes what changed. Any other file is taken for a JSON snapshot, as sagemock wrote state
files before, and stays one (`sagemock.json_state`: read, and saved whole, as before); one that is
not a snapshot this sagemock can read stops the start.
"""
from __future__ import annotations

import os
from pathlib import Path

from .json_state import JsonStateFile
from .sqlite_state import SqliteStateFile, is_database
from .state_file import Medium


def medium_for(path: str | os.PathLike[str]) -> Medium:
    """The medium of the state file at `path`."""
    found = Path(path)
    if not found.exists() or is_database(found):
        return SqliteStateFile(found)
    return JsonStateFile(found)


__all__ = ["medium_for"]
