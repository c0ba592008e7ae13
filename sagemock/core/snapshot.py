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

Three ways out, one encoding: `dump` builds the document as Python data (`mock.snapshot()`);
`write` and `chunks` give it as JSON text a piece at a time, so a large state is saved or sent
without building the document, or its text, whole (the state file, `GET /_sagemock/snapshot`).
Every walk here is iterative, never recursive, so no value is too deep for it; documents are
kept within `MAX_DEPTH` levels, a depth the standard library's JSON parser reads anywhere, and
`load` refuses deeper ones, cycles and anything the families would not recognise (see
`snapshot_check`), always before the state is touched.
"""
from __future__ import annotations

import base64
import contextlib
import datetime as _dt
import gc
import itertools
import json
import math
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any

from .. import __version__
from . import arns, changelog
from . import state as _state
from .errors import SnapshotError
from .table import Table, TableSpec

if TYPE_CHECKING:
    from .backend import Backend
    from .state import State, Store

Document = dict[str, Any]

#: What a document says it is, so a stray JSON file is refused rather than half-restored.
FORMAT = "sagemock-state"
#: Bump on a change that an older sagemock could not read; add an upgrade step in `_UPGRADES`.
#: 2: idempotency records keep a digest of the request and when they were made (`idempotency`).
#: 3: a model card is one document, its latest version, holding the older ones (`_history`).
VERSION = 3

#: How deeply a document may nest. A resource can hold JSON nested about as deeply (a pipeline
#: definition is parsed and kept). Within this depth the standard library's JSON reader and
#: writer stay clear of Python's recursion limit (1000 frames) from any thread that calls them,
#: so a document sagemock writes is always one it can read back.
MAX_DEPTH = 800


# -- out --------------------------------------------------------------------------------------------


def dump(state: State) -> Document:
    """The state's resources as a JSON-serialisable document (`json.dumps` takes it as is)."""
    encoded = []
    with collector_paused():
        for store in _stores(state):
            with store.lock:  # the store's documents hold still while they are written down
                contents = _contents(store)
                if contents is not None:
                    encoded.append(_Encoder(_shared(contents)).encode(contents, _STORE_DEPTH))
    return {**_head(), "stores": encoded}


def live_contents(state: State) -> list[dict[str, Any]]:
    """What `dump` would write, as the stores' own structures, unencoded: for telling whether the
    state changed (`==` against an earlier `copy.deepcopy` of it) at a fraction of a dump's cost.
    Not for keeping: the documents in it are the stores' own, and change with them."""
    found = []
    for store in _stores(state):
        with store.lock:
            contents = _contents(store)
        if contents is not None:
            found.append(contents)
    return found


def chunks(state: State) -> Iterator[str]:
    """The state's snapshot document as JSON text, in pieces: `"".join` gives the text of
    `dump(state)` with compact separators, without holding more than one resource's encoding.

    Each store is held still (its lock) while its part is produced, so a consumer that writes the
    pieces somewhere slow delays the writes to that store meanwhile.
    """
    head = _head()
    yield "{" + ",".join(f"{_text(name)}:{_text(value)}" for name, value in head.items()) + ',"stores":['
    first = True
    for store in _stores(state):
        with store.lock, collector_paused():
            contents = _contents(store)
            if contents is None:
                continue
            if not first:
                yield ","
            first = False
            yield from _store_chunks(_Encoder(_shared(contents)), contents)
    yield "]}"


def write(state: State, stream: IO[str], buffer: int = 1 << 16) -> None:
    """Write the state's snapshot document to a text stream, in pieces of about `buffer` characters."""
    pending: list[str] = []
    size = 0
    for chunk in chunks(state):
        pending.append(chunk)
        size += len(chunk)
        if size >= buffer:
            stream.write("".join(pending))
            pending.clear()
            size = 0
    stream.write("".join(pending))


def _head() -> Document:
    return {"format": FORMAT, "version": VERSION, "sagemock": __version__}


def _stores(state: State) -> list[Store]:
    with state._lock:
        return list(state.stores.values())


#: A store's place in a document: {"stores": [{...}]}.
_STORE_DEPTH = 2


