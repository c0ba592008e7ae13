"""What a write request may have changed, so a state file saves that and not the whole state.

A state file that saves incrementally (`sagemock.sqlite_state`) needs to know, at each save,
which of a store's entries may differ from what it saved last. Families change documents in
place: they fetch one from a table (`table.require(...)`) and set members on it, and lifecycle
hooks reach other families' documents the same way. Nothing marks those changes, and nothing
should have to. So the log is conservative: while a request that may change the state runs, every
entry it *reaches* counts as changed, whether or not it was written.

* A store's collections of entries are `Tracked` dicts: each table's documents, the ARN index,
  tags and idempotency records. While the store's log is `recording`, an entry fetched (`[key]`,
  `get`, `pop`, `setdefault`), set or deleted is noted by key; a walk that hands out entries
  (`values()`, `items()`) notes the whole collection. Keys alone (`in`, iterating keys, `len`)
  hand out nothing a caller could change, and are not noted.
* A family's other attributes (counters, small maps such as `Registry.next_version`) are noted
  as a whole for every family the request reached (`Store.backend`).
* Replacing the stores wholesale (restore, reset) is counted by `State.replaced`: the next save
  writes everything.

Recording is on only while a request that may change the state holds the store's lock
(`dispatch`), and only in a state whose file saves incrementally (`State.tracking`): reads,
the in-process mock and the JSON state file use plain dicts and pay nothing. An entry noted but
unchanged is merely written again; an entry changed but not noted would be lost, which is why
the rule is "reached", not "written".
"""
from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .state import Store
    from .table import TableSpec


class Log:
    """One store's changes since its last save (read and reset by the state file, under the
    store's lock)."""

    __slots__ = ("recording", "keys", "whole", "families")

    def __init__(self) -> None:
        #: Whether the request holding the store's lock may change the state.
        self.recording = False
        #: (collection, key) of every entry reached.
        self.keys: set[tuple[str, Hashable]] = set()
        #: Collections whose entries were all handed out.
        self.whole: set[str] = set()
        #: Names of the families (backend classes) reached.
        self.families: set[str] = set()

    def take(self) -> Log:
        """The changes so far, leaving this log empty (its `recording` as it is)."""
        taken = Log()
        taken.keys, taken.whole, taken.families = self.keys, self.whole, self.families
        self.keys, self.whole, self.families = set(), set(), set()
        return taken

    def __bool__(self) -> bool:
        return bool(self.keys or self.whole or self.families)


class Tracked(dict[Any, Any]):
    """A dict that notes, in its store's log while it records, the entries it hands out or takes."""

    __slots__ = ("log", "collection")

    log: Log
    collection: str

    def __getitem__(self, key: Any) -> Any:
        if self.log.recording:
            self.log.keys.add((self.collection, key))
        return dict.__getitem__(self, key)

    def get(self, key: Any, default: Any = None) -> Any:
        if self.log.recording:
            self.log.keys.add((self.collection, key))
        return dict.get(self, key, default)

    def __setitem__(self, key: Any, value: Any) -> None:
        if self.log.recording:
            self.log.keys.add((self.collection, key))
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: Any) -> None:
        if self.log.recording:
            self.log.keys.add((self.collection, key))
        dict.__delitem__(self, key)

    def pop(self, key: Any, *default: Any) -> Any:
        if self.log.recording:
            self.log.keys.add((self.collection, key))
        return dict.pop(self, key, *default)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if self.log.recording:
            self.log.keys.add((self.collection, key))
        return dict.setdefault(self, key, default)

    def values(self) -> Any:
        if self.log.recording:
            self.log.whole.add(self.collection)
        return dict.values(self)

    def items(self) -> Any:
        if self.log.recording:
            self.log.whole.add(self.collection)
        return dict.items(self)

    def popitem(self) -> Any:
        if self.log.recording:
            self.log.whole.add(self.collection)
        return dict.popitem(self)

    def clear(self) -> None:
        if self.log.recording:
            self.log.whole.add(self.collection)
        dict.clear(self)

    def update(self, *args: Any, **kwargs: Any) -> None:
        if self.log.recording:
            self.log.whole.add(self.collection)
        dict.update(self, *args, **kwargs)

    def __ior__(self, other: Any) -> Any:  # type: ignore[misc]
        self.update(other)
        return self

    def __reduce__(self) -> Any:  # a copy (pickle, deepcopy) is a plain dict: the log is the store's
        return (dict, (dict(self),))


def tracked(store: Store, collection: str, entries: Mapping[Any, Any] | None = None) -> dict[Any, Any]:
    """A store's collection of entries: `Tracked` in a state that saves incrementally, a plain
    dict (a copy of `entries`) otherwise."""
    if not store.state.tracking:
        return dict(entries) if entries is not None else {}
    found = Tracked() if entries is None else Tracked(entries)
    found.log, found.collection = store.log, collection
    return found


def documents(store: Store, spec: TableSpec, entries: Mapping[str, Any] | None) -> dict[str, Any]:
    """A table's documents, named `<Family>.<attribute>` in the log."""
    return tracked(store, table_collection(spec.owner.__name__ if spec.owner else "", spec.attribute), entries)


def plain(entries: dict[Any, Any]) -> dict[Any, Any]:
    """The entries as a plain dict (what snapshots encode), without noting anything."""
    return entries if type(entries) is dict else dict(entries)


#: The collection names of a store's own parts (tables are named `<Family>.<attribute>`).
RESOURCES, TAGS, IDEMPOTENCY = "resources", "tags", "idempotency"


def table_collection(owner: str, attribute: str) -> str:
    return f"{owner}.{attribute}"


__all__ = ["IDEMPOTENCY", "RESOURCES", "TAGS", "Log", "Tracked", "documents", "plain", "table_collection",
           "tracked"]
