"""What Search reads of each family: one `Provider` per `Resource` value, declared by its family.

A family that keeps a kind of resource Search can find registers a provider where it declares the
resource (`provide(Provider(...))`, beside a declared `Resource` as beside a hand-written table),
so the Search family imports none of them: it asks `provider(resource)`, which imports the family
that provides the resource (the generated index, `SEARCHABLE`) the first time it is searched.

A provider yields the live documents of one table and builds the `SearchRecord` member for a
document: the document projected on the record shape, plus `Tags` and the members a record has
beyond Describe (a trial's `TrialComponentSummaries`, a component's `Parents` ...).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.model import Shape

from . import service, shape

if TYPE_CHECKING:
    from .context import Context
    from .lifecycle import Lifecycle
    from .state import Store

Document = dict[str, Any]

#: Search's Resource value -> its provider, filled as families are imported.
PROVIDERS: dict[str, Provider] = {}


@dataclass(frozen=True)
class Provider:
    """How Search reads one resource type: its documents, its record, its extra members."""

    resource: str
    record_key: str  # the SearchRecord member
    id_key: str  # the document member holding the ARN
    documents: Callable[[Store], Iterable[Document]]
    lifecycle: Lifecycle | None = None
    #: Record members computed from the store, in the form paths are evaluated on.
    computed: Mapping[str, Callable[[Store, Document], Any]] = field(default_factory=dict)
    #: Builds the record from a document (default: project on the record shape, add computed).
    build: Callable[[Provider, Store, Document], Document] | None = None
    default_sort: str | None = None
    #: What the records derive from: the family (backend class) that keeps them and their ARN
    #: kind; with Tags, the change counters a cached view of them depends on.
    family: str = ""
    kind: str = ""
    #: Documents that must be brought up to date by their family before they are read (a
    #: pipeline execution walks its steps): called instead of `documents` with the context.
    live: Callable[[Store, Context], Iterable[Document]] | None = None
    #: Families and kinds whose resources computed members read (an endpoint's monitoring schedules).
    related: tuple[str, ...] = ()
    #: The kind of the table whose documents (all of them) `documents` yields, read through the
    #: same lifecycle: Search then reads the table's sorted indexes instead of sorting them.
    table: str | None = None

    @property
    def depends(self) -> tuple[str, ...]:
        return (self.family, self.kind, "Tags", *self.related)

    @property
    def shape(self) -> Shape:
        return record_shape(self.record_key)

    def sort_default(self) -> str:
        if self.default_sort:
            return self.default_sort
        members = self.shape.members
        return "LastModifiedTime" if "LastModifiedTime" in members else "CreationTime"

    def record(self, store: Store, document: Document) -> Document:
        if self.build is not None:
            return self.build(self, store, document)
        record = shape.project(document, self.shape)
        for name, compute in self.computed.items():
            value = compute(store, document)
            if name == "Tags":
                value = tag_list(value)
            if value is not None:
                record[name] = value
        return {self.record_key: record}


def provide(found: Provider) -> Provider:
    """Register a family's provider (at import: the index of searchable resources reads them)."""
    taken = PROVIDERS.get(found.resource)
    if taken is not None and taken.family != found.family:
        raise RuntimeError(f"Search's {found.resource} is provided twice: by {taken.family} and {found.family}")
    PROVIDERS[found.resource] = found
    return found


def provider(resource: str) -> Provider | None:
    """The provider of a Resource value, importing the family that provides it; None if none does."""
    found = PROVIDERS.get(resource)
    if found is None:
        from ..backends import _index

        module = _index.SEARCHABLE.get(resource)
        if module is not None:
            importlib.import_module(module)
            found = PROVIDERS.get(resource)
    return found


def record_shape(record_key: str) -> Shape:
    return service.shape("SearchRecord").members[record_key]


def record_key_for(resource: str) -> str | None:
    """The SearchRecord member a Resource value's records come under, if the model has one."""
    members = service.shape("SearchRecord").members
    key = {"ExperimentTrial": "Trial", "ExperimentTrialComponent": "TrialComponent"}.get(resource, resource)
    return key if key in members else None


def tag_list(tags: Mapping[str, str] | None) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in (tags or {}).items()]


def own_tags(id_key: str) -> Callable[[Store, Document], dict[str, str]]:
    """A record's `Tags`: the tags of the resource itself (as a map, the form paths read)."""
    return lambda store, document: store.tags.get(document[id_key]) or {}