def _contents(store: Store) -> dict[str, Any] | None:
    """What a store's part of the document holds; None for a store with no state to keep."""
    families = {}
    for backend in store.backends.values():
        attributes = _attributes(backend)
        if not _pristine(backend, attributes):
            families[type(backend).__name__] = attributes
    if not (families or store.resources or store.tags or store.idempotency):
        return None  # a store that requests only looked into: no state to keep
    return {
        "account": store.account,
        "region": store.region,
        "families": families,
        "resources": changelog.plain(store.resources),
        "folded": store.folded,
        "taggable": store.taggable,
        "tags": changelog.plain(store.tags),
        "idempotency": changelog.plain(store.idempotency),
    }


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
            value = changelog.plain(value.documents)
        elif type(value) is changelog.Tracked:  # a family's `Entries`, in a state that saves incrementally
            value = changelog.plain(value)
        found[name] = value
    return found


def _pristine(backend: Backend, attributes: dict[str, Any]) -> bool:
    """Whether a family holds no more than a new one: a store makes a family's backend at its
    first request, refused or read-only ones included, and that is no change of state. Left out,
    so that equal states give equal documents (a restore makes it again when it is needed)."""
    return attributes == _attributes(type(backend)(backend.store))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
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


# -- encoding ---------------------------------------------------------------------------------------

_PLAIN = (str, int, bool, type(None))
_PLAIN_TYPES = frozenset(_PLAIN)
_text = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode

# How a frame's items are walked: a dict's (name, value) pairs, a list's values, a dict's pairs
# as [key, value] lists (the "$dict" form), a set's or a tuple's values (made a set or a tuple,
# or for the encoder sorted, once all are read).
_DICT, _LIST, _PAIRS, _SET, _TUPLE = range(5)
#: (items still to read, the container being filled, form, depth, ...): what `_fill` works on.
Frame = tuple[Any, ...]


def _shared(root: Any) -> set[int]:
    """The dicts and lists reachable from `root` more than once (or from themselves).

    Found before anything is written, so the first place a shared container is written can carry
    its `"$id"` even when the text is streamed. Tuples and sets are written by value wherever they
    are reached, so the walk goes into them every time, as the encoder does. (Dict keys need no
    walk: a key is hashable, so it holds no dict or list.)
    """
    seen: set[int] = set()
    shared: set[int] = set()
    pending = [root]
    pop, extend, plain = pending.pop, pending.extend, _PLAIN_TYPES
    while pending:
        value = pop()
        kind = type(value)
        if kind is dict or kind is list:
            key = id(value)
            if key in seen:
                shared.add(key)
                continue
            seen.add(key)
            extend([item for item in (value.values() if kind is dict else value) if type(item) not in plain])
        elif kind is tuple or kind is set or kind is frozenset:
            extend([item for item in value if type(item) not in plain])
    return shared


def _plain_keys(value: dict[Any, Any]) -> bool:
    """Whether a dict can be written as a JSON object as it is: string keys, none a tag."""
    for name in value:
        if type(name) is not str or name[:1] == "$":
            return False
    return True


def _fill(frame: Any, start: Callable[..., tuple[Any, Any]], pair: Callable[[Any, Any, int], tuple[Any, Any]],
          finish: Callable[[Any], None]) -> None:  # noqa: C901 (one loop, kept flat for speed)
    """Fill a container and everything below it, one frame (container being filled) at a time
    on an explicit stack, so no value is too deep to walk. The encoder and the decoder share it.

    A frame is (items, target, form, depth, ...): the items still to read, the container being
    filled and how. `start(item, depth, parent, slot)` gives what goes in the item's place and,
    for an item with contents, the frame that fills it; `pair(target, key, depth)` where the value
    of a "$dict" entry goes; `finish(frame)` is called once a frame is full.
    """
    stack = [frame]
    while stack:
        frame = stack[-1]
        items, target, form, level = frame[0], frame[1], frame[2], frame[3]
        pushed = None
        if form == _DICT:
            for name, item in items:
                if type(item) in _PLAIN:
                    target[name] = item
                    continue
                target[name], pushed = start(item, level + 1, target, name)
                if pushed is not None:
                    break
        elif form == _PAIRS:
            for name, item in items:
                holder, slot = pair(target, name, level + 2)
                if type(item) in _PLAIN:
                    holder[slot] = item
                    continue
                holder[slot], pushed = start(item, level + 2, holder, slot)
                if pushed is not None:
                    break
        else:
            append = target.append
            for item in items:
                if type(item) in _PLAIN:
                    append(item)
                    continue
                value, pushed = start(item, level + 1, target, len(target))
                append(value)
                if pushed is not None:
                    break
        if pushed is not None:
            stack.append(pushed)
        else:
            stack.pop()
            finish(frame)


