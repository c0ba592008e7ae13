"""The state file as an SQLite database: one row per entry, and a save writes the rows that changed.

The `Medium` a server's `--state-file` uses for a new file (`sagemock.state_file` decides when it
is written and what happens when that fails). A JSON snapshot re-encodes the whole state at every
save, so a write costs what the state holds; here a write costs what it changed.

* **Rows.** Each entry of a store is a row keyed by (account, region, collection, key) whose
  value is the entry's JSON text in the snapshot encoding (`snapshot.encode_entry`): a table's
  document (collection `<Family>.<attribute>`, key the table's key), a resource's tags (`tags`,
  by ARN), an idempotency record (`idempotency`, by `[operation, token]`), and each family's other
  attributes, such as `Registry.next_version`, together (`family`, by family name). The ARN index,
  its case-folded twin and the taggable set are made again from the tables when the state is
  loaded (`snapshot.contents`), as `Table.add` makes them.
* **What a save writes.** The rows of the entries the requests since the last save reached, as
  the stores' change logs (`sagemock.core.changelog`) say; everything after a restore or a reset
  (`State.replaced`). Each store's rows are encoded under its lock, then all are written in one
  transaction and committed.
* **Durability.** The database runs in write-ahead-log mode with `synchronous=FULL`: a commit is
  on disk (the log flushed) when it returns, and SQLite flushes the directory when it creates the
  log. One commit holds every write made since the last one: the state file's group commit.
  A commit that fails (disk full, read-only directory) is rolled back whole by SQLite, and the
  state file reads the durable state back from the rows (`load`).
* **One server.** The file is claimed by a lock file (`sagemock.state_lock`) naming its holder.
  Other processes may read the database meanwhile (the `sqlite3` shell, a test).

`meta` holds the format name and the snapshot format version the rows are written in; a database
of another format version is refused, as a snapshot of a newer version is.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from . import __version__
from .core import arns, changelog, snapshot
from .core.errors import SnapshotError
from .core.state import Config, State, Store
from .core.table import Entries, Table, TableSpec, spec_for
from .state_file import StateFileError
from .state_lock import HolderLock, sync_directory

#: The first bytes of every SQLite database file.
_HEADER = b"SQLite format 3\x00"
#: The collection of a store's families' other attributes (one row per family).
FAMILY = "family"
#: How long a statement waits for another connection's lock (a reader) before failing.
_BUSY_SECONDS = 30.0

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    collection TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (account, region, collection, key)
);
"""
_UPSERT = ("INSERT INTO entries (account, region, collection, key, value) VALUES (?, ?, ?, ?, ?) "
           "ON CONFLICT (account, region, collection, key) DO UPDATE SET value = excluded.value")
_DELETE = "DELETE FROM entries WHERE account = ? AND region = ? AND collection = ? AND key = ?"
_DELETE_COLLECTION = "DELETE FROM entries WHERE account = ? AND region = ? AND collection = ?"
#: Marks a database that holds a state (one made by `claim` holds none until the first write).
_SAVED = "INSERT INTO meta (name, value) VALUES ('saved', '1') ON CONFLICT (name) DO NOTHING"

Row = tuple[str, str, str, str, str]
Key = tuple[str, str, str, str]


