"""Container images as hosting deploys them: the image a request names, pinned to a digest.

Endpoints (`DeployedImages` of a variant) and inference components (`DeployedImage` of a
component's container) both answer the image resolved when it was deployed; the resolution lives
here once, for both families.
"""
from __future__ import annotations

from typing import Any

from ..core import service
from ..core.context import Context

Document = dict[str, Any]


def resolve(image: str, ctx: Context) -> str:
    """The image pinned to a digest: `repository@sha256:<64 hex>` (an image given by digest stays)."""
    if "@sha256:" in image:
        return image
    repository = image
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:  # a tag, not a registry port
        repository = image[:colon]
    resolved = f"{repository}@sha256:{ctx.state.random.getrandbits(256):064x}"
    return resolved if len(resolved) <= service.max_of("ContainerImage") else image


def deployed(image: str, ctx: Context) -> Document:
    """A `DeployedImage`: the image as specified, as resolved, and when."""
    return {"SpecifiedImage": image, "ResolvedImage": resolve(image, ctx), "ResolutionTime": ctx.now}
