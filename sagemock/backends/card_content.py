"""Model card content: what DescribeModelCard and DescribeModelPackage keep of it for MetadataOnly.

Both families answer `IncludedData=MetadataOnly` with content reduced to a few unencrypted metadata
fields, so the rule lives here, apart from either family's backend.
"""
from __future__ import annotations

import functools
import json
import re
from typing import Any

from ..core import service

_PATHS_SECTION = re.compile(r"includes only the following JSON paths(.*?)All other fields", re.DOTALL)
_PATH = re.compile(r"<code>([a-z_]+)\.([a-z_]+)</code>")


@functools.cache
def metadata_paths() -> tuple[tuple[str, str], ...]:
    """The JSON paths DescribeModelCard keeps in Content when IncludedData is MetadataOnly, read from
    the prose of DescribeModelCardResponse.Content ("includes only the following JSON paths, when
    present in the model card: model_overview.model_id ..."); none where the model states none."""
    member = service.operation("DescribeModelCard").output_shape.members["Content"]
    found = _PATHS_SECTION.search(member.documentation or "")
    return tuple(_PATH.findall(found.group(1))) if found else ()


def metadata_only(content: str) -> str:
    """Content reduced to the metadata fields readable without kms:Decrypt (`metadata_paths`).

    Model package cards follow the same rule: DescribeModelPackage's MetadataOnly sanitizes
    `ModelCard.ModelCardContent` "to include only a small set of unencrypted metadata fields ... see
    ModelCard"."""
    try:
        parsed = json.loads(content)
    except ValueError:  # (a package's card content is not checked on the way in)
        return "{}"
    if not isinstance(parsed, dict):
        return "{}"
    kept: dict[str, Any] = {}
    for section, field in metadata_paths():
        value = parsed.get(section)
        if isinstance(value, dict) and field in value:
            kept.setdefault(section, {})[field] = value[field]
    return json.dumps(kept)