def is_database(path: Path) -> bool:
    """Whether the file at `path` is an SQLite database (by its first bytes)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(_HEADER)) == _HEADER
    except OSError:
        return False


class SqliteStateFile:
    """The state file at `path`, an SQLite database written a row per changed entry."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._lock = HolderLock(self.path)
        self.lock_path = self._lock.lock_path
        self._connection: sqlite3.Connection | None = None
        #: Serialises the connection between the writer thread and the threads that load.
        self._using = threading.Lock()
        #: The `State.replaced` count of the state the rows hold; None until the first write.
        self._replaced: int | None = None
        #: How many rows the last write wrote and deleted (for tests and the benchmark).
        self.last_write: tuple[int, int] = (0, 0)

    def describe(self) -> str:
        return str(self.path)

    # -- who holds it ---------------------------------------------------------------------------

    def claim(self) -> None:
        self._lock.claim()
        try:
            self._connection = self._open()
        except BaseException:
            self._lock.release()
            raise

    def release(self) -> None:
        with self._using:
            connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except sqlite3.Error:
                pass
        self._lock.release()

    def _open(self) -> sqlite3.Connection:
        created = not self.path.exists()
        try:
            connection = _connect(self.path)
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:
                # A new database: the schema, then WAL (a setting the file keeps).
                connection.execute("PRAGMA journal_mode = WAL")
                with _transaction(connection):
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            connection.execute(statement)
                    connection.executemany("INSERT INTO meta (name, value) VALUES (?, ?)",
                                           [("format", snapshot.FORMAT), ("version", str(snapshot.VERSION)),
                                            ("sagemock", __version__)])
            elif tables >= {"meta", "entries"}:
                connection.execute("PRAGMA journal_mode = WAL")
        except sqlite3.Error as error:
            raise StateFileError(f"cannot open the state file {self.path}: {error}") from None
        if created:
            sync_directory(self.path.parent)  # the new file's name is durable too
        return connection

    # -- reading --------------------------------------------------------------------------------

    def load(self, state: State) -> bool:
        """Replace the state by the rows' (a `SnapshotError` for rows this sagemock cannot use)."""
        track(state)  # (before the stores are made: they keep change logs from the start)
        with self._using:
            connection = self._require()
            try:
                found = _read(connection)
            except sqlite3.Error as error:
                raise StateFileError(f"cannot read the state file {self.path}: {error}") from None
        if found is None:
            return False
        stores, highest = found
        snapshot.replace(state, stores, highest)
        for store in _stores(state):
            store.log.take()  # (nothing is noted outside requests; but the state is the rows' now)
        self._replaced = state.replaced
        return True

    def copy_to(self, send: Callable[[bytes], Any]) -> None:
        """The rows as a snapshot document, read in one transaction of a connection of its own
        (saves go on meanwhile), made into a state and written as `snapshot.chunks` writes one."""
        copy = State(Config())
        read(self.path, copy)
        pending: list[str] = []
        size = 0
        for chunk in snapshot.chunks(copy):
            pending.append(chunk)
            size += len(chunk)
            if size >= 1 << 16:
                send("".join(pending).encode("ascii"))
                pending.clear()
                size = 0
        send("".join(pending).encode("ascii"))

    # -- writing --------------------------------------------------------------------------------

    def write(self, state: State) -> None:
        """Write the rows of what changed since the last write (everything after a restore or a
        reset, or at the first write), in one transaction: all of them, or none."""
        if not state.tracking:
            track(state)
        replaced = state.replaced
        whole = self._replaced != replaced
        upserts: list[Row] = []
        deletes: list[Key] = []
        cleared: list[tuple[str, str, str]] = []
        with snapshot.collector_paused():
            for store in _stores(state):
                with store.lock:
                    log = store.log.take()
                    if whole:
                        _all_rows(store, upserts)
                    elif log:
                        _changed_rows(store, log, upserts, deletes, cleared)
        with self._using:
            connection = self._require()
            try:
                with _transaction(connection):
                    if whole:
                        connection.execute("DELETE FROM entries")
                    connection.executemany(_DELETE_COLLECTION, cleared)
                    connection.executemany(_DELETE, deletes)
                    connection.executemany(_UPSERT, upserts)
                    connection.execute(_SAVED)
            except sqlite3.Error as error:
                raise OSError(f"SQLite: {error}") from error  # (the state file undoes the writes)
        self._replaced = replaced
        self.last_write = (len(upserts), len(deletes) + len(cleared))

    def _require(self) -> sqlite3.Connection:
        if self._connection is None:
            raise StateFileError(f"the state file {self.path} is not claimed")
        return self._connection


def read(path: str | os.PathLike[str], state: State) -> bool:
    """Replace `state` by what the database at `path` holds, in one read transaction of a
    connection of its own (a server may hold the file and go on saving meanwhile); False, the
    state left as it is, when it holds nothing yet."""
    connection = _connect(Path(path))
    try:
        found = _read(connection)
    except sqlite3.Error as error:
        raise StateFileError(f"cannot read the state file {path}: {error}") from None
    finally:
        connection.close()
    if found is None:
        return False
    snapshot.replace(state, *found)
    return True


def track(state: State) -> None:
    """Make the state keep change logs from now on, its existing stores included (a server whose
    state was given before its state file was opened)."""
    state.tracking = True
    with state._lock:
        stores = list(state.stores.values())
    for store in stores:
        with store.lock:
            store.resources = changelog.tracked(store, changelog.RESOURCES, store.resources)
            store.tags = changelog.tracked(store, changelog.TAGS, store.tags)
            store.idempotency = changelog.tracked(store, changelog.IDEMPOTENCY, store.idempotency)
            for backend in store.backends.values():
                for value in vars(backend).values():
                    if isinstance(value, Table) and type(value.documents) is not changelog.Tracked:
                        value.documents = changelog.documents(store, value.spec, value.documents)


# -- rows out ---------------------------------------------------------------------------------------


def _stores(state: State) -> list[Store]:
    with state._lock:
        return list(state.stores.values())


def _families(store: Store) -> dict[str, Any]:
    return {type(backend).__name__: backend for backend in store.backends.values()}


