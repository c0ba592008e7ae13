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
#: Functions of the shape tree being compiled, by cache, not yet visible to other threads.
_staged: dict[int, dict[str, Any]] = {}
_depth = 0


def cached(cache: dict[str, Any], shape: Shape, compilers: dict[str, Callable[[Shape], F]],
           fallback: Callable[[Shape], F]) -> F:
    found = cache.get(shape.name)
    if found is not None:
        return found  # type: ignore[no-any-return]
    global _depth
    with _lock:
        found = cache.get(shape.name) or _staged.setdefault(id(cache), {}).get(shape.name)
        if found is not None:
            return found  # type: ignore[no-any-return]
        staged = _staged[id(cache)]
        body: list[F] = []

        def stand_in(*args: Any) -> Any:
            return body[0](*args)

        staged[shape.name] = stand_in
        _depth += 1
        try:
            compiled = compilers.get(shape.type_name, fallback)(shape)
        finally:
            _depth -= 1
        body.append(compiled)
        staged[shape.name] = compiled
        if _depth == 0:
            cache.update(staged)
            staged.clear()
        return compiled
