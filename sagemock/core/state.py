"""Where the mock's resources live: one store per (account, region), one lock per store.

Every operation runs under its store's lock, so concurrent clients in threads see each operation
as atomic: no lost writes, no duplicate version numbers. A store holds one backend instance per
resource family (created on first use), the ARN index shared by tags and cross-family lookups,
and the tags themselves.
"""
from __future__ import annotations

import contextlib
import itertools
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from . import arns, changelog
from .clock import Clock
from .table import SPECS, Table, spec_for

if TYPE_CHECKING:
    from . import idempotency
    from .backend import Backend

B = TypeVar("B", bound="Backend")

#: Creation order across every store (next() on a count is atomic in CPython).
_SEQUENCE = itertools.count(1)
_SEQUENCE_LOCK = threading.Lock()


def next_sequence() -> int:
    """The next number in creation order (for documents not indexed by ARN, e.g. associations)."""
    return next(_SEQUENCE)


def advance_sequence(at_least: int) -> None:
    """Make every later `next_sequence()` exceed `at_least` (after restoring stamped documents)."""
    global _SEQUENCE
    with _SEQUENCE_LOCK:
        current = next(_SEQUENCE)
        _SEQUENCE = itertools.count(max(current, at_least + 1))

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


@dataclass
class Config:
    """How one activation of the mock behaves (see `mock_sagemaker`'s arguments)."""

    account_id: str = DEFAULT_ACCOUNT
    region: str = DEFAULT_REGION
    strict: bool = False
    seed: int | None = None
    identity_arn: str | None = None
    transitions: str = "instant"
    transition_reads: int = 1
    transition_seconds: float = 1.0

    def __post_init__(self) -> None:
        """Refuse a bad option when the mock (or server) is made, not at its first request."""
        from .lifecycle import MODES

        if self.transitions not in MODES:
            raise ValueError(f"transitions must be one of {', '.join(MODES)}, not {self.transitions!r}")
        if not (len(self.account_id) == 12 and self.account_id.isdigit()):
            raise ValueError(f"account_id must be twelve digits, not {self.account_id!r}")


class Store:
    """The resources of one account in one region."""

    def __init__(self, state: State, account: str, region: str):
        self.state = state
        self.account = account
        self.region = region
        self.lock = threading.RLock()
        #: Whether the request holding the lock may change the state (set by `dispatch`): tables
        #: then note the documents they hand out (`Table.note`).
        self.changing = False
        #: What the requests changed since the state file's last save (`changelog`).
        self.log = changelog.Log()
        self.backends: dict[type, Backend] = {}
        #: Every live resource by ARN: its Describe document (tags, lineage and Search look here).
        self.resources: dict[str, dict[str, Any]] = changelog.tracked(self, changelog.RESOURCES)
        #: Lower-cased ARN -> indexed ARN, for the kinds whose names ignore case.
        self.folded: dict[str, str] = {}
        #: The ARNs of resources that take tags (AddTags, ListTags, DeleteTags).
        self.taggable: set[str] = set()
        #: Tags by resource ARN, in insertion order.
        self.tags: dict[str, dict[str, str]] = changelog.tracked(self, changelog.TAGS)
        #: Change counters by family (backend class name) and by resource kind: a cache of a
        #: derived view (Search's sorted records) is valid while the counters it depends on stay.
        self.changes: dict[str, int] = {}
        #: (operation, idempotency token) -> (digest of the request, the answer given, when).
        self.idempotency: dict[tuple[str, str], idempotency.Record] = changelog.tracked(self, changelog.IDEMPOTENCY)

    def backend(self, cls: type[B]) -> B:
        if self.log.recording:
            self.log.families.add(cls.__name__)
        found = self.backends.get(cls)
        if found is None:
            found = self.backends[cls] = cls(self)
        return found  # type: ignore[return-value]

    def owner(self, kind: str) -> Any:
        """This store's instance of the family that keeps a kind of resource, for what that family
        does beyond its table (lineage's `track_artifact`, say), without importing it."""
        spec = spec_for(kind)
        assert spec.owner is not None
        return self.backend(spec.owner)

    def table(self, kind: str) -> Table:
        """This store's table of a resource kind, whichever family keeps it: how one family reads
        another's resources (a model an endpoint configuration names) without importing it."""
        spec = spec_for(kind)
        assert spec.owner is not None
        return getattr(self.backend(spec.owner), spec.attribute)  # type: ignore[no-any-return]

    def changed(self, *names: str) -> None:
        """Record that resources of these families or kinds changed (invalidates derived views)."""
        for name in names:
            self.changes[name] = self.changes.get(name, 0) + 1

    def version(self, *names: str) -> tuple[int, ...]:
        return tuple(self.changes.get(name, 0) for name in names)

    def index(self, arn: str, document: dict[str, Any], *, taggable: bool = True) -> None:
        """Make a resource findable by ARN (tags, `set_status`, lineage, Search)."""
        self.changed(arns.kind(arn) or "")
        self.resources[arn] = document
        document.setdefault("_seq", next_sequence())  # creation order, for stable sorting
        if taggable:
            self.taggable.add(arn)
        if arns.kind(arn) in arns.CASE_INSENSITIVE:
            self.folded[arn.lower()] = arn

    def unindex(self, arn: str) -> None:
        self.changed(arns.kind(arn) or "")
        self.resources.pop(arn, None)
        self.taggable.discard(arn)
        self.tags.pop(arn, None)
        if self.folded.get(arn.lower()) == arn:
            del self.folded[arn.lower()]

    @contextlib.contextmanager
    def altering(self, arn: str | None = None, document: dict[str, Any] | None = None) -> Iterator[None]:
        """Hold the lock for a change made outside any request (a test's hand on the mock: metrics,
        statuses, a monitoring run), as a request that may change the state holds it: what tables
        hand out is noted, and `document` (found by `arn`) with it."""
        with self.lock:
            changing, self.changing = self.changing, True
            try:
                if arn is not None and document is not None:
                    self.note(arn, document)
                yield
            finally:
                self.changing = changing

    def note(self, arn: str, document: dict[str, Any]) -> None:
        """A document reached by ARN rather than through its table, which may be changed in place:
        its table's sorted indexes check it before their next use (`Table.note`)."""
        spec = SPECS.get(arns.kind(arn) or "")
        if spec is None or spec.owner is None or spec.owner not in self.backends:
            return  # no table of that kind in this store, so no index either
        table = self.backends[spec.owner].__dict__.get(spec.attribute)
        if isinstance(table, Table):
            table.note(document)

    def canonical(self, arn: str) -> str | None:
        """The ARN under which a resource is indexed, for an ARN given in any case where the
        resource's name ignores case; None when no resource has it."""
        if arn in self.resources:
            return arn
        return self.folded.get(arn.lower())