def _tables(backend: Any) -> list[str]:
    """The family's tables that hold anything (a table is made on its first use)."""
    cls = type(backend)
    return [name for name in vars(backend) if isinstance(getattr(cls, name, None), TableSpec)]


def _entries(backend: Any) -> list[str]:
    """The family's maps of plain entries saved one by one (`core.table.Entries`)."""
    cls = type(backend)
    return [name for name in vars(backend) if isinstance(getattr(cls, name, None), Entries)]


def _other_attributes(backend: Any) -> dict[str, Any]:
    """A family's attributes that are neither tables nor entries (counters, small maps), as one entry."""
    cls = type(backend)
    return {name: value for name, value in vars(backend).items()
            if name != "store" and not isinstance(getattr(cls, name, None), (TableSpec, Entries))}


def _all_rows(store: Store, rows: list[Row]) -> None:
    account, region = store.account, store.region
    for family, backend in _families(store).items():
        others = _other_attributes(backend)
        if others:
            rows.append((account, region, FAMILY, family, snapshot.encode_entry(others, snapshot.ATTRIBUTE_DEPTH - 1)))
        for name in _tables(backend):
            table: Table = getattr(backend, name)
            collection = changelog.table_collection(family, name)
            for key, document in dict.items(table.documents):
                text = snapshot.encode_entry(document, snapshot.DOCUMENT_DEPTH)
                rows.append((account, region, collection, key, text))
        for name in _entries(backend):
            collection = changelog.table_collection(family, name)
            for key, entry in dict.items(getattr(backend, name)):
                rows.append((account, region, collection, _row_key(key),
                             snapshot.encode_entry(entry, snapshot.DOCUMENT_DEPTH)))
    for arn, tags in dict.items(store.tags):
        rows.append((account, region, changelog.TAGS, arn, snapshot.encode_entry(tags, snapshot.TAGS_DEPTH)))
    for record_key, record in dict.items(store.idempotency):
        rows.append((account, region, changelog.IDEMPOTENCY, _record_key(record_key),
                     snapshot.encode_entry(record, snapshot.RECORD_DEPTH)))


def _changed_rows(store: Store, log: changelog.Log, upserts: list[Row], deletes: list[Key],
                  cleared: list[tuple[str, str, str]]) -> None:  # noqa: C901 (one pass per part)
    account, region = store.account, store.region
    families = _families(store)
    collections = _collections(store, families)
    wanted: dict[str, set[Hashable]] = {}
    for collection, key in log.keys:
        wanted.setdefault(collection, set()).add(key)
    whole = set(log.whole)
    if changelog.RESOURCES in whole:  # every resource's document was handed out
        whole.update(name for name in collections if name not in (changelog.TAGS, changelog.IDEMPOTENCY))
    for arn in wanted.pop(changelog.RESOURCES, ()):
        # A document reached by ARN is saved in its table; one gone left its table by a noted `pop`.
        document = store.resources.get(str(arn))  # (no request records while the save holds the lock)
        kind = arns.kind(str(arn))
        if document is None or kind is None:
            continue
        spec = spec_for(kind)
        family = spec.owner.__name__ if spec.owner is not None else ""
        owner = families.get(family)
        if owner is None:
            continue
        table = getattr(owner, spec.attribute)
        wanted.setdefault(changelog.table_collection(family, spec.attribute), set()).add(table.key_of(document))
    for collection in whole:
        entries = collections.get(collection)
        if entries is None:
            continue
        cleared.append((account, region, collection))
        wanted[collection] = set(dict.keys(entries))
    for collection, keys in wanted.items():
        entries = collections.get(collection)
        depth = _depth(collection)
        for key in keys:
            value = dict.get(entries, key, _GONE) if entries is not None else _GONE
            row_key = _row_key(key)
            if value is _GONE:
                deletes.append((account, region, collection, row_key))
            else:
                upserts.append((account, region, collection, row_key, snapshot.encode_entry(value, depth)))
    for family in log.families:
        backend = families.get(family)
        if backend is not None:
            upserts.append((account, region, FAMILY, family,
                            snapshot.encode_entry(_other_attributes(backend), snapshot.ATTRIBUTE_DEPTH - 1)))


_GONE = object()


def _collections(store: Store, families: dict[str, Any]) -> dict[str, dict[Any, Any]]:
    found: dict[str, dict[Any, Any]] = {changelog.TAGS: store.tags, changelog.IDEMPOTENCY: store.idempotency}
    for family, backend in families.items():
        for name in _tables(backend):
            found[changelog.table_collection(family, name)] = getattr(backend, name).documents
        for name in _entries(backend):
            found[changelog.table_collection(family, name)] = getattr(backend, name)
    return found