def _pairs(entries: list[Any]) -> Iterator[tuple[Any, Any]]:
    for entry in entries:
        if type(entry) is not list or len(entry) != 2:
            raise SnapshotError(f"the snapshot is damaged: a \"$dict\" entry that is not a [key, value] pair: "
                                f"{_short(entry)}")
        yield entry[0], entry[1]


class _Encoder:
    """Python data to tagged JSON values, in one iterative walk.

    A shared container (`_shared`) is written in full where it is first reached, with its
    `"$id"` first, and as `{"$ref": id}` everywhere after. Reaching one again while it is still
    being written means it contains itself, which JSON cannot hold: a `SnapshotError`.
    """

    def __init__(self, shared: set[int]) -> None:
        self.shared = shared
        self.numbers: dict[int, int] = {}  # id(shared container) -> its "$id"
        self.unfinished: set[int] = set()  # shared containers being written

    def encode(self, value: Any, depth: int) -> Any:
        """`value` encoded, where `depth` is how many containers enclose it in the document."""
        if type(value) in _PLAIN:
            return value
        head, frame = self.start(value, depth)
        if frame is not None:
            _fill(frame, self.start, self.pair, self.finish)
        return head

    def pair(self, target: list[Any], name: Any, depth: int) -> tuple[list[Any], int]:
        """Where the value of a "$dict" entry goes: the second place of a new [key, value] pair."""
        pair = [self.encode(name, depth), None]
        target.append(pair)
        return pair, 1

    def start(self, value: Any, depth: int, _parent: Any = None,
              _slot: Any = None) -> tuple[Any, tuple[Any, ...] | None]:  # noqa: C901
        """(what is written for `value`, the frame that fills it in, if it has contents)."""
        kind = type(value)
        if kind is float:
            return (value if math.isfinite(value) else {"$float": repr(value)}), None
        if depth > MAX_DEPTH:
            raise SnapshotError(f"the state holds a value nested deeper than a snapshot's {MAX_DEPTH} levels")
        if kind is dict or kind is list:
            key = id(value)
            number = self.numbers.get(key)
            if number is not None:
                if key in self.unfinished:
                    raise SnapshotError("the state holds a value that contains itself, which a snapshot cannot hold")
                return {"$ref": number}, None
            shared = key in self.shared
            head: dict[str, Any]
            if shared:
                number = self.numbers[key] = len(self.numbers) + 1
                self.unfinished.add(key)
                head = {"$id": number}
            else:
                head = {}
            if kind is list:
                if not shared:
                    items: list[Any] = []
                    return items, (iter(value), items, _LIST, depth, None)
                items = head["$list"] = []
                return head, (iter(value), items, _LIST, depth + 1, key)
            if _plain_keys(value):
                return head, (iter(value.items()), head, _DICT, depth, key if shared else None)
            pairs: list[Any] = []
            head["$dict"] = pairs
            return head, (iter(value.items()), pairs, _PAIRS, depth + 1, key if shared else None)
        if isinstance(value, float):
            return (float(value) if math.isfinite(value) else {"$float": repr(value)}), None
        if isinstance(value, _dt.datetime):
            return {"$datetime": value.isoformat()}, None
        if isinstance(value, tuple):
            items = []
            return {"$tuple": items}, (iter(value), items, _LIST, depth + 1, None)
        if isinstance(value, (set, frozenset)):
            items = []
            return {"$set": items}, (iter(value), items, _SET, depth + 1, None)
        if isinstance(value, bytes):
            return {"$bytes": base64.b64encode(value).decode("ascii")}, None
        if isinstance(value, (int, str)):  # a subclass (an enum member, say)
            return (int(value) if isinstance(value, int) else str(value)), None
        raise SnapshotError(f"sagemock cannot snapshot a {type(value).__name__}: {value!r}")

    def finish(self, frame: tuple[Any, ...]) -> None:
        _items, target, form, _level, key = frame
        if form == _SET:
            try:
                target.sort()
            except TypeError:  # unorderable items: any order restores the same set
                pass
        if key is not None:
            self.unfinished.discard(key)


