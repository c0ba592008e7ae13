"""How Update operations change documents, the same way in every family.

Many SageMaker updates take a map to merge and a list of keys to remove (`Properties` and
`PropertiesToRemove`, `Parameters` and `ParametersToRemove`, `CustomerMetadataProperties` and
`CustomerMetadataPropertiesToRemove`...), and every write stamps `LastModifiedTime` and
`LastModifiedBy`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .errors import ValidationError

if TYPE_CHECKING:
    from .context import Context


def merged_map(current: Mapping[str, Any] | None, given: Mapping[str, Any] | None,
               removed: Sequence[str] | None, cap: int, member: str, removal: str,
               owner: str = "A resource") -> dict[str, Any] | None:
    """The map after an update: `given` keys set (the others kept), `removed` keys dropped.

    Checked before anything changes: a key both set and removed, or a result over the model's
    `cap`, is refused. None when the update touches neither member.
    """
    if given is None and removed is None:
        return None
    both = sorted(set(given or {}) & set(removed or ()))
    if both:
        raise ValidationError(f"{member} and {removal} both name {', '.join(both)}: a key cannot be set and "
                              "removed in the same request.")
    merged = {key: value for key, value in (current or {}).items() if key not in (removed or ())}
    merged.update(given or {})
    if len(merged) > cap:
        raise ValidationError(f"{owner} can have at most {cap} {member}; this update would leave it with "
                              f"{len(merged)}.")
    return merged


def touch(document: dict[str, Any], ctx: Context, kind: str) -> None:
    """Stamp a write to a resource of `kind`: when, and by whom (`Context.user_for`)."""
    document["LastModifiedTime"] = ctx.now
    document["LastModifiedBy"] = ctx.user_for(kind)