def _depth(collection: str) -> int:
    if collection == changelog.TAGS:
        return snapshot.TAGS_DEPTH
    if collection == changelog.IDEMPOTENCY:
        return snapshot.RECORD_DEPTH
    return snapshot.DOCUMENT_DEPTH


def _record_key(key: Any) -> str:
    return json.dumps(list(key), separators=(",", ":"))


def _row_key(key: Any) -> str:
    """An entry's key as a row holds it: a tuple (an idempotency record's, an association's) as its
    JSON list, anything else (a table's keys) as it is."""
    return _record_key(key) if isinstance(key, tuple) else str(key)


# -- rows in ----------------------------------------------------------------------------------------


def _read(connection: sqlite3.Connection) -> tuple[list[dict[str, Any]], int] | None:
    """The stores the rows hold, decoded, and the highest creation stamp; None before the first
    write. (`SnapshotError` for a database that is not a state file of this format version.)"""
    with _transaction(connection, "BEGIN"):
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables >= {"meta", "entries"}:
            raise SnapshotError(f"not a sagemock snapshot: an SQLite database without sagemock's tables "
                                f"(it has {', '.join(sorted(tables)) or 'none'})")
        meta = dict(connection.execute("SELECT name, value FROM meta").fetchall())
        if meta.get("format") != snapshot.FORMAT:
            raise SnapshotError(f"not a sagemock snapshot: the database's format is {meta.get('format')!r}")
        if meta.get("version") != str(snapshot.VERSION):
            raise SnapshotError(f"the state file has format version {meta.get('version')} (written by sagemock "
                                f"{meta.get('sagemock', '?')}); this sagemock {__version__} reads version "
                                f"{snapshot.VERSION}: restore a snapshot taken with the sagemock that wrote it")
        if meta.get("saved") != "1":
            return None
        rows = connection.execute("SELECT account, region, collection, key, value FROM entries ORDER BY rowid")
        decoder = snapshot.EntryDecoder()
        keyed_by_tuple = _entries_collections()
        stores: dict[tuple[str, str], tuple[dict[str, dict[str, Any]], dict[str, Any], dict[Any, Any]]] = {}
        with snapshot.collector_paused():
            for account, region, collection, key, value in rows:
                families, tags, records = stores.setdefault((account, region), ({}, {}, {}))
                if collection == changelog.TAGS:
                    tags[key] = decoder.decode(value, snapshot.TAGS_DEPTH)
                elif collection == changelog.IDEMPOTENCY:
                    records[_record_tuple(key)] = decoder.decode(value, snapshot.RECORD_DEPTH)
                elif collection == FAMILY:
                    attributes = decoder.decode(value, snapshot.ATTRIBUTE_DEPTH - 1)
                    if type(attributes) is not dict:
                        raise SnapshotError(f"the snapshot is damaged: {key}'s attributes are not an object")
                    families.setdefault(key, {}).update(attributes)
                else:
                    family, _dot, attribute = collection.partition(".")
                    table = families.setdefault(family, {}).setdefault(attribute, {})
                    table[_record_tuple(key) if collection in keyed_by_tuple else key] = \
                        decoder.decode(value, snapshot.DOCUMENT_DEPTH)
    return ([snapshot.contents(account, region, *parts) for (account, region), parts in stores.items()],
            decoder.highest_sequence)


def _entries_collections() -> set[str]:
    """The collections of every family's `Entries` (whose keys are tuples)."""
    return {changelog.table_collection(name, attribute)
            for name, cls in snapshot.families().items()
            for klass in cls.__mro__ for attribute, value in vars(klass).items() if isinstance(value, Entries)}


def _record_tuple(key: str) -> tuple[Any, ...]:
    try:
        found = json.loads(key)
    except ValueError:
        found = None
    if type(found) is not list:
        raise SnapshotError(f"the snapshot is damaged: an idempotency record's key is not a list: {key[:80]!r}")
    return tuple(found)


# -- SQLite -----------------------------------------------------------------------------------------


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=_BUSY_SECONDS, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA synchronous = FULL")
    return connection


class _transaction:
    """BEGIN ... COMMIT, or ROLLBACK on any error (the connection is in autocommit mode)."""

    def __init__(self, connection: sqlite3.Connection, begin: str = "BEGIN IMMEDIATE"):
        self.connection, self.begin = connection, begin

    def __enter__(self) -> None:
        self.connection.execute(self.begin)

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if kind is None:
            try:
                self.connection.execute("COMMIT")
                return
            except BaseException:
                self._roll_back()
                raise
        self._roll_back()

    def _roll_back(self) -> None:
        if self.connection.in_transaction:
            try:
                self.connection.execute("ROLLBACK")
            except sqlite3.Error:
                pass


__all__ = ["FAMILY", "SqliteStateFile", "is_database", "read", "track"]
