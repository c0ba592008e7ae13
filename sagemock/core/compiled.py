"""Per-shape compiled functions, built once and shared by every member that uses the shape.

Validation (`validate`) and output shaping (`shape`) both turn a botocore shape into a closure
the first time they meet it. Shapes can be recursive, so a stand-in answers for a shape while its
own body compiles. Compiling happens under one lock and a shape tree is published to the shared
cache only when all of it is built: a thread that meets an operation for the first time while
another is compiling it waits, and never calls a half-built function.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from botocore.model import Shape

F = TypeVar("F", bound=Callable[..., Any])

_lock = threading.RLock()
#: id of a data-plane model's shape resolver -> the prefix of its shapes' cache keys: the
#: services' shape names overlap (sagemaker-runtime's `EndpointName` is not SageMaker's), and each
#: served model is held for the life of the process (`service`), so its resolver's id stays its own.
_prefixes: dict[int, str] = {}
#: Functions of the shape tree being compiled, by cache, not yet visible to other threads.
_staged: dict[int, dict[str, Any]] = {}
_depth = 0


def namespace(shape_resolver: object, prefix: str) -> None:
    """Keep the compiled functions of a served model's shapes apart from other models' (`_prefixes`)."""
    _prefixes[id(shape_resolver)] = prefix


def cached(cache: dict[str, Any], shape: Shape, compilers: dict[str, Callable[[Shape], F]],
           fallback: Callable[[Shape], F]) -> F:
    prefix = _prefixes.get(id(shape._shape_resolver)) if _prefixes else None
    name = shape.name if prefix is None else prefix + shape.name
    found = cache.get(name)
    if found is not None:
        return found  # type: ignore[no-any-return]
    global _depth
    with _lock:
        found = cache.get(name) or _staged.setdefault(id(cache), {}).get(name)
        if found is not None:
            return found  # type: ignore[no-any-return]
        staged = _staged[id(cache)]
        body: list[F] = []

        def stand_in(*args: Any) -> Any:
            return body[0](*args)

        staged[name] = stand_in
        _depth += 1
        try:
            compiled = compilers.get(shape.type_name, fallback)(shape)
        finally:
            _depth -= 1
        body.append(compiled)
        staged[name] = compiled
        if _depth == 0:
            cache.update(staged)
            staged.clear()
        return compiled
