"""A server's state kept durable: when a request is answered, what it may see, and what happens
when the disk fails. The rules live here, once; how the state is written down is a `Medium` that
this module drives: an SQLite database that saves what each write changed
(`sagemock.sqlite_state`), or, for a file that already holds one, a JSON snapshot saved whole
(`sagemock.json_state`); `sagemock.state_media` picks one by what the file holds.

The protocol:

* **A write is answered only once it is durable.** A request runs against the in-memory state as
  usual; the server answers it only when a save that includes it is on disk (`run`), so a killed
  server loses only writes whose clients got no answer.
* **A read is answered only once what it saw is durable.** A read that ran while a write was
  still being saved may have seen that write; it waits for the same save. A kill can therefore
  never take back something a client was shown. (A read with no write in flight waits for
  nothing.)
* **Saves are group commits.** One writer thread saves the latest state whenever something
  changed; every request waiting meanwhile is released by that one save.
* **A write that cannot be made durable is undone.** When a save fails (disk full, directory
  read-only, a state that cannot be encoded), the writer rolls the state back to the last
  durable one, which it reads back from the medium, while no request runs. Writes waiting for
  that save are refused (HTTP 500, nothing changed); reads waiting for it run again on the
  rolled-back state. The next write tries a save again, so the server recovers by itself when
  the disk does. If even the durable state cannot be read back, the server holds: every request
  is refused (HTTP 503) until it can be, and nothing non-durable is ever shown.

Generations tell which writes a save holds: `State.generation` counts changes; a request's ticket
is the generation after it ran. A rollback starts a new epoch and remembers which generation was
durable when it happened, so a ticket of an earlier epoch knows whether it survived.
"""
from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeVar

from .core.errors import SnapshotError
from .core.state import State

log = logging.getLogger("sagemock.server")

T = TypeVar("T")

#: How often a read is run again when the writes it saw keep being undone.
_READ_ATTEMPTS = 5
#: How often a holding writer tries to read the durable state back.
_HOLD_RETRY_SECONDS = 0.5


class StateFileError(RuntimeError):
    """The state file cannot be read or written (or is another server's)."""

    #: The HTTP status a request refused because of it is answered with.
    status = 500


class Unavailable(StateFileError):
    """The server holds until its durable state can be read back (HTTP 503)."""

    status = 503


class Medium(Protocol):
    """Where the durable state lives. `StateFile` decides when to call it; a medium decides how.

    A medium keeps a JSON snapshot (`sagemock.json_state.JsonStateFile`), or rows of a database
    written incrementally (`sagemock.sqlite_state.SqliteStateFile`, which learns what changed
    since its last write from the state's change log, `sagemock.core.changelog`); the protocol
    above stays the same.
    """

    def claim(self) -> None:
        """Take the medium for this server alone; `StateFileError` naming the holder otherwise."""

    def load(self, state: State) -> bool:
        """Replace the state by the durable one (`snapshot.load`'s rules); False, the state left
        as it is, when nothing was saved yet. `SnapshotError` when what it holds cannot be restored."""

    def write(self, state: State) -> None:
        """Make the state, as it is now, durable (the new state whole, or else the old one)."""

    def copy_to(self, send: Callable[[bytes], Any]) -> None:
        """Send the durable state's snapshot document as JSON text, in pieces."""

    def release(self) -> None:
        """Give the medium up (the next server may claim it)."""

    def describe(self) -> str:
        """Where it is, for messages."""