def _store_chunks(encoder: _Encoder, contents: dict[str, Any]) -> Iterator[str]:
    """JSON text for a store's part of the document, a batch of entries at a time.

    The store's own layout (its parts, its families, their attributes) is written as it is
    walked; each table (a family's attribute, the ARN index, the tags ...) is written in batches
    of `_BATCH` entries, each entry (a resource's document, typically) encoded whole and the batch
    turned into text at once by the C JSON encoder, then dropped. The encoder's state is the one
    `dump` uses, walked in the same order, so `$id`s and `$ref`s come out exactly as it writes them.
    """
    separator = "{"
    for part, value in contents.items():
        yield f"{separator}{_text(part)}:"
        separator = ","
        if part != "families":
            yield from _table_chunks(encoder, value, _STORE_DEPTH + 1)
            continue
        inner = "{"
        for family, attributes in value.items():
            yield f"{inner}{_text(family)}:"
            inner = ","
            between = "{"
            for name, table in attributes.items():
                yield f"{between}{_text(name)}:"
                between = ","
                yield from _table_chunks(encoder, table, _STORE_DEPTH + 3)
            yield "{}" if between == "{" else "}"
        yield "{}" if inner == "{" else "}"
    yield "}"


def _table_chunks(encoder: _Encoder, table: Any, depth: int) -> Iterator[str]:
    if type(table) in _PLAIN:
        yield _text(table)
        return
    head, frame = encoder.start(table, depth)
    if frame is None or frame[2] not in (_DICT, _PAIRS):  # not a table of entries: written whole
        if frame is not None:
            _fill(frame, encoder.start, encoder.pair, encoder.finish)
        yield _text(head)
        return
    items, _target, form, level, _key = frame
    marked = f'"$id":{head["$id"]}' if "$id" in head else ""
    if form == _DICT:
        yield "{" + marked
        separator = "," if marked else ""
        while batch := dict(itertools.islice(items, _BATCH)):
            encoded = {name: encoder.encode(item, level + 1) for name, item in batch.items()}
            yield separator + _text(encoded)[1:-1]
            separator = ","
        yield "}"
    else:
        yield "{" + (marked + "," if marked else "") + '"$dict":['
        separator = ""
        while entries := list(itertools.islice(items, _BATCH)):
            pairs = [[encoder.encode(name, level + 2), encoder.encode(item, level + 2)] for name, item in entries]
            yield separator + _text(pairs)[1:-1]
            separator = ","
        yield "]}"
    encoder.finish(frame)


#: How many entries of a table are turned into text at once.
_BATCH = 256


# -- in ---------------------------------------------------------------------------------------------


def load(state: State, document: Any) -> None:
    """Replace the state's resources with those of a `dump` document (of this or an older version).

    Nothing changes unless the whole document is read and checked (`snapshot_check`).
    """
    upgraded = _upgrade(document)
    try:
        decoder = _Decoder()
        with collector_paused():
            stores = [decoder.decode_store(store) for store in upgraded["stores"]]
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as error:
        if isinstance(error, SnapshotError):
            raise
        raise SnapshotError(f"the snapshot is damaged: {type(error).__name__}: {error}") from None
    replace(state, stores, decoder.highest_sequence)


def replace(state: State, stores: list[Any], highest_sequence: int, *, check: bool = True) -> None:
    """Replace the state's resources with decoded stores (the parts `_contents` names), once all
    of them are checked (`snapshot_check`); `highest_sequence` is the highest `_seq` they hold.

    `check=False` is for stores this process's own state held (a deep copy of `live_contents`),
    which need no check: a test that puts the same state back many times skips its cost.
    """
    from . import snapshot_check

    families = _families()
    try:
        restored: dict[tuple[str, str], _state.Store] = {}
        for contents in stores:
            if check:
                snapshot_check.store(contents, families)
            store = _rebuild(state, contents, families)
            if (store.account, store.region) in restored:
                raise SnapshotError(f"the snapshot holds account {store.account} in {store.region} twice")
            restored[(store.account, store.region)] = store
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as error:
        if isinstance(error, SnapshotError):
            raise
        raise SnapshotError(f"the snapshot is damaged: {type(error).__name__}: {error}") from None
    # Documents created from now on sort after the restored ones.
    _state.advance_sequence(highest_sequence)
    with state._lock:
        state.stores = restored
        state.replaced += 1
    state.note_change()


