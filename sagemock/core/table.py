"""Tables: the documents of one resource kind in one store, and the one way families reach them.

A family declares each of its tables as a class attribute, `jobs = Table.of("processing-job",
arn="ProcessingJobArn", name="ProcessingJobName", missing=...)`; each store's instance of the family
then holds a `Table` there. A table keys documents as their ARNs do (`arns.key`: the name, lower-cased
where AWS ignores its case), finds them by name or ARN checked against the caller's scope and read
through the kind's lifecycle, and keeps the store's ARN index and tags in step as documents come and
go. Another family reaches a kind's table through the store, `store.table("model")`, never by
importing the family that owns it: the table knows its owner, and the generated index
(`sagemock/backends/_index.py`) which module declares it.

A `Table` is a read-only mapping of key -> document, so code that only reads (`.get`, `.values()`,
`in`) reads it as the dict it replaced; snapshots write it as that dict and restore it from one.

Lists read a table through its sorted indexes (`ordered`, see `core.ordered`), kept as documents
come and go, and bring up to date only the documents a read can move: those in transition
(`settle`), which the table knows since their lifecycle told it (`note_moving`).

An index over a member that changes in place (a status, LastModifiedTime) is checked before use,
but only for the documents that may have changed: once it has such an index, a table notes the
documents it hands out to (or holds for) a request that may change the state (`Store.changing`: a
write, or any request where reads move lifecycles), as the incremental state file's log does
(`changelog`: what a request *reaches* counts as changed), and the documents `settle` moved. A
request that walks all the documents (`values`, `items`, `live`, an index) makes the next check a
check of them all. A document reached another way (by ARN, through the store: `State.locate`,
`Store.note`) is noted there; a test's helper changes documents within `Store.altering`.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, overload

from . import arns, changelog
from . import tags as tag_store
from .errors import ServiceError
from .ordered import SortedIndex

if TYPE_CHECKING:
    from .context import Context
    from .lifecycle import Lifecycle
    from .resource import Resource
    from .state import Store

Document = dict[str, Any]

#: Resource kind (`arns.kind`) -> the declaration of its table, filled as families are imported.
SPECS: dict[str, TableSpec] = {}


@dataclass(eq=False)
class TableSpec:
    """What a table of one kind is: the members that name its documents, how a missing one is
    answered, its lifecycle. Declared once per kind, as a class attribute of the family that owns it
    (a descriptor: each store's instance of the family gets its own `Table`)."""

    kind: str
    #: The members holding a document's ARN and name (read from the model for a declared resource).
    arn_member: str
    name_member: str
    #: The error SageMaker answers for a document that does not exist, given the ARN asked for.
    missing: Callable[[str], ServiceError]
    lifecycle: Lifecycle | None = None
    #: Whether documents take tags (AddTags / ListTags / DeleteTags).
    taggable: bool = True
    #: Documents keyed by their whole ARN, for kinds without a name (artifacts: an id SageMaker makes).
    keyed_by_arn: bool = False
    #: The declared resource the table belongs to, if the engine generates its operations.
    resource: Resource | None = None
    owner: type | None = field(default=None, repr=False)
    attribute: str = ""

    @property
    def arn(self) -> str:
        return self.resource.bound.arn if self.resource is not None else self.arn_member

    @property
    def name(self) -> str:
        return self.resource.bound.name if self.resource is not None else self.name_member

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.owner, self.attribute = owner, attribute
        taken = SPECS.get(self.kind)
        if taken is not None and taken.owner is not None and taken.owner.__qualname__ != owner.__qualname__:
            raise RuntimeError(f"two tables are declared for {self.kind} resources: "
                               f"{taken.owner.__qualname__}.{taken.attribute} and {owner.__qualname__}.{attribute}")
        SPECS[self.kind] = self

    @overload
    def __get__(self, instance: None, owner: type) -> TableSpec: ...

    @overload
    def __get__(self, instance: Any, owner: type) -> Table: ...

    def __get__(self, instance: Any, owner: type) -> TableSpec | Table:
        if instance is None:
            return self
        found = instance.__dict__.get(self.attribute)
        if type(found) is not Table:  # first use, or restored from a snapshot as a plain dict
            found = instance.__dict__[self.attribute] = Table(self, instance.store, found)
        return found

    def __set__(self, instance: Any, value: Mapping[str, Document]) -> None:
        instance.__dict__[self.attribute] = Table(self, instance.store, dict(value))


class Entries:
    """A family's map of plain entries that are not resources (lineage's associations, keyed by
    (source ARN, destination ARN)), declared as a class attribute like a table: an incremental state
    file saves it entry by entry, as it saves a table's documents, rather than with the family's other
    attributes, which it rewrites whole at every write that reaches the family. The entries are a
    `changelog.Tracked` dict in a state that saves incrementally (made so on first use, also after a
    restore set a plain dict), a plain dict otherwise."""

    def __init__(self) -> None:
        self.attribute = ""
        self.collection = ""

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.attribute, self.collection = attribute, changelog.table_collection(owner.__name__, attribute)

    @overload
    def __get__(self, instance: None, owner: type) -> Entries: ...

    @overload
    def __get__(self, instance: Any, owner: type) -> dict[Any, Any]: ...

    def __get__(self, instance: Any, owner: type) -> Entries | dict[Any, Any]:
        if instance is None:
            return self
        found = instance.__dict__.get(self.attribute)
        if found is None or type(found) is dict and instance.store.state.tracking:
            found = instance.__dict__[self.attribute] = changelog.tracked(instance.store, self.collection, found)
        return found  # type: ignore[no-any-return]

    def __set__(self, instance: Any, value: Mapping[Any, Any]) -> None:
        instance.__dict__[self.attribute] = changelog.tracked(instance.store, self.collection, value)


class Table(Mapping[str, Document]):
    """The documents of one kind in one store, by key."""

    __slots__ = ("spec", "store", "documents", "indexes", "names", "moving", "watching", "reached", "reached_all")

    def __init__(self, spec: TableSpec, store: Store, documents: Mapping[str, Document] | None = None):
        self.spec = spec
        self.store = store
        self.documents: dict[str, Document] = changelog.documents(store, spec, documents)  # (noted by writes)
        #: (member, id member) -> the documents in that order, made by the first List that sorts so.
        self.indexes: dict[tuple[str, str], SortedIndex] = {}
        #: member -> value -> the documents holding it, made by the first `named` lookup of the member.
        self.names: dict[str, dict[Any, list[Document]]] = {}
        #: The documents a read may still move (in transition), by identity; restored ones found here.
        self.moving: dict[int, Document] = {}
        #: Whether an index is over a member that changes in place (only then are documents noted).
        self.watching = False
        #: The documents handed out to requests that may change them since the indexes were last
        #: checked, by identity; or all of them (`reached_all`). See the module's docstring.
        self.reached: dict[int, Document] = {}
        self.reached_all = False
        lifecycle = spec.lifecycle
        if lifecycle is not None:
            for document in self.documents.values():
                if lifecycle.unsettled(document):
                    self.moving[id(document)] = document

    @staticmethod
    def of(kind: str, *, arn: str, name: str, missing: Callable[[str], ServiceError],
           lifecycle: Lifecycle | None = None, taggable: bool = True, keyed_by_arn: bool = False) -> TableSpec:
        """Declare a family's table of `kind` (a class attribute of the family)."""
        return TableSpec(kind, arn, name, missing, lifecycle, taggable, keyed_by_arn)

    # -- the mapping a family reads ---------------------------------------------------------------

    def __getitem__(self, key: str) -> Document:
        document = self.documents[key]
        if self.store.changing:
            self.note(document)
        return document

    def get(self, key: str, default: Any = None) -> Any:
        document = self.documents.get(key)
        if document is None:
            return default
        if self.store.changing:
            self.note(document)
        return document

    def __contains__(self, key: object) -> bool:
        return key in self.documents

    def __iter__(self) -> Iterator[str]:
        return iter(self.documents)

    def __len__(self) -> int:
        return len(self.documents)

    def values(self) -> Any:
        if self.store.changing and self.watching:
            self.reached_all = True
        return self.documents.values()

    def items(self) -> Any:
        if self.store.changing and self.watching:
            self.reached_all = True
        return self.documents.items()

    def __repr__(self) -> str:
        return f"<Table {self.spec.kind}: {len(self.documents)} documents>"

    # -- finding ----------------------------------------------------------------------------------

    def key(self, name: str) -> str:
        """The key a document of this name is kept under (its ARN's resource id)."""
        return arns.key(self.spec.kind, name)

    def key_of(self, document: Document) -> str:
        """The key a document is kept under: what its ARN ends in (`group/3` for a package version)."""
        if self.spec.keyed_by_arn:
            return str(document[self.spec.arn])
        parsed = arns.parse(document[self.spec.arn])
        assert parsed is not None, document[self.spec.arn]
        return arns.key(self.spec.kind, parsed.resource)

    def find(self, ctx: Context, name_or_arn: str) -> Document | None:
        """The live document a request names by name or ARN, read through the kind's lifecycle;
        None if there is none. An ARN of another region is refused as SageMaker refuses it."""
        resource = arns.resolve(name_or_arn, self.spec.kind.split("/", 1)[0], ctx.region, ctx.account)
        if self.spec.keyed_by_arn:
            document = self.documents.get(name_or_arn) if resource else None
        else:
            document = self.documents.get(arns.key(self.spec.kind, resource)) if resource else None
        if document is None:
            return None
        if self.store.changing:
            self.note(document)
        if self.spec.lifecycle is not None and not self.spec.lifecycle.observe(document, ctx):
            return None
        return document

    def named(self, member: str, value: Any) -> list[Document]:
        """The documents whose `member` holds `value`, in the order they came, live or not: how a
        kind keyed by an id SageMaker makes is found by the name its requests also take (a cluster's
        `ClusterName`), without reading every document. The member must never change in place (a
        name AWS lets no Update change); the index is kept as documents come and go."""
        index = self.names.get(member)
        if index is None:
            index = self.names[member] = {}
            for document in self.documents.values():
                index.setdefault(document.get(member), []).append(document)
        found = list(index.get(value, ()))
        if self.store.changing:
            for document in found:
                self.note(document)
        if self.store.log.recording:  # (what a request reaches, an incremental state file saves)
            for document in found:
                self.documents.get(self.key_of(document))
        return found

    def find_named(self, ctx: Context, member: str, value: Any) -> Document | None:
        """The live document whose `member` holds `value` (`named`), read through the kind's
        lifecycle; None if there is none: a resource found by the name beside its generated id."""
        lifecycle = self.spec.lifecycle
        for document in self.named(member, value):
            if lifecycle is None or lifecycle.observe(document, ctx):
                return document
        return None

    def require(self, ctx: Context, name_or_arn: str) -> Document:
        """The document a request names, or the error SageMaker answers for a missing one."""
        document = self.find(ctx, name_or_arn)
        if document is None:
            raise self.spec.missing(ctx.arn_for(self.spec.kind, name_or_arn))
        return document

    def require_own(self, ctx: Context, name_or_arn: str) -> Document | None:
        """As `require`, but an ARN of another account (an AWS Marketplace algorithm or model
        package, say) is taken on trust, since the mock cannot see it: None."""
        parsed = arns.parse(name_or_arn)
        if parsed is not None and parsed.account != ctx.account:
            return None
        return self.require(ctx, name_or_arn)

    def live(self, ctx: Context) -> list[Document]:
        """Every document a List reads, each brought up to date; those now gone left out."""
        if self.store.changing and self.watching:
            self.reached_all = True
        if self.spec.lifecycle is None:
            return list(self.documents.values())
        self.settle(ctx)
        return [document for document in self.documents.values() if _GONE not in document]

    def settle(self, ctx: Context) -> None:
        """Bring up to date, as a read does, every document a read can move: those in transition
        (in creation order). Reading the others changes nothing, so a List need not touch them."""
        lifecycle = self.spec.lifecycle
        if lifecycle is None or not self.moving:
            return
        for document in sorted(self.moving.values(), key=creation_order):
            if self.documents.get(self.key_of(document)) is not document:  # not (or no longer) held
                self.moving.pop(id(document), None)
                continue
            lifecycle.observe(document, ctx)
            self.note(document)  # (its status, and what moves with it, may have changed)
            if not lifecycle.unsettled(document):
                self.moving.pop(id(document), None)

    def note_moving(self, document: Document) -> None:
        """A document set in transition (by its lifecycle): reads move it until it settles."""
        self.moving[id(document)] = document

    def note(self, document: Document) -> None:
        """A document that may change in place: the indexes check it before their next use."""
        if self.watching and not self.reached_all:
            self.reached[id(document)] = document

    def ordered(self, member: str, id_key: str) -> SortedIndex:
        """The documents in the order of `member` (then creation order, then `id_key`), kept from
        one List to the next; where members can change in place, the indexes are first checked for
        the documents reached since they were last used (see the module's docstring)."""
        if self.reached or self.reached_all:
            self._check()
        index = self.indexes.get((member, id_key))
        if index is None:
            # What names a document is fixed where it is its key (an artifact's name can change).
            fixed = member in ("CreationTime", self.spec.arn) or member == self.spec.name and not self.spec.keyed_by_arn
            index = self.indexes[member, id_key] = SortedIndex(member, id_key, fixed, self.documents.values())
            self.watching = self.watching or not fixed
        if self.store.changing and self.watching:  # the request may change what the index hands it
            self.reached_all = True
        return index

    def _check(self) -> None:
        """Bring every index up to date with the documents reached. Within a request that may still
        change them, what was reached stays noted (it may be changed after this)."""
        reached = list(self.reached.values())
        everything = self.reached_all or len(reached) > len(self.documents) // 8
        for index in self.indexes.values():
            if everything:
                index.refresh()
            else:
                index.recheck(reached)
        if not self.store.changing:
            self.reached.clear()
            self.reached_all = False
        elif self.reached_all:
            self.reached.clear()  # (all will be checked again)

    # -- holding and dropping ---------------------------------------------------------------------

    def put(self, document: Document) -> None:
        """Hold a document SageMaker makes itself, indexed by ARN but taking no tags from a request."""
        self.add(document, None)

    def add(self, document: Document, tag_list: list[dict[str, str]] | None = None) -> None:
        """A new document, held: in the table, in the store's ARN index, with its tags (checked
        with `tags.check` before anything was written)."""
        arn = document[self.spec.arn]
        self.store.index(arn, document, taggable=self.spec.taggable)  # stamps `_seq`, which indexes sort by
        self._hold(document)
        if self.spec.taggable:
            tag_store.apply(self.store, arn, tag_list)

    def replace(self, document: Document) -> None:
        """A document in place of the one under its key (a model card's new version): the store's
        ARN index follows it; the resource's tags stay."""
        self.store.index(document[self.spec.arn], document, taggable=self.spec.taggable)
        self._hold(document)

    def remove(self, document: Document) -> None:
        """A document gone: out of the table and the store's index, its tags with it."""
        self._drop(self.documents.pop(self.key_of(document), None))
        self.store.unindex(document[self.spec.arn])

    # -- documents that are not resources ----------------------------------------------------------

    def keep(self, key: str, document: Document) -> None:
        """Hold, under a key the family chooses, a document that is not an AWS resource (a feature
        group's record: no ARN, no tags, no status), so a state file still saves it as an entry of
        its own. Such a table has no lifecycle and is not listed through `ordered`."""
        self.documents[key] = document

    def discard(self, key: str) -> None:
        """Drop a document held with `keep` (nothing if there is none)."""
        self.documents.pop(key, None)

    def _hold(self, document: Document) -> None:
        """Keep a document under its key, in every index, and among the moving if it is."""
        key = self.key_of(document)
        previous = self.documents.get(key)
        if previous is document:
            return
        self._drop(previous)
        self.documents[key] = document
        for index in self.indexes.values():
            index.add(document)
        for member, named in self.names.items():
            named.setdefault(document.get(member), []).append(document)
        if self.store.changing:
            self.note(document)  # (the request may go on to change it: a lifecycle's next status)
        lifecycle = self.spec.lifecycle
        if lifecycle is not None and lifecycle.unsettled(document):
            self.moving[id(document)] = document

    def _drop(self, document: Document | None) -> None:
        if document is None:
            return
        for index in self.indexes.values():
            index.remove(document)
        for member, named in self.names.items():
            holding = named.get(document.get(member), [])
            holding[:] = [held for held in holding if held is not document]
        self.moving.pop(id(document), None)
        self.reached.pop(id(document), None)


_GONE = "_gone"


def creation_order(document: Document) -> int:
    """A sort key putting a store's documents in the order they were made (`_seq`, which the store stamps)."""
    return int(document.get("_seq", 0))


def spec_for(kind: str) -> TableSpec:
    """The table declaration of a kind, importing the family that declares it if need be."""
    found = SPECS.get(kind)
    if found is None:
        from ..backends import _index

        module = _index.KINDS.get(kind)
        if module is None:
            raise LookupError(f"sagemock declares no table of {kind} resources")
        importlib.import_module(module)
        found = SPECS[kind]
    return found
