"""The whole state of a mock as a JSON document, and back: snapshots, the admin API, state files.

A snapshot has to outlive the process that took it (the server's `--state-file`, a snapshot
fetched over HTTP and restored elsewhere), so it is plain JSON with a format version rather than
a pickle or a deep copy. What it holds is every store's resources: each family backend's
attributes, the ARN index, tags and idempotency records. Configuration, the clock, injected
errors and planned failures belong to the running mock and are not part of it.

Backends keep plain data: dicts, lists, strings, numbers, datetimes, and a few tuples and sets.
JSON lacks some of those, so they are written as small tagged objects (`{"$datetime": ...}`,
`{"$tuple": [...]}`, `{"$set": [...]}`, `{"$dict": [[key, value], ...]}` for a dict whose keys
are not all plain strings). One Python object is often reachable from two places (a resource's
document sits in its family's table and in the store's ARN index), and a write through one must
show through the other after a restore too; so a dict or list reached twice is written once,
marked `"$id": n`, and referenced elsewhere as `{"$ref": n}`.
"""
from __future__ import annotations

import base64
import contextlib
import datetime as _dt
import gc
import math
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from .. import __version__
from . import state as _state
from .table import Table

if TYPE_CHECKING:
    from .backend import Backend
    from .state import State

Document = dict[str, Any]

#: What a document says it is, so a stray JSON file is refused rather than half-restored.
FORMAT = "sagemock-state"
#: Bump on a change that an older sagemock could not read; add an upgrade step in `_UPGRADES`.
VERSION = 1

#: version -> function turning a document of that version into one of the next version.
_UPGRADES: dict[int, Callable[[Document], Document]] = {}



class SnapshotError(ValueError):
    """A document that is not a sagemock snapshot this version can restore."""


def dump(state: State) -> Document:
    """The state's resources as a JSON-serialisable document (`json.dumps` takes it as is)."""
    with state._lock:
        stores = list(state.stores.values())
    encoded = []
    with _collector_paused():
        for store in stores:
            with store.lock:  # the store's documents hold still while they are written down
                families = {}
                for backend in store.backends.values():
                    attributes = _attributes(backend)
                    if not _pristine(backend, attributes):
                        families[type(backend).__name__] = attributes
                if not (families or store.resources or store.tags or store.idempotency):
                    continue  # a store that requests only looked into: no state to keep
                encoded.append(_encode({
                    "account": store.account,
                    "region": store.region,
                    "families": families,
                    "resources": store.resources,
                    "folded": store.folded,
                    "taggable": store.taggable,
                    "tags": store.tags,
                    "idempotency": store.idempotency,
                }))
    return {"format": FORMAT, "version": VERSION, "sagemock": __version__, "stores": encoded}


def _attributes(backend: Backend) -> dict[str, Any]:
    """A family's state: its attributes, each table as the dict of its documents (an empty table is
    left out, as a family that never made one has none; restoring makes it again)."""
    found: dict[str, Any] = {}
    for name, value in vars(backend).items():
        if name == "store":
            continue
        if isinstance(value, Table):
            if not value:
                continue
            value = value.documents
        found[name] = value
    return found


def _pristine(backend: Backend, attributes: dict[str, Any]) -> bool:
    """Whether a family holds no more than a new one: a store makes a family's backend at its
    first request, refused or read-only ones included, and that is no change of state. Left out,
    so that equal states give equal documents (a restore makes it again when it is needed)."""
    return attributes == _attributes(type(backend)(backend.store))