def parse(text: str | bytes) -> Any:
    """A snapshot document from its JSON text; `SnapshotError` for text that is not one."""
    try:
        return json.loads(text)
    except RecursionError:
        raise SnapshotError(f"the snapshot is nested deeper than a snapshot's {MAX_DEPTH} levels") from None
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError alike
        raise SnapshotError(f"the snapshot is not JSON: {error}") from None


def _rebuild(state: State, contents: dict[str, Any], families: dict[str, type[Backend]]) -> _state.Store:
    store = _state.Store(state, contents["account"], contents["region"])
    for name, attributes in contents["families"].items():
        store.backend(families[name]).__dict__.update(attributes)
    store.resources = changelog.tracked(store, changelog.RESOURCES, contents["resources"])
    store.folded = contents["folded"]
    store.taggable = contents["taggable"]
    store.tags = changelog.tracked(store, changelog.TAGS, contents["tags"])
    store.idempotency = changelog.tracked(store, changelog.IDEMPOTENCY, contents["idempotency"])
    return store


def families() -> dict[str, type[Backend]]:
    """Every family (backend class) by name, all of them imported: what a snapshot may hold."""
    return _families()


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


class _Decoder:
    """Tagged JSON values back to Python data, shared containers shared again, in one iterative
    walk. A `$ref` to a container still being read would make a value that contains itself: it
    is refused, as is anything nested deeper than `MAX_DEPTH`."""

    def __init__(self) -> None:
        self.known: dict[Any, Any] = {}  # "$id" -> the container it marks
        self.unfinished: set[Any] = set()  # the "$id"s of containers being read
        #: The highest creation-order stamp (`_seq`) read: documents made later sort after.
        self.highest_sequence = 0

    def decode_store(self, store: Any) -> Any:
        self.known.clear()  # ids are numbered per store
        self.unfinished.clear()
        return self.decode(store, _STORE_DEPTH)

    def decode(self, value: Any, depth: int) -> Any:
        if type(value) in _PLAIN or type(value) is float:
            return value
        holder = [None]
        head, frame = self.start(value, depth, holder, 0)  # (a tuple or a set replaces its placeholder once read)
        holder[0] = head
        if frame is not None:
            _fill(frame, self.start, self.pair, self.finish)
        return holder[0]

    def pair(self, target: dict[Any, Any], name: Any, depth: int) -> tuple[dict[Any, Any], Any]:
        """Where the value of a "$dict" entry goes: under its decoded key."""
        return target, self.decode(name, depth)

    def start(self, value: Any, depth: int, parent: Any, slot: Any) -> tuple[Any, Frame | None]:  # noqa: C901
        """(the decoded value or the container to fill, the frame that fills it in)."""
        kind = type(value)
        if kind is float:
            return value, None
        if kind is not dict and kind is not list:
            raise SnapshotError(f"the snapshot is damaged: it holds a {kind.__name__}")
        if depth > MAX_DEPTH:
            raise SnapshotError(f"the snapshot is nested deeper than a snapshot's {MAX_DEPTH} levels")
        if kind is list:
            target_list: list[Any] = []
            return target_list, (iter(value), target_list, _LIST, depth, None, parent, slot)
        identity = value.get("$id")
        if "$list" in value:
            items = value["$list"]
            if type(items) is not list:
                raise SnapshotError(f"the snapshot is damaged: \"$list\" holds a {type(items).__name__}")
            target_list = self.register(identity, [])
            return target_list, (iter(items), target_list, _LIST, depth + 1, identity, parent, slot)
        if "$dict" in value:
            pairs = value["$dict"]
            if type(pairs) is not list:
                raise SnapshotError(f"the snapshot is damaged: \"$dict\" holds a {type(pairs).__name__}")
            target = self.register(identity, {})
            return target, (_pairs(pairs), target, _PAIRS, depth + 1, identity, parent, slot)
        if identity is None:
            if len(value) == 1:
                ((tag, inner),) = value.items()
                if tag[:1] == "$":
                    return self.tagged(tag, inner, depth, parent, slot)
            target = {}
        else:
            target = self.register(identity, {})  # (its "$id" is read as a member, and dropped once it is full)
        sequence = value.get("_seq")
        if type(sequence) is int and sequence > self.highest_sequence:
            self.highest_sequence = sequence
        return target, (iter(value.items()), target, _DICT, depth, identity, parent, slot)

    def register(self, identity: Any, container: Any) -> Any:
        if identity is not None:
            if type(identity) is not int or identity in self.known:
                raise SnapshotError(f"the snapshot is damaged: \"$id\" {_short(identity)} is not a new number")
            self.known[identity] = container
            self.unfinished.add(identity)
        return container

    def tagged(self, tag: str, inner: Any, depth: int, parent: Any, slot: Any) -> tuple[Any, Frame | None]:
        if tag == "$ref":
            if inner in self.unfinished:
                raise SnapshotError(f"the snapshot holds a value that contains itself (\"$ref\" {inner} inside "
                                    f"the container marked \"$id\" {inner})")
            if type(inner) is not int or inner not in self.known:
                raise SnapshotError(f"the snapshot is damaged: \"$ref\" {_short(inner)} refers to no \"$id\" before it")
            return self.known[inner], None
        if tag in ("$tuple", "$set"):
            if type(inner) is not list:
                raise SnapshotError(f"the snapshot is damaged: {tag!r} holds a {type(inner).__name__}")
            collected: list[Any] = []
            return None, (iter(inner), collected, _TUPLE if tag == "$tuple" else _SET, depth + 1, None, parent, slot)
        if tag not in ("$datetime", "$float", "$bytes"):
            raise SnapshotError(f"the snapshot holds a value tagged {tag!r}, which this sagemock does not know")
        if type(inner) is not str:
            raise SnapshotError(f"the snapshot is damaged: {tag!r} holds a {type(inner).__name__}")
        if tag == "$datetime":
            moment = _dt.datetime.fromisoformat(inner)
            if moment.tzinfo is None:
                raise SnapshotError(f"the snapshot holds a time without a time zone: {inner!r}")
            return moment, None
        if tag == "$float":
            return float(inner), None
        return base64.b64decode(inner, validate=True), None

    def finish(self, frame: Frame) -> None:
        _items, target, form, _level, identity, parent, slot = frame
        if identity is not None:
            self.unfinished.discard(identity)
            if form == _DICT:
                del target["$id"]
        if form == _SET:
            parent[slot] = set(target)  # (an unhashable item raises TypeError: a damaged snapshot)
        elif form == _TUPLE:
            parent[slot] = tuple(target)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# -- one entry at a time (a state file that saves what changed) ------------------------------------

