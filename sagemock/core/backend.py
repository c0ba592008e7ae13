"""The base of every resource family, and the table of operations the mock answers.

A family is a `Backend` subclass whose methods are named after SageMaker operations in
snake_case and marked with `@operation`; each takes the validated request parameters and the
request `Context` and returns the output document. One instance per family lives in each
account-region store, so `self` holds that store's resources of the family.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from botocore import xform_name

from . import service

if TYPE_CHECKING:
    from .context import Context
    from .state import Store

Params = dict[str, Any]
Method = Callable[[Any, Params, "Context"], "dict[str, Any] | None"]
F = TypeVar("F", bound=Method)

#: snake_case operation name -> (family class, unbound method), filled as backend modules are
#: imported. Keyed by botocore's `xform_name` of the operation, so importing a backend does not
#: load the service model; `implemented()` resolves the names against it.
METHODS: dict[str, tuple[type[Backend], Method]] = {}


def operation(method: F) -> F:
    """Mark a backend method as the implementation of the operation it is named after."""
    method.__sagemock_operation__ = True  # type: ignore[attr-defined]
    return method


def lookup(operation_name: str) -> tuple[type[Backend], Method] | None:
    return METHODS.get(xform_name(operation_name))


def implemented() -> list[str]:
    """The operations of the model that some backend implements, sorted."""
    return sorted(op for op in service.operation_names() if xform_name(op) in METHODS)


class Backend:
    """One resource family's state and operations within one account-region store."""

    def __init__(self, store: Store):
        self.store = store

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, value in list(vars(cls).items()):
            if getattr(value, "__sagemock_operation__", False):
                if name in METHODS and METHODS[name][0] is not cls:
                    raise RuntimeError(f"{name} is implemented twice: {METHODS[name][0].__name__} and {cls.__name__}")
                METHODS[name] = (cls, value)

    def family(self, cls: type[B]) -> B:
        """Another family's backend in the same store (e.g. the registry from Search)."""
        return self.store.backend(cls)


B = TypeVar("B", bound=Backend)