def load(state: State, document: Any) -> None:
    """Replace the state's resources with those of a `dump` document (of this or an older version)."""
    upgraded = _upgrade(document)
    families = _families()
    try:
        with _collector_paused():
            stores = _decode(upgraded)
        restored = {(store.account, store.region): store
                    for store in (_rebuild(state, contents, families) for contents in stores)}
        highest_sequence = max((sequence for contents in stores for sequence in _sequences(contents["families"])),
                               default=0)
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as error:
        if isinstance(error, SnapshotError):
            raise
        raise SnapshotError(f"the snapshot is damaged: {type(error).__name__}: {error}") from None
    # Documents created from now on sort after the restored ones.
    _state.advance_sequence(highest_sequence)
    with state._lock:
        state.stores = restored


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector out of a walk that allocates many small containers.

    Encoding or decoding a few thousand documents allocates enough containers to set off full
    collections, which scan every object in the process and made a dump three times slower.
    The walk makes no cycles of garbage, so nothing is lost by collecting afterwards instead.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _rebuild(state: State, contents: dict[str, Any], families: dict[str, type[Backend]]) -> _state.Store:
    store = _state.Store(state, contents["account"], contents["region"])
    for name, attributes in contents["families"].items():
        cls = families.get(name)
        if cls is None:
            raise SnapshotError(f"the snapshot holds resources of a family this sagemock does not know: {name}")
        store.backend(cls).__dict__.update(attributes)
    store.resources = contents["resources"]
    store.folded = contents["folded"]
    store.taggable = contents["taggable"]
    store.tags = contents["tags"]
    store.idempotency = contents["idempotency"]
    return store


# -- versions ---------------------------------------------------------------------------------------


def _upgrade(given: Any) -> Document:
    if not isinstance(given, dict) or given.get("format") != FORMAT:
        raise SnapshotError(f"not a sagemock snapshot: expected a JSON object with \"format\": \"{FORMAT}\"")
    document: Document = given
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SnapshotError(f"the snapshot's format version is not a positive integer: {version!r}")
    if version > VERSION:
        raise SnapshotError(
            f"the snapshot has format version {version} (written by sagemock {document.get('sagemock', '?')}); "
            f"this sagemock {__version__} reads versions up to {VERSION}: upgrade sagemock to restore it")
    while version < VERSION:
        document = _UPGRADES[version](document)
        version += 1
    if not isinstance(document.get("stores"), list):
        raise SnapshotError("the snapshot is incomplete: it needs a \"stores\" list")
    return document


def _families() -> dict[str, type[Backend]]:
    from .backend import Backend, load_all

    load_all()  # families are imported on first use: a snapshot may hold any of them

    found: dict[str, type[Backend]] = {}
    pending = list(Backend.__subclasses__())
    while pending:
        cls = pending.pop()
        found[cls.__name__] = cls
        pending.extend(cls.__subclasses__())
    return found


def _sequences(value: Any) -> Iterator[int]:
    """Every creation-order stamp (`_seq`) in the restored documents."""
    pending = [value]
    seen: set[int] = set()
    while pending:
        item = pending.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, dict):
            sequence = item.get("_seq")
            if isinstance(sequence, int):
                yield sequence
            pending.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            pending.extend(v for v in item if isinstance(v, (dict, list)))


# -- encoding ---------------------------------------------------------------------------------------

_PLAIN = (str, int, bool, type(None))