#: How deep each kind of entry sits in a snapshot document, so an entry saved on its own is held
#: to the same `MAX_DEPTH` as it would be in a whole snapshot (and a snapshot made from saved
#: entries can always be read back): a table's document, a family's other attribute, a resource's
#: tags, an idempotency record.
DOCUMENT_DEPTH = _STORE_DEPTH + 4
ATTRIBUTE_DEPTH = _STORE_DEPTH + 3
TAGS_DEPTH = _STORE_DEPTH + 2
RECORD_DEPTH = _STORE_DEPTH + 3


def encode_entry(value: Any, depth: int) -> str:
    """One entry of a store (a document, a record, an attribute) as JSON text on its own.

    Containers the entry shares with other entries are written as copies: an entry is read
    back on its own too. Families share such values only to read them (a pipeline's parsed
    definition and its executions' plans, the identity in `CreatedBy`), so equal copies serve.
    """
    if type(value) in _PLAIN:
        return _text(value)
    return _text(_Encoder(_shared(value)).encode(value, depth))


class EntryDecoder:
    """Entries written by `encode_entry` back to Python data, one at a time; remembers the
    highest creation-order stamp read, for `replace`."""

    def __init__(self) -> None:
        self._decoder = _Decoder()

    @property
    def highest_sequence(self) -> int:
        return self._decoder.highest_sequence

    def decode(self, text: str | bytes, depth: int) -> Any:
        decoder = self._decoder
        decoder.known.clear()
        decoder.unfinished.clear()
        try:
            return decoder.decode(parse(text), depth)
        except (KeyError, IndexError, TypeError, AttributeError, ValueError) as error:
            if isinstance(error, SnapshotError):
                raise
            raise SnapshotError(f"the snapshot is damaged: {type(error).__name__}: {error}") from None


