"""The base of every resource family, and the table of operations the mock answers.

A family is a `Backend` subclass whose methods are named after SageMaker operations in
snake_case and marked with `@operation`; each takes the validated request parameters and the
request `Context` and returns the output document. One instance per family lives in each
account-region store, so `self` holds that store's resources of the family.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, overload

from botocore import xform_name

from . import arns, service
from .errors import ServiceError

if TYPE_CHECKING:
    from .context import Context
    from .lifecycle import Lifecycle
    from .state import Store

Params = dict[str, Any]
Method = Callable[[Any, Params, "Context"], "dict[str, Any] | None"]
F = TypeVar("F", bound=Method)
R = TypeVar("R")

#: snake_case operation name -> (family class, unbound method), filled as backend modules are
#: imported. Keyed by botocore's `xform_name` of the operation, so importing a backend does not
#: load the service model; `implemented()` resolves the names against it.
METHODS: dict[str, tuple[type[Backend], Method]] = {}


@overload
def operation(method: F, /) -> F: ...


@overload
def operation(*, ignores: Mapping[str, str]) -> Callable[[F], F]: ...


def operation(method: F | None = None, /, *, ignores: Mapping[str, str] | None = None) -> F | Callable[[F], F]:
    """Mark a backend method as the implementation of the operation it is named after.

    `ignores` is the operation's ledger of input members it accepts and does nothing with, each with
    the reason (member -> reason): every other member of the installed model is honoured or refused,
    which `tests/test_members.py` checks, so a newer botocore that adds a member fails CI until the
    member is implemented or listed here.
    """
    def mark(function: F) -> F:
        function.__sagemock_operation__ = True  # type: ignore[attr-defined]
        function.__sagemock_ignores__ = dict(ignores or {})  # type: ignore[attr-defined]
        return function

    return mark(method) if method is not None else mark


def ignored_members(operation_name: str) -> dict[str, str]:
    """The input members an implemented operation accepts and ignores, with the reasons."""
    found = lookup(operation_name)
    return dict(getattr(found[1], "__sagemock_ignores__", {})) if found else {}


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

    def find(self, ctx: Context, table: Mapping[str, R], name_or_arn: str, resource_type: str,
             missing: Callable[[str], ServiceError], lifecycle: Lifecycle | None = None) -> R:
        """The resource a request names by name or ARN, read through its lifecycle.

        `table` holds the family's resources by `arns.key(resource_type, name)` (the id their ARN
        ends in); `missing(arn)` is the error SageMaker answers when there is none (a read that
        completes a deletion finds none).
        """
        resource = arns.resolve(name_or_arn, resource_type, ctx.region, ctx.account)
        document = table.get(arns.key(resource_type, resource)) if resource else None
        if document is None or (lifecycle is not None and not lifecycle.observe(document, ctx)):  # type: ignore[arg-type]
            raise missing(ctx.arn_for(resource_type, name_or_arn))
        return document

    def keep(self, table: dict[str, Any], key: str, arn: str, document: dict[str, Any],
             tag_list: list[dict[str, str]] | None = None) -> None:
        """A new resource, held: in the family's table, in the store's ARN index, with its tags
        (checked with `tags.check` before anything was written)."""
        from . import tags  # (core.tags defines a Backend: imported here, not at the top)

        table[key] = document
        self.store.index(arn, document)
        tags.apply(self.store, arn, tag_list)

    def drop(self, table: dict[str, Any], key: str, arn: str) -> None:
        """A resource gone: out of the family's table and the store's index, its tags with it."""
        table.pop(key, None)
        self.store.unindex(arn)

    def family(self, cls: type[B]) -> B:
        """Another family's backend in the same store (e.g. the registry from Search)."""
        return self.store.backend(cls)


B = TypeVar("B", bound=Backend)