class _Encoder:
    """Python data to tagged JSON, in one walk.

    A dict is written in full where it is first reached; when it is reached again, the copy
    already written gets an `"$id"` and this place a `{"$ref": id}`. JSON objects keep their
    order, so a reader meets the `$id` before any reference to it. Lists are hardly ever shared;
    when one is, the walk is repeated knowing which, and those are written as
    `{"$id": n, "$list": [...]}`.
    """

    def __init__(self, shared_lists: frozenset[int] = frozenset()) -> None:
        self.written: dict[int, tuple[Any, Any]] = {}  # id(container) -> (what was written, the container)
        self.next_id = 0
        self.shared_lists = shared_lists
        self.found_shared_lists: set[int] = set()

    def encode(self, value: Any) -> Any:  # noqa: C901 (one dispatch on the type, kept flat for speed)
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind is dict:
            key = id(value)
            first = self.written.get(key)
            if first is not None:
                return {"$ref": self._mark(first[0])}
            written: dict[str, Any] = {}
            self.written[key] = (written, value)
            encode = self.encode
            if all(type(name) is str and not name.startswith("$") for name in value):
                for name, item in value.items():
                    written[name] = item if type(item) in _PLAIN else encode(item)
            else:
                written["$dict"] = [[encode(name), encode(item)] for name, item in value.items()]
            return written
        if kind is list:
            key = id(value)
            first = self.written.get(key)
            if first is not None:
                if key in self.shared_lists:
                    return {"$ref": first[0]["$id"]}
                self.found_shared_lists.add(key)
                return None  # this walk is repeated, knowing the list is shared
            encode = self.encode
            items = [item if type(item) in _PLAIN else encode(item) for item in value]
            if key in self.shared_lists:
                tagged = {"$id": self._new_id(), "$list": items}
                self.written[key] = (tagged, value)
                return tagged
            self.written[key] = (items, value)
            return items
        if kind is float or isinstance(value, float):
            return value if math.isfinite(value) else {"$float": repr(value)}
        if isinstance(value, _dt.datetime):
            return {"$datetime": value.isoformat()}
        if isinstance(value, tuple):
            return {"$tuple": [self.encode(item) for item in value]}
        if isinstance(value, (set, frozenset)):
            items = [self.encode(item) for item in value]
            try:
                items.sort()
            except TypeError:  # unorderable items: any order restores the same set
                pass
            return {"$set": items}
        if isinstance(value, bytes):
            return {"$bytes": base64.b64encode(value).decode("ascii")}
        if isinstance(value, (int, str)):  # a subclass (an enum member, say)
            return int(value) if isinstance(value, int) else str(value)
        raise TypeError(f"sagemock cannot snapshot a {type(value).__name__}: {value!r}")

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _mark(self, written: dict[str, Any]) -> int:
        """The id of an already written dict, giving it one if it has none yet."""
        found = written.get("$id")
        if found is None:
            found = written["$id"] = self._new_id()
        return int(found)


def _encode(value: Any) -> Any:
    encoder = _Encoder()
    encoded = encoder.encode(value)
    if encoder.found_shared_lists:
        encoder = _Encoder(frozenset(encoder.found_shared_lists))
        encoded = encoder.encode(value)
    return encoded


def _decode(document: Document) -> list[Any]:
    """The stores of an upgraded document as Python data, shared containers shared again."""
    known: dict[int, Any] = {}  # the containers marked "$id" in the store being read

    def decode(value: Any) -> Any:
        if type(value) is list:
            return [item if type(item) in _PLAIN else decode(item) for item in value]
        if type(value) is not dict:
            return value
        identity = value.get("$id")
        if "$list" in value:
            target_list: list[Any] = []
            if identity is not None:
                known[identity] = target_list
            target_list.extend(decode(item) for item in value["$list"])
            return target_list
        if len(value) == 1:
            ((tag, inner),) = value.items()
            if tag.startswith("$") and tag != "$id":  # {"$id": n} alone is an empty dict held twice
                return _tagged(tag, inner, decode, known)
        target: dict[Any, Any] = {}
        if identity is not None:
            known[identity] = target  # before its contents: they may refer back to it
        if "$dict" in value:
            for name, item in value["$dict"]:
                target[decode(name)] = decode(item)
        else:
            for name, item in value.items():
                if name != "$id":
                    target[name] = item if type(item) in _PLAIN else decode(item)
        return target

    stores = []  # (a malformed document raises KeyError, TypeError ...: `load` reports it)
    for store in document["stores"]:
        known.clear()  # ids are numbered per store
        stores.append(decode(store))
    return stores


def _tagged(tag: str, inner: Any, decode: Any, known: dict[int, Any]) -> Any:
    if tag == "$ref":
        return known[inner]
    if tag == "$datetime":
        return _dt.datetime.fromisoformat(inner)
    if tag == "$tuple":
        return tuple(decode(item) for item in inner)
    if tag == "$set":
        return {decode(item) for item in inner}
    if tag == "$dict":
        return {decode(key): decode(item) for key, item in inner}
    if tag == "$float":
        return float(inner)
    if tag == "$bytes":
        return base64.b64decode(inner)
    raise SnapshotError(f"the snapshot holds a value tagged {tag!r}, which this sagemock does not know")


__all__ = ["FORMAT", "VERSION", "SnapshotError", "dump", "load"]