def contents(account: str, region: str, families: dict[str, dict[str, Any]], tags: dict[str, Any],
             records: dict[Any, Any]) -> dict[str, Any]:
    """A decoded store (what `replace` takes) from its families' attributes, tags and idempotency
    records: the ARN index, the case-folded index and the taggable set are made from the tables,
    as the tables' `add` makes them."""
    classes = _families()
    resources: dict[str, Any] = {}
    folded: dict[str, str] = {}
    taggable: set[str] = set()
    for family, attributes in families.items():
        cls = classes.get(family)
        for name, value in attributes.items():
            spec = getattr(cls, name, None) if cls is not None else None
            if not isinstance(spec, TableSpec) or type(value) is not dict:
                continue
            for document in value.values():
                arn = document.get(spec.arn) if type(document) is dict else None
                if type(arn) is not str:
                    continue  # (refused by the check that follows)
                resources[arn] = document
                if spec.taggable:
                    taggable.add(arn)
                if arns.kind(arn) in arns.CASE_INSENSITIVE:
                    folded[arn.lower()] = arn
    return {"account": account, "region": region, "families": families, "resources": resources,
            "folded": folded, "taggable": taggable, "tags": tags, "idempotency": records}


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
    if not isinstance(document.get("stores"), list):
        raise SnapshotError("the snapshot is incomplete: it needs a \"stores\" list")
    while version < VERSION:
        document = _UPGRADES[version](document)
        version += 1
    return document


def _idempotency_records_digested(document: Document) -> Document:
    """1 -> 2: an idempotency record held the whole request's canonical JSON; it now holds its
    digest and when it was made (unknown for these: they are kept until the bound drops them)."""
    from . import idempotency

    stores = []
    for store in document["stores"]:
        records = store.get("idempotency") if isinstance(store, dict) else None
        pairs = records.get("$dict") if isinstance(records, dict) else None
        if isinstance(records, dict) and isinstance(pairs, list):
            upgraded = []
            for pair in pairs:
                value = pair[1] if isinstance(pair, list) and len(pair) == 2 else None
                record = value.get("$tuple") if isinstance(value, dict) else None
                if isinstance(record, list) and len(record) == 2 and isinstance(record[0], str):
                    pair = [pair[0], {"$tuple": [idempotency.digest_text(record[0]), record[1], None]}]
                upgraded.append(pair)
            store = {**store, "idempotency": {**records, "$dict": upgraded}}
        stores.append(store)
    return {**document, "version": 2, "stores": stores}


def _model_cards_one_document(document: Document) -> Document:
    """2 -> 3: the model cards table held each card's versions as a list, oldest first; it now
    holds the latest version, which keeps the older ones in `_history` (`model_cards.versions_of`)."""
    stores = []
    for store in document["stores"]:
        families = store.get("families") if isinstance(store, dict) else None
        family = families.get("ModelCards") if isinstance(families, dict) else None
        cards = family.get("cards") if isinstance(family, dict) else None
        if isinstance(families, dict) and isinstance(family, dict) and isinstance(cards, dict):
            upgraded = {name: ({**versions[-1], "_history": versions[:-1]}
                               if isinstance(versions, list) and versions and isinstance(versions[-1], dict)
                               else versions)
                        for name, versions in cards.items()}
            store = {**store, "families": {**families, "ModelCards": {**family, "cards": upgraded}}}
        stores.append(store)
    return {**document, "version": 3, "stores": stores}


#: version -> function turning a document of that version into one of the next version.
_UPGRADES: dict[int, Callable[[Document], Document]] = {1: _idempotency_records_digested,
                                                        2: _model_cards_one_document}


__all__ = ["FORMAT", "MAX_DEPTH", "VERSION", "EntryDecoder", "SnapshotError", "chunks", "collector_paused", "contents",
           "dump", "encode_entry", "load", "parse", "replace", "write"]