@dataclass
class Injected:
    """An error the test asked an operation to answer with instead of running."""

    code: str
    message: str
    status: int
    remaining: int | None


class State:
    """Everything one activation of the mock holds."""

    def __init__(self, config: Config):
        self.config = config
        self.clock = Clock()
        self.random = random.Random(config.seed)
        self.stores: dict[tuple[str, str], Store] = {}
        self.injected: dict[str, list[Injected]] = {}
        #: Failures a test planned: (resource kind, resource name or None for the next one, reason).
        self.failures: list[tuple[str, str | None, str]] = []
        #: The Studio user the callers act as (`MockSageMaker.act_as_studio_user`): the
        #: `UserProfileArn`, `UserProfileName` and `DomainId` AWS adds to `CreatedBy` /
        #: `LastModifiedBy` for calls made from Studio; None for callers outside Studio.
        self.studio_user: dict[str, str] | None = None
        #: What a test registered for a family to call (what an endpoint answers, say), by family:
        #: functions, which no snapshot holds, kept across `clear` as the configuration is.
        self.hooks: dict[str, Any] = {}
        #: Counts the changes to resources (one per write that went through, restore and reset),
        #: so a state file knows which writes a save holds.
        self.generation = 0
        #: Counts the times the stores were replaced wholesale (restore, reset): an incremental
        #: state file then saves everything (`changelog`).
        self.replaced = 0
        #: Whether stores keep a change log (`changelog`): set by a state file that saves only
        #: what changed, before it loads anything.
        self.tracking = False
        self._lock = threading.Lock()

    def note_change(self) -> int:
        """Count one change to the resources; returns the generation that includes it."""
        with self._lock:
            self.generation += 1
            return self.generation

    def clear(self) -> None:
        """Forget every resource and injected error (configuration, clock and seed stay)."""
        with self._lock:
            self.stores = {}
            self.injected = {}
            self.replaced += 1
        self.note_change()

    def store(self, account: str, region: str) -> Store:
        key = (account, region)
        found = self.stores.get(key)
        if found is None:
            with self._lock:
                found = self.stores.get(key)
                if found is None:
                    found = self.stores[key] = Store(self, account, region)
        return found

    def locate(self, arn: str) -> tuple[Store, dict[str, Any]]:
        """The store and document of the resource an ARN names (in any case its name allows)."""
        parsed = arns.parse(arn)
        if parsed is None:
            raise ValueError(f"{arn!r} is not an ARN")
        store = self.stores.get((parsed.account, parsed.region))
        canonical = store.canonical(arns.build(parsed.region, parsed.account, parsed.resource_type,
                                               parsed.resource)) if store else None
        if store is None or canonical is None:
            raise LookupError(f"no resource {arn} in the mock")
        document = store.resources[canonical]
        store.note(canonical, document)  # (a caller outside a request notes it again: `altering`)
        return store, document

    def plan_failure(self, kind: str, name: str | None, reason: str) -> None:
        with self._lock:
            self.failures.append((kind, name, reason))

    def take_failure(self, kind: str, name: str | None) -> str | None:
        """The reason of the failure planned for this resource (a named plan first), if any."""
        if not self.failures:
            return None
        with self._lock:
            wanted_names = (arns.key(kind, name) if name is not None else None, None)
            for wanted in wanted_names:
                for index, (planned_kind, planned_name, reason) in enumerate(self.failures):
                    planned = arns.key(kind, planned_name) if planned_name is not None else None
                    if planned_kind == kind and planned == wanted:
                        del self.failures[index]
                        return reason
            return None

    def take_injected(self, operation: str) -> Injected | None:
        queue = self.injected.get(operation)
        if not queue:
            return None
        with self._lock:
            if not queue:
                return None
            head = queue[0]
            if head.remaining is not None:
                head.remaining -= 1
                if head.remaining <= 0:
                    queue.pop(0)
            return head

