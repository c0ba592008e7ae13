"""Status machines, declared once per resource type.

A `Lifecycle` names the status member of a resource's document and, for each trigger (create,
stop, delete, ...), the statuses it walks through. How fast a resource walks is the mock's
choice (`transitions=`):

* "instant" (default): the whole path is taken inside the call that triggers it, so the next read
  already sees the final status and waiters never sleep;
* "reads": one step every `transition_reads` reads (Describe or List) of that resource;
* "seconds": one step every `transition_seconds` seconds of the mock clock (`mock.advance`).

`on_enter` lets a family act on each status it enters (stamp end times, write artifacts), and a
path may end in `GONE` to remove the resource. `force` puts any resource into a status at once.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import arns, service, table
from .errors import ServiceError, ValidationError

if TYPE_CHECKING:
    from .context import Context
    from .state import State, Store

MODES = ("instant", "reads", "seconds")
#: Operations that read (and so count as reads in "reads" mode).
READING = ("Describe", "List", "Get", "Search", "Query", "BatchDescribe")
GONE = "<gone>"
_KEY = "_transition"
_GONE_KEY = "_gone"

Document = dict[str, Any]
#: Called as hook(document, status, store, now) when a resource enters a status.
Hook = Callable[[Document, str, "Store", _dt.datetime], None]

REGISTRY: dict[str, Lifecycle] = {}


@dataclass
class Lifecycle:
    #: The resource kind, as `arns.kind` names it ("model-package", "model-card/export-job").
    resource_type: str
    status_key: str
    status_shape: str
    paths: dict[str, tuple[str, ...]]
    on_enter: Hook | None = None
    on_gone: Hook | None = None
    #: Trigger -> the path taken instead when the test asked for a failure (`fail_next`).
    failure_paths: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: The member that says why a resource failed (e.g. "FailureReason"); None where the shape has
    #: none at the top (the reason then stays in `_failure_reason` for the family's hook).
    failure_key: str | None = "FailureReason"
    #: The member holding the resource's name, to match a failure planned for one resource.
    name_key: str | None = None
    #: Operation (trigger) -> the statuses it is accepted from; `guard` refuses the others.
    accepts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Every status entered is a modification (`LastModifiedTime`), and leaving a failure status
    #: drops the failure reason (`failure_key`).
    stamps_modified: bool = False
    #: Where the modification time is kept: a private field where Describe does not answer it but
    #: List does (ListTransformJobs' `LastModifiedTime`, which DescribeTransformJob lacks).
    modified_key: str = "LastModifiedTime"
    #: Picks, per document, the path a trigger takes where one trigger has several (a streaming
    #: labeling job's creation stays InProgress, a static one's completes): (document, trigger) ->
    #: the name in `paths` (and `failure_paths`) to take.
    route: Callable[[Document, str], str] | None = None
    _statuses: frozenset[str] | None = field(default=None, repr=False)

    @classmethod
    def job(cls, resource_type: str, status_key: str, *, name_key: str, status_shape: str | None = None,
            on_enter: Hook | None = None, deletable: bool = True,
            modified_key: str = "LastModifiedTime") -> Lifecycle:
        """The status machine SageMaker's jobs share (processing, transform, tuning ...): InProgress ->
        Completed; Stop: Stopping -> Stopped, from InProgress only; a planned failure ends in Failed
        with its reason; Delete (where the job has one) from a terminal status only. Every status
        entered stamps LastModifiedTime."""
        return cls(
            resource_type=resource_type, status_key=status_key, status_shape=status_shape or status_key,
            paths={"create": ("InProgress", "Completed"), "stop": ("Stopping", "Stopped")},
            failure_paths={"create": ("InProgress", "Failed")},
            name_key=name_key,
            accepts={"stop": ("InProgress",), **({"delete": ("Completed", "Failed", "Stopped")} if deletable else {})},
            stamps_modified=True, modified_key=modified_key, on_enter=on_enter)

    def __post_init__(self) -> None:
        if self.resource_type in REGISTRY:
            raise RuntimeError(f"two lifecycles are declared for {self.resource_type} resources")
        REGISTRY[self.resource_type] = self

    @property
    def statuses(self) -> frozenset[str]:
        if self._statuses is None:
            self._statuses = frozenset(service.enum_values(self.status_shape))
        return self._statuses

    @property
    def failure_statuses(self) -> frozenset[str]:
        return frozenset(path[-1] for path in self.failure_paths.values())

    def begin(self, document: Document, trigger: str, ctx: Context, *, failure: str | None = None) -> None:
        """Start the path of `trigger` (instantly finished in the default mode).

        If the test planned a failure for this kind of resource (or this very one), or the family
        found a problem AWS reports through the resource rather than the request (`failure`, the
        reason), the trigger's failure path is taken instead, and its last status carries the reason.
        """
        if self.route is not None:
            trigger = self.route(document, trigger)
        path = self.paths[trigger]
        if trigger in self.failure_paths:
            name = document.get(self.name_key) if self.name_key else None
            reason = ctx.state.take_failure(self.resource_type, name) if failure is None else failure
            if reason is not None:
                path = self.failure_paths[trigger]
                document["_failure_reason"] = reason
        document.pop(_KEY, None)
        store, now = ctx.store, ctx.now
        if ctx.state.config.transitions == "instant" or len(path) == 1:
            for status in path:
                self._enter(document, status, store, now)
            return
        document[_KEY] = [path, 0, now, 0]
        self._enter(document, path[0], store, now)
        spec = table.SPECS.get(self.resource_type)
        if spec is not None and spec.lifecycle is self:  # its table's Lists move it from now on
            store.table(self.resource_type).note_moving(document)

    def guard(self, document: Document, trigger: str, refuse: Callable[[str, tuple[str, ...]], ServiceError]) -> None:
        """Refuse `trigger` (with `refuse(status, accepted)`) unless the resource is in a status
        it is accepted from."""
        accepted = self.accepts[trigger]
        status = document[self.status_key]
        if status not in accepted:
            raise refuse(status, accepted)

    def live(self, documents: Iterable[Document], ctx: Context) -> list[Document]:
        """The documents a List reads, each read through its transition; those now gone left out."""
        return [document for document in list(documents) if self.observe(document, ctx)]

    def observe(self, document: Document, ctx: Context) -> bool:
        """Bring the resource's status up to date before an operation looks at it.

        In "reads" mode only Describe, List and the other reading operations count as reads; a
        write (a refused Stop, say) sees the status the earlier reads have earned and moves
        nothing on. Returns False when the resource is gone (its path ended in GONE), so the
        caller answers as for a resource that does not exist.
        """
        pending = document.get(_KEY)
        if pending is None:
            return _GONE_KEY not in document
        path, index, started, reads = pending
        config = ctx.state.config
        now = ctx.now
        if config.transitions == "reads":
            # This read sees the status earned by the reads before it, so the first read after
            # the trigger still sees the first status of the path.
            target = min(len(path) - 1, reads // max(1, config.transition_reads))
            if ctx.operation.startswith(READING):
                pending[3] = reads + 1
        else:
            step = max(config.transition_seconds, 1e-9)
            target = min(len(path) - 1, int((now - started).total_seconds() // step))
        while index < target:
            index += 1
            pending[1] = index
            # In "seconds" mode each status is entered when it fell due, not when it is read, so
            # start and end times (and durations built from them) are the mock clock's.
            when = now if config.transitions == "reads" else started + _dt.timedelta(seconds=index * step)
            self._enter(document, path[index], ctx.store, when)
        if index >= len(path) - 1:
            document.pop(_KEY, None)
        return _GONE_KEY not in document

    def in_transition(self, document: Document) -> bool:
        return _KEY in document

    def unsettled(self, document: Document) -> bool:
        """Whether reading the resource may still change it (`observe` has work to do)."""
        return self.in_transition(document)

    def _enter(self, document: Document, status: str, store: Store, now: _dt.datetime) -> None:
        if status == GONE:
            document[_GONE_KEY] = True
            if self.on_gone is not None:
                self.on_gone(document, status, store, now)
            return
        document[self.status_key] = status
        failing = status in self.failure_statuses
        if self.failure_key and failing and "_failure_reason" in document:
            document[self.failure_key] = document.pop("_failure_reason")
        if self.stamps_modified:
            document[self.modified_key] = now
            if self.failure_key and not failing:
                document.pop(self.failure_key, None)
        if self.on_enter is not None:
            self.on_enter(document, status, store, now)


def plan_failure(state: State, kind: str, name: str | None, reason: str) -> None:
    """Make the next resource of `kind` (or the one called `name`) that starts a path fail."""
    _declared()
    lifecycle = REGISTRY.get(kind)
    if lifecycle is None or not lifecycle.failure_paths:
        failing = sorted(k for k, found in REGISTRY.items() if found.failure_paths)
        raise ValueError(f"{kind!r} resources cannot be made to fail; these can: {', '.join(failing)}")
    state.plan_failure(kind, name, reason)


def force(state: State, arn: str, status: str, reason: str | None = None) -> None:
    """Put the resource behind `arn` into `status` now (the test's hand on the state machine)."""
    kind = arns.kind(arn)
    if kind is None:
        raise ValueError(f"{arn!r} is not an ARN")
    _declared()
    lifecycle = REGISTRY.get(kind)
    if lifecycle is None:
        raise ValueError(f"sagemock declares no lifecycle for {kind} resources")
    store, document = state.locate(arn)
    if status != GONE and status not in lifecycle.statuses:
        raise ValidationError(f"{status!r} is not a {lifecycle.status_shape}: {sorted(lifecycle.statuses)}")
    with store.altering(arn, document):
        store.changed(kind)  # a status changed outside any operation: derived views are stale
        document.pop(_KEY, None)
        if status in lifecycle.failure_statuses:
            document["_failure_reason"] = reason or f"{status} (set by the test)"
        lifecycle._enter(document, status, store, state.clock.now())


def _declared() -> None:
    """Make `REGISTRY` complete: families (and so their lifecycles) are imported on first use."""
    from .backend import load_all

    load_all()