class StateFile:
    """The durability protocol between a server's `state` and its `medium`.

    `open()` once (claims and loads), `start()`, then every request through `run`; `stop()`.
    """

    def __init__(self, state: State, medium: Medium):
        self.medium = medium
        self.state = state
        self.saves = 0
        self.rollbacks = 0
        self._saved = 0  # the generation the medium holds
        self._epoch = 0  # rollbacks so far
        self._floors: dict[int, int] = {}  # epoch -> the generation durable when that rollback happened
        self._held: str | None = None  # why the server holds, while it does
        self._failure: str | None = None  # why the last save failed
        self._condition = threading.Condition()
        self._gate = _Gate()
        self._stopping = False
        self._thread: threading.Thread | None = None

    # -- start and stop -------------------------------------------------------------------------

    def open(self) -> bool:
        """Claim the medium and restore the state from it; False when it holds nothing yet.

        A medium that holds something this sagemock cannot restore is an error, and is left alone:
        starting empty and overwriting it would throw away someone's state.
        """
        self.medium.claim()
        try:
            held = self.medium.load(self.state)
        except SnapshotError as error:
            self.medium.release()
            raise StateFileError(f"the state file {self.medium.describe()} is not a sagemock snapshot this "
                                 f"version can restore: {error}") from None
        except BaseException:
            self.medium.release()
            raise
        self._saved = self.state.generation
        return held

    def start(self) -> None:
        """Start the writer; the first save happens at once, so the medium holds the state from the start."""
        try:
            self.medium.write(self.state)
        except BaseException as error:
            self.medium.release()
            if isinstance(error, OSError):
                raise StateFileError(f"cannot write the state file {self.medium.describe()}: {error}") from None
            raise
        self._saved = self.state.generation
        self.saves += 1
        self._thread = threading.Thread(target=self._run, name="sagemock-state-file", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Save what is left, stop the writer and release the medium."""
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        try:
            if self.state.generation != self._saved and self._held is None:
                self._save()
        except Exception as error:
            log.error("sagemock could not make its last save of %s: %s", self.medium.describe(), error)
        finally:
            self.medium.release()
            with self._condition:
                self._condition.notify_all()

    # -- requests -------------------------------------------------------------------------------

    def run(self, action: Callable[[], T], wrote: Callable[[T], bool]) -> T:
        """`action()`'s result, once everything it may have seen or done is durable.

        `wrote(result)` says whether the action changed the state: a write whose save failed was
        undone and raises `StateFileError`; a read that saw such a write runs again.
        """
        for _attempt in range(_READ_ATTEMPTS):
            with self._gate.shared():
                if self._held is not None:
                    raise Unavailable(self._held)
                result = action()
                ticket = (self.state.generation, self._epoch)
            if self._wait(ticket):
                return result
            if wrote(result):
                raise StateFileError(f"sagemock could not save the state file {self.medium.describe()} "
                                     f"({self._failure}), so the write was undone: nothing changed")
        raise Unavailable(f"sagemock could not save the state file {self.medium.describe()} ({self._failure}); "
                          "the writes this request saw were undone, again and again")

    def wait_for(self, generation: int) -> None:
        """Block until every change up to `generation` is durable (`StateFileError` if undone)."""
        if not self._wait((generation, self._epoch)):
            raise StateFileError(f"sagemock could not save the state file {self.medium.describe()} "
                                 f"({self._failure}): the changes were undone")

    def copy_to(self, send: Callable[[bytes], Any]) -> None:
        """Send the durable state, including every change made before the call, as a snapshot."""
        with self._gate.shared():
            if self._held is not None:
                raise Unavailable(self._held)
            ticket = (self.state.generation, self._epoch)
        self._wait(ticket)  # (if undone, the medium holds the state they were undone to)
        self.medium.copy_to(send)

    def _wait(self, ticket: tuple[int, int]) -> bool:
        """Whether the changes up to the ticket's generation are durable (waits for the save)."""
        generation, epoch = ticket
        with self._condition:
            while True:
                if epoch != self._epoch:
                    return generation <= self._floors[epoch + 1]
                if self._saved >= generation:
                    return True
                if self._held is not None or (self._thread is None and self._stopping):
                    return False
                self._condition.notify_all()  # wake the writer
                self._condition.wait(_HOLD_RETRY_SECONDS)

    # -- the writer -----------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._write_while_running()
        except BaseException as error:  # a sagemock bug: requests must be refused, not left waiting
            reason = f"the state file's writer failed ({type(error).__name__}: {error}); restart the server"
            log.exception("sagemock: %s", reason)
            with self._condition:
                self._held = reason
                self._new_epoch()
                self._condition.notify_all()

    def _write_while_running(self) -> None:
        while True:
            with self._condition:
                while not self._stopping and (self.state.generation == self._saved and self._held is None):
                    self._condition.wait(0.05)  # also woken by waiting requests; the timeout catches stragglers
                if self._stopping:
                    return
                holding = self._held is not None
            if holding:
                self._roll_back()
                if self._held is not None:
                    with self._condition:
                        self._condition.wait(_HOLD_RETRY_SECONDS)
                continue
            try:
                self._save()
            except Exception as error:  # whatever it is, the writer must survive it (RecursionError too)
                self._failure = f"{type(error).__name__}: {error}"
                log.error("sagemock could not save the state file %s (%s); undoing the writes since the last save",
                          self.medium.describe(), self._failure)
                self._roll_back()

    def _save(self) -> None:
        # Every change counted up to `generation` finished before the save starts, so the save
        # holds it (and perhaps later ones, which is harmless).
        generation = self.state.generation
        self.medium.write(self.state)
        with self._condition:
            self.saves += 1
            self._saved = max(self._saved, generation)
            self._condition.notify_all()

    def _roll_back(self) -> None:
        """Make the in-memory state the durable one again, while no request runs."""
        with self._gate.exclusive():
            try:
                if not self.medium.load(self.state):
                    raise StateFileError("the state file is gone")
            except Exception as error:
                reason = (f"sagemock cannot save the state file {self.medium.describe()} ({self._failure}) nor read "
                          f"it back ({type(error).__name__}: {error}); it refuses requests until it can")
                with self._condition:
                    if self._held is None:
                        log.error("%s", reason)
                        self._new_epoch()
                    self._held = reason
                    self._condition.notify_all()
                return
            with self._condition:
                if self._held is None:
                    self._new_epoch()
                else:
                    log.error("sagemock read the state file %s back and serves requests again",
                              self.medium.describe())
                self._held = None
                self.rollbacks += 1
                self._saved = self.state.generation  # the state is the medium's again
                self._condition.notify_all()

    def _new_epoch(self) -> None:
        """(with the condition held) Fail every ticket not durable now."""
        self._epoch += 1
        self._floors[self._epoch] = self._saved


class _Gate:
    """Requests run together (`shared`); a rollback runs alone (`exclusive`), once the requests
    running have finished and before new ones start."""

    def __init__(self) -> None:
        self._condition = threading.Condition(threading.Lock())
        self._running = 0
        self._exclusive = False
        self._waiting = 0

    @contextlib.contextmanager
    def shared(self) -> Iterator[None]:
        with self._condition:
            while self._exclusive or self._waiting:
                self._condition.wait()
            self._running += 1
        try:
            yield
        finally:
            with self._condition:
                self._running -= 1
                if not self._running:
                    self._condition.notify_all()

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._condition:
            self._waiting += 1
            while self._exclusive or self._running:
                self._condition.wait()
            self._waiting -= 1
            self._exclusive = True
        try:
            yield
        finally:
            with self._condition:
                self._exclusive = False
                self._condition.notify_all()


__all__ = ["Medium", "StateFile", "StateFileError", "Unavailable"]
