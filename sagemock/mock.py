"""Turning the mock on and off: decorator, context manager, start/stop.

One object, `MockSageMaker`, does all of it (as `responses` and `time-machine` do): it decorates
sync and async functions and classes, works as a context manager, and can be started and stopped
by hand. While any mock is active, every SageMaker request from any botocore client goes to the
outermost active mock's state; other services are left alone. An activation with no other mock
active starts from empty state; a nested one shares the outer state.

While a mock is active, the environment carries fake AWS credentials (as moto's does), so code
that builds a client without credentials, or on a machine whose profile has expired, still
works; the environment is restored exactly when the outermost activation stops.
"""
from __future__ import annotations

import contextlib
import functools
import inspect
import os
import sys
import threading
import warnings
import weakref
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, overload

from .core import arns, backend, intercept, lifecycle
from .core.state import DEFAULT_ACCOUNT, DEFAULT_REGION, Config, Injected, State

if TYPE_CHECKING:
    from .diagrams import Diagram

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")
_lock = threading.RLock()

#: The environment while a mock is active: fake credentials (a twelve-digit key selects the
#: mock's account), and no session token, which would pair a real token with the fake key.
CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
FAKE_SECRET = "sagemock"
#: The values those variables had before the outermost activation (None: unset).
_saved_environment: dict[str, str | None] | None = None
#: boto3's default session before the outermost activation, with the credentials it had cached.
_saved_default_session: tuple[Any, Any] = (None, None)
#: Activations that outlived the test that began them (the pytest plugin marks them).
_leaked: weakref.WeakSet[State] = weakref.WeakSet()


def _env_strict() -> bool:
    return os.environ.get("SAGEMOCK_STRICT", "").lower() in ("1", "true", "yes", "on")


class SagemockWarning(UserWarning):
    """Something in how sagemock is used will not do what it seems to."""


def _is_test_case(cls: type) -> bool:
    """Whether a class is a `unittest.TestCase` (without importing unittest for those that are not)."""
    unittest = sys.modules.get("unittest")
    return unittest is not None and issubclass(cls, unittest.TestCase)


def _unbound_class_hook(cls: type, name: str) -> Callable[[type], None]:
    """A class-level hook (`setup_class`, ...) as a function of the class, called as pytest calls
    it: a classmethod bound to the class, a plain function given the class if it takes it."""
    for klass in cls.__mro__:
        found: Any = vars(klass).get(name)
        if found is None:
            continue
        if isinstance(found, classmethod):
            method: Callable[[type], None] = found.__func__
            return method
        function: Callable[..., None] = found.__func__ if isinstance(found, staticmethod) else found
        takes_class = not isinstance(found, staticmethod) and len(inspect.signature(function).parameters) > 0
        return lambda cls_: function(cls_) if takes_class else function()
    raise AttributeError(f"{cls.__name__} has no {name}")


def _closest(given: str, choices: list[str]) -> str:
    import difflib

    found = difflib.get_close_matches(given, choices, n=1, cutoff=0.6)
    return f"; did you mean {found[0]!r}?" if found else ""


def _call_with_optional_method(function: Callable[..., Any], test: Any, method: Any) -> None:
    """pytest passes `method` to setup_method/teardown_method only if they take it; so do we."""
    takes_method = len(inspect.signature(function).parameters) > 1
    function(test, method) if takes_method else function(test)


def _differences(mine: Config, used: Config) -> str:
    return ", ".join(f"{name}={getattr(mine, name)!r} (in use: {getattr(used, name)!r})"
                     for name in vars(mine) if getattr(mine, name) != getattr(used, name))


#: Process-wide default for `strict` (the pytest plugin's `sagemock_strict` ini option sets it).
defaults: dict[str, Any] = {"strict": _env_strict()}


class MockSageMaker:
    """An in-memory SageMaker that answers every SageMaker client while it is active.

    Args:
        account_id: the account for credentials whose access key id is not twelve digits.
        region: the region used when a request names none (the server without signing).
        strict: raise `ShapeError` when a response does not match its output shape
            (default: `SAGEMOCK_STRICT` or the pytest ini option `sagemock_strict`).
        seed: seed for every generated id, so a test can make them deterministic.
        identity_arn: the IAM ARN put in `CreatedBy`/`LastModifiedBy` instead of the derived one.
        transitions: "instant" (a status change completes before the next read), "reads" (it
            advances one step every `transition_reads` reads) or "seconds" (one step every
            `transition_seconds` seconds of the mock clock).
        fake_credentials: while active, set `AWS_ACCESS_KEY_ID` (the account id) and
            `AWS_SECRET_ACCESS_KEY` in the environment and unset `AWS_SESSION_TOKEN`, as moto
            does, so clients built without credentials work; False leaves the environment alone.
            Credentials given to a client explicitly win either way.
    """

    def __init__(
        self,
        *,
        account_id: str = DEFAULT_ACCOUNT,
        region: str = DEFAULT_REGION,
        strict: bool | None = None,
        seed: int | None = None,
        identity_arn: str | None = None,
        transitions: str = "instant",
        transition_reads: int = 1,
        transition_seconds: float = 1.0,
        fake_credentials: bool = True,
    ) -> None:
        self.config = Config(
            account_id=account_id,
            region=region,
            strict=defaults["strict"] if strict is None else strict,
            seed=seed,
            identity_arn=identity_arn,
            transitions=transitions,
            transition_reads=transition_reads,
            transition_seconds=transition_seconds,
        )
        self.fake_credentials = fake_credentials
        self._pushed: list[State] = []
        #: What a decorated class's setUpClass/setup_class left, by class: each test starts from it.
        self._class_snapshots: dict[type, dict[str, Any]] = {}

    # -- activation -------------------------------------------------------------------------

    def start(self) -> MockSageMaker:
        intercept.install()
        with _lock:
            _retire_leaked()
            if intercept.active:
                state = intercept.active[0]
                if state.config != self.config:
                    warnings.warn(
                        "a nested mock_sagemaker shares the outer activation's state and options; "
                        f"its own options are not used ({_differences(self.config, state.config)})",
                        SagemockWarning, stacklevel=2)
            else:
                state = State(self.config)
                if self.fake_credentials:
                    _fake_environment(self.config.account_id)
            intercept.active.append(state)
            self._pushed.append(state)
        return self

    def stop(self) -> None:
        with _lock:
            if not self._pushed:
                raise RuntimeError("this mock_sagemaker was stopped more often than it was started")
            state = self._pushed.pop()
            for index in range(len(intercept.active) - 1, -1, -1):
                if intercept.active[index] is state:
                    del intercept.active[index]
                    if not intercept.active:
                        _restore_environment()
                    break

    @property
    def active(self) -> bool:
        return bool(self._pushed)

    def __enter__(self) -> MockSageMaker:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @overload
    def __call__(self, target: type[T]) -> type[T]: ...

    @overload
    def __call__(self, target: Callable[P, R]) -> Callable[P, R]: ...

    def __call__(self, target: Any) -> Any:
        if isinstance(target, type):
            return self._decorate_class(target)
        if inspect.isasyncgenfunction(target):
            @functools.wraps(target)
            async def async_generator_wrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    async for item in target(*args, **kwargs):
                        yield item

            return async_generator_wrapper
        if inspect.iscoroutinefunction(target):
            @functools.wraps(target)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await target(*args, **kwargs)

            return async_wrapper
        if inspect.isgeneratorfunction(target):
            # A generator (a pytest yield fixture, say) stays mocked while it is iterated.
            @functools.wraps(target)
            def generator_wrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return (yield from target(*args, **kwargs))

            return generator_wrapper

        @functools.wraps(target)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return target(*args, **kwargs)

        return wrapper

    # -- classes ------------------------------------------------------------------------------

    def _begin_test(self, cls: type) -> None:
        """Start the activation of one test of a decorated class, from what its class set up."""
        self.start()
        kept = self._class_snapshots.get(cls)
        if kept is not None:
            _snapshots().load(self.state, kept)

    def _class_hook(self, cls: type, original: Callable[[type], None], setting_up: bool) -> None:
        """Run a class-level hook mocked: setting up keeps what it made for every test of the
        class; tearing down starts from that state."""
        self.start()
        try:
            if not setting_up:
                kept = self._class_snapshots.pop(cls, None)
                if kept is not None:
                    _snapshots().load(self.state, kept)
            original(cls)
            if setting_up:
                self._class_snapshots[cls] = _snapshots().dump(self.state)
        finally:
            self.stop()

    def _decorate_class(self, cls: type[T]) -> type[T]:
        mock = self
        if _is_test_case(cls):
            # One activation spans setUp, the test and tearDown (cleanups run after tearDown);
            # setUpClass and tearDownClass run mocked, and every test starts from what
            # setUpClass made.
            test_case: Any = cls
            original_setup = test_case.setUp
            original_setup_class = test_case.setUpClass.__func__
            original_teardown_class = test_case.tearDownClass.__func__

            @functools.wraps(original_setup)
            def setUp(test: Any) -> None:
                mock._begin_test(type(test))
                test.addCleanup(mock.stop)
                original_setup(test)

            def setUpClass(klass: type) -> None:
                mock._class_hook(klass, original_setup_class, setting_up=True)

            def tearDownClass(klass: type) -> None:
                mock._class_hook(klass, original_teardown_class, setting_up=False)

            test_case.setUp = setUp
            test_case.setUpClass = classmethod(setUpClass)
            test_case.tearDownClass = classmethod(tearDownClass)
            return cls
        # Every test* method, inherited ones too, runs mocked ...
        for name in dir(cls):
            value = getattr(cls, name)
            if name.startswith("test") and inspect.isfunction(value):
                setattr(cls, name, self(value))
        # ... and under pytest one activation spans setup_method, the test and teardown_method;
        # setup_class and teardown_class run mocked, each test starting from what setup_class made.
        original_setup_method = getattr(cls, "setup_method", None)
        original_teardown_method = getattr(cls, "teardown_method", None)
        has_setup_class = getattr(cls, "setup_class", None) is not None
        has_teardown_class = getattr(cls, "teardown_class", None) is not None

        def setup_method(test: Any, method: Any = None) -> None:
            mock._begin_test(type(test))
            try:
                if original_setup_method is not None:
                    _call_with_optional_method(original_setup_method, test, method)
            except BaseException:
                mock.stop()
                raise

        def teardown_method(test: Any, method: Any = None) -> None:
            try:
                if original_teardown_method is not None:
                    _call_with_optional_method(original_teardown_method, test, method)
            finally:
                mock.stop()

        holder: Any = cls
        holder.setup_method = setup_method
        holder.teardown_method = teardown_method
        if has_setup_class:
            original_setup_class_hook = _unbound_class_hook(cls, "setup_class")
            holder.setup_class = classmethod(
                lambda klass: mock._class_hook(klass, original_setup_class_hook, setting_up=True))
        if has_teardown_class:
            original_teardown_class_hook = _unbound_class_hook(cls, "teardown_class")
            holder.teardown_class = classmethod(
                lambda klass: mock._class_hook(klass, original_teardown_class_hook, setting_up=False))
        return cls

    # -- the state of the active mock ---------------------------------------------------------

    @property
    def state(self) -> State:
        if not self._pushed:
            raise RuntimeError("the mock is not active: start it first")
        return self._pushed[-1]

    def reset(self) -> None:
        """Forget every resource (the configuration stays)."""
        state = self.state
        with _lock:
            state.clear()

    def seed(self, seed: int) -> None:
        """Reseed the source of every generated id."""
        self.state.random.seed(seed)

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass on the mock clock (for lifecycles measured in seconds)."""
        self.state.clock.advance(seconds)

    def snapshot(self) -> dict[str, Any]:
        """Every resource, in every account and region, as a JSON document with a format version.

        `json.dump` it to keep it; `restore` takes it back, here or in another process or a later
        sagemock. Configuration, the clock, injected errors and planned failures are not in it.
        """
        document: dict[str, Any] = _snapshots().dump(self.state)
        return document

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Replace every resource with those of a `snapshot()` document.

        A document that is not a snapshot, or that a newer sagemock wrote in a format this one
        cannot read, raises `sagemock.SnapshotError` and leaves the resources as they were.
        """
        _snapshots().load(self.state, snapshot)

    def fail(self, operation: str, code: str = "ThrottlingException", message: str | None = None, *,
             status: int = 400, times: int | None = 1) -> None:
        """Make `operation` answer with an error instead of running, `times` times (None: always).

        `operation` is the API name (`CreateModelPackageGroup`) or the boto3 method name
        (`create_model_package_group`); anything else, or an operation sagemock does not
        implement (it answers `NotImplemented` whatever is injected), raises `ValueError`.
        """
        operation = operation_name(operation)
        entry = Injected(code, message or f"Injected {code} for {operation}", status, times)
        with _lock:
            self.state.injected.setdefault(operation, []).append(entry)

    def set_status(self, arn: str, status: str, *, reason: str | None = None) -> None:
        """Put the resource with this ARN into `status` at once (ending any transition).

        The ARN names the account, region and kind of resource; the status must be one of the
        model's enum for that kind (e.g. `Failed`, `DeleteFailed`). A failure status records
        `reason` as the resource's failure reason.
        """
        lifecycle.force(self.state, arn, status, reason)

    def fail_next(self, kind: str, reason: str = "Failed (planned by the test)", *, name: str | None = None) -> None:
        """Make the next resource of `kind` (e.g. "compilation-job", "notebook-instance") fail.

        With `name`, only the resource of that name fails. The resource takes its failure path
        (e.g. INPROGRESS -> FAILED) and its FailureReason is `reason`.
        """
        backend.load_all()
        if kind not in lifecycle.REGISTRY:
            failing = sorted(k for k, found in lifecycle.REGISTRY.items() if found.failure_paths)
            raise ValueError(f"{kind!r} is not a kind of resource sagemock can fail"
                             f"{_closest(kind, failing)} (these can: {', '.join(failing)})")
        lifecycle.plan_failure(self.state, kind, name, reason)

    @contextlib.contextmanager
    def act_as_studio_user(self, domain_id: str, user_profile_name: str, *, account_id: str | None = None,
                           region: str | None = None) -> Iterator[dict[str, str]]:
        """Within the block, every caller acts as this Studio user, as code running in SageMaker
        Studio does: the `CreatedBy` / `LastModifiedBy` of what it makes carry the user profile's
        `UserProfileArn`, `UserProfileName` and `DomainId` beside any `IamIdentity`.

        The user profile must exist (in the mock's account and region unless given): a
        `ValueError` names the one that does not. Yields the `UserContext` members it adds.
        Every thread and client of the mock acts as that user until the block ends.
        """
        state = self.state
        account = account_id or state.config.account_id
        store = state.store(account, region or state.config.region)
        arn = arns.build(store.region, account, "user-profile", f"{domain_id}/{user_profile_name}")
        if arn not in store.resources:
            raise ValueError(f"there is no user profile {user_profile_name!r} in domain {domain_id!r} "
                             f"({account}, {store.region}) to act as")
        user = {"UserProfileArn": arn, "UserProfileName": user_profile_name, "DomainId": domain_id}
        before = state.studio_user
        state.studio_user = user
        try:
            yield dict(user)
        finally:
            state.studio_user = before

    def add_capacity_reservation(self, instance_type: str, instance_count: int, start_time: Any,
                                 end_time: Any = None, *, availability_zone: str | None = None,
                                 hyperpod_clusters: bool = True, account_id: str | None = None,
                                 region: str | None = None) -> str:
        """Give the account a SageMaker Capacity Reservation, as AWS does outside the API (no operation
        creates one): `instance_count` instances of `instance_type` from `start_time` (a timezone-aware
        datetime) until `end_time` (None: no end), in `availability_zone` (default the region's "a"),
        associated with the account's HyperPod clusters unless `hyperpod_clusters` is False.
        DescribeCapacityReservation, ListCapacityReservations, GetCapacityReservationUsage and
        DescribeResourceAssociations then answer it, its status following the clock. Returns its
        `SMCapacityReservationArn`.
        """
        from .core.context import Context

        state = self.state
        store = state.store(account_id or state.config.account_id, region or state.config.region)
        with store.altering():
            ctx = Context(state=state, store=store, operation="", access_key=None, headers={},
                          now=state.clock.now())
            arn: str = store.owner("sm-capacity-reservation").add(ctx, instance_type, instance_count, start_time,
                                                                  end_time, availability_zone, hyperpod_clusters)
            return arn

    def put_trial_component_metrics(self, trial_component_arn: str, metrics: dict[str, list[float]]) -> None:
        """Log metric values on a trial component, as SageMaker's metrics service would.

        Each metric's summary (Min, Max, Avg, StdDev, Last, Count, TimeStamp) folds in the values;
        DescribeTrialComponent, ListTrialComponents and Search see them: what `BatchPutMetrics` of the
        `sagemaker-metrics` service does, without a client or the service's timestamp window.
        """
        from .backends.experiments import Experiments

        store, document = self.state.locate(trial_component_arn)
        with store.altering(trial_component_arn, document):
            store.backend(Experiments).record_metrics(document, metrics, self.state.clock.now())

    def set_endpoint_response(self, endpoint_name: str, response: Any, *, variant: str | None = None,
                              inference_component: str | None = None) -> None:
        """Decide what an endpoint's model answers InvokeEndpoint (and its streaming and asynchronous
        forms), from now on in this activation (`reset` keeps it; a snapshot does not hold it).

        `response` is the answer's bytes (text is sent as UTF-8), a pair `(bytes, content_type)`, a list
        of chunks (each a PayloadPart when streamed), or a function `response(body, content_type,
        headers)` of the request's body (bytes), its content type (or None) and the members it sent as
        headers (`Accept`, `CustomAttributes`, `TargetVariant`, ... by API name) that returns any of those.
        A function that raises is a model that failed: the client gets `ModelError` (424), with the
        exception's `status_code` (default 500) as `OriginalStatusCode` and its text as
        `OriginalMessage` (`sagemock.ModelFailure(message, status_code)` says both).

        With `variant`, only that production variant answers so; it wins over the endpoint's response.
        With `inference_component`, only requests naming that component (`InferenceComponentName`)
        are answered so; it wins over both. An endpoint with nothing registered echoes the request
        body, with its content type.
        """
        from .backends import runtime

        if not (isinstance(response, (bytes, bytearray, str, tuple, list)) or callable(response)):
            raise TypeError("response must be bytes, str, (bytes, content_type), a list of chunks or a function, "
                            f"not {type(response).__name__}")
        runtime.register(self.state.hooks, endpoint_name, response, variant, inference_component)

    def set_job_artifact(self, kind: str, content: Any, *, job_name: str | None = None) -> None:
        """Decide what a finished job writes to S3 when moto serves it, from now on in this activation
        (`reset` keeps it; a snapshot does not hold it). With `job_name`, only that job writes it; it
        wins over the kind's.

        - `"training-job"`, `"compilation-job"`: the archive (`model.tar.gz` under the output path,
          the compiled archive), as bytes or a function of the job's Describe document returning them;
          a placeholder archive (a gzip'ed tar of one text file naming the job) by default.
        - `"processing-job"`: the files each output uploads, as `{output name: {path: bytes}}` (paths
          under the output's `S3Uri`) or a function of the job's document returning that; nothing
          by default.
        - `"transform-job"`: each input object's result (`<object>.out`), as bytes or a function
          `content(input_bytes, job_document)`; the input itself by default (the echo).
        """
        from .core import artifacts

        if kind not in artifacts.WRITERS:
            raise ValueError(f"jobs of kind {kind!r} write no artifact sagemock models; kinds that do: "
                             f"{', '.join(sorted(artifacts.WRITERS))}")
        expected = (dict,) if kind == "processing-job" else (bytes, bytearray)
        if not (isinstance(content, expected) or callable(content)):
            wanted = "a mapping of output names to files" if kind == "processing-job" else "bytes"
            raise TypeError(f"content must be {wanted} or a function, not {type(content).__name__}")
        artifacts.register(self.state.hooks, kind, bytes(content) if isinstance(content, bytearray) else content,
                           job_name)

    def set_trial_component_source(self, trial_component_arn: str, source_arn: str,
                                   source_type: str | None = None) -> None:
        """Give a trial component the Source SageMaker gives the components of the jobs it runs."""
        from .backends.experiments import Experiments

        store, document = self.state.locate(trial_component_arn)
        with store.altering(trial_component_arn, document):
            store.backend(Experiments).record_source(document, source_arn, source_type)

    def put_training_metrics(self, training_job_arn: str, metrics: dict[str, float]) -> None:
        """Report a training job's final metrics (FinalMetricDataList), as its algorithm would.

        The names must be among the job's (or its algorithm's) MetricDefinitions; the values also
        reach the job's `<job>-aws-training-job` trial component, so Search finds them either way.
        A NaN or infinite value is not recorded, as CloudWatch records none: a job that reported only
        such a value for its tuning job's objective has no objective (ObjectiveStatus Failed).
        """
        from .backends.training import Training

        if arns.kind(training_job_arn) != "training-job":
            raise ValueError(f"{training_job_arn!r} is not a training job ARN")
        store, document = self.state.locate(training_job_arn)
        with store.altering(training_job_arn, document):
            store.backend(Training).record_final_metrics(document, metrics, self.state.clock.now())

    def set_offline_store_status(self, feature_group_arn: str, status: str, *, reason: str | None = None) -> None:
        """Report a feature group's offline store as Feature Store would: `Active`, `Blocked` (with
        `reason`, its BlockedReason: replicating records into the offline store failed) or `Disabled`.

        DescribeFeatureGroup, ListFeatureGroups (`OfflineStoreStatusEquals`, `SortBy`) and Search see it.
        """
        from .backends import feature_groups

        if arns.kind(feature_group_arn) != feature_groups.KIND:
            raise ValueError(f"{feature_group_arn!r} is not a feature group ARN")
        feature_groups.report_offline_store_status(self.state, feature_group_arn, status, reason)

    def run_monitoring_schedule(self, monitoring_schedule_arn: str) -> str:
        """Run a Scheduled monitoring schedule's job now, as its next scheduled run would: a processing
        job whose MonitoringScheduleArn names the schedule. Returns the processing job's ARN.

        Runs also fall due by themselves on the mock clock in the "seconds" transitions mode
        (docs/monitoring.md); this runs one in any mode.
        """
        store, ctx = self._monitoring_store(monitoring_schedule_arn)
        with store.altering():
            owner = store.owner("monitoring-schedule")
            document = owner.schedules.require(ctx, monitoring_schedule_arn)
            owner.catch_up(document, ctx)
            if document["MonitoringScheduleStatus"] != "Scheduled":
                raise ValueError(f"{monitoring_schedule_arn} is {document['MonitoringScheduleStatus']}: only a "
                                 "Scheduled monitoring schedule runs")
            arn: str = owner.run(document, ctx.now, ctx)
            owner.catch_up(document, ctx)
            return arn

    def complete_with_violations(self, arn: str, violations: int = 1) -> None:
        """Make a monitoring execution find `violations` violations, as Model Monitor's analyzer reports
        them: its processing job completes with the ExitMessage "CompletedWithViolations: Job completed
        successfully with <violations> violations.", and ListMonitoringExecutions and the schedule's
        LastMonitoringExecutionSummary say `CompletedWithViolations`.

        `arn` is a monitoring schedule's (its next execution finds them) or the ProcessingJobArn of
        one of its executions (that one: at once if it completed, when it completes if it still runs;
        one that failed or was stopped raises `ValueError`).
        """
        if isinstance(violations, bool) or not isinstance(violations, int) or violations < 1:
            raise ValueError(f"violations must be a whole number of at least 1, not {violations!r}")
        store, ctx = self._monitoring_store(arn, ("monitoring-schedule", "processing-job"))
        with store.altering():
            store.owner("monitoring-schedule").complete_with_violations(arn, violations, ctx)

    def _monitoring_store(self, arn: str, kinds: tuple[str, ...] = ("monitoring-schedule",)) -> tuple[Any, Any]:
        """The store of a monitoring schedule's ARN (or of another of `kinds`), and a context for a
        control that acts as SageMaker does between requests."""
        from .core.context import Context

        if arns.kind(arn) not in kinds:
            raise ValueError(f"{arn!r} is not a {' or '.join(kind.replace('-', ' ') for kind in kinds)} ARN")
        store, _document = self.state.locate(arn)
        return store, Context(self.state, store, "RunMonitoringSchedule", None, {}, self.state.clock.now())

    def lineage_diagram(self, format: str = "mermaid", *, account_id: str | None = None,  # noqa: A002
                        region: str | None = None) -> Diagram:
        """The lineage graph the mock holds (every association, with the entities it joins), as
        Mermaid ("mermaid") or Graphviz ("dot") text that renders inline in Jupyter.

        `account_id` and `region` narrow it to one account-region store.
        """
        from .backends.lineage import Lineage
        from .diagrams import lineage_diagram

        edges: list[dict[str, Any]] = []
        vertices: dict[str, dict[str, Any]] = {}
        for (account, store_region), store in sorted(self.state.stores.items()):
            if account_id not in (None, account) or region not in (None, store_region):
                continue
            with store.lock:
                found = store.backends.get(Lineage)
                if not isinstance(found, Lineage):
                    continue
                for association in found.associations.values():
                    summary = found._summary(association)
                    edges.append(summary)
                    for end in ("Source", "Destination"):
                        arn = summary[f"{end}Arn"]
                        vertices[arn] = {"Name": summary.get(f"{end}Name"), "Type": summary.get(f"{end}Type"),
                                         "LineageType": Lineage.lineage_type(arn)}
        return lineage_diagram(edges, vertices, format)

    # -- what it shows ------------------------------------------------------------------------

    def summary(self) -> list[dict[str, Any]]:
        """What the mock holds: per account-region store, each kind of resource with its count
        and the count per status (what `repr` and Jupyter show)."""
        if not self._pushed:
            return []
        rows = []
        for (account, region), store in sorted(self._pushed[-1].stores.items()):
            kinds: dict[str, dict[str, Any]] = {}
            with store.lock:
                for arn, document in store.resources.items():
                    kind = arns.kind(arn) or "?"
                    entry = kinds.setdefault(kind, {"count": 0, "statuses": {}})
                    entry["count"] += 1
                    declared = lifecycle.REGISTRY.get(kind)
                    status = document.get(declared.status_key) if declared is not None else None
                    if isinstance(status, str):
                        entry["statuses"][status] = entry["statuses"].get(status, 0) + 1
            for entry in kinds.values():
                entry["statuses"] = dict(sorted(entry["statuses"].items()))
            if kinds:
                rows.append({"account": account, "region": region, "kinds": dict(sorted(kinds.items()))})
        return rows

    def __repr__(self) -> str:
        config = self.config
        head = (f"<MockSageMaker {'active' if self.active else 'stopped'}, account {config.account_id}, "
                f"region {config.region}")
        stores = self.summary()
        if not self.active:
            return head + ">"
        if not stores:
            return head + ": empty>"
        parts = []
        for store in stores:
            kinds = ", ".join(f"{kind} {entry['count']}" + (
                " (" + ", ".join(f"{status} {count}" for status, count in entry["statuses"].items()) + ")"
                if entry["statuses"] else "") for kind, entry in store["kinds"].items())
            parts.append(f"{store['account']}/{store['region']}: {kinds}")
        return head + "; " + "; ".join(parts) + ">"

    def _repr_html_(self) -> str:
        """How Jupyter shows the mock: its status and a table of what each store holds."""
        import html

        config = self.config
        escape = html.escape
        status = "active" if self.active else "stopped"
        lines = [f"<div class=\"sagemock\"><p><b>MockSageMaker</b> ({escape(status)}): account "
                 f"<code>{escape(config.account_id)}</code>, region <code>{escape(config.region)}</code>, "
                 f"transitions <code>{escape(config.transitions)}</code></p>"]
        stores = self.summary()
        if self.active and not stores:
            lines.append("<p>No resources.</p>")
        if stores:
            lines.append("<table><thead><tr><th>account</th><th>region</th><th>resource</th><th>count</th>"
                         "<th>statuses</th></tr></thead><tbody>")
            for store in stores:
                for kind, entry in store["kinds"].items():
                    statuses = ", ".join(f"{escape(name)}: {count}" for name, count in entry["statuses"].items())
                    lines.append(f"<tr><td>{escape(store['account'])}</td><td>{escape(store['region'])}</td>"
                                 f"<td>{escape(kind)}</td><td>{entry['count']}</td><td>{statuses}</td></tr>")
            lines.append("</tbody></table>")
        lines.append("</div>")
        return "\n".join(lines)

    @staticmethod
    def implemented_operations() -> list[str]:
        """The SageMaker operations sagemock answers."""
        return backend.implemented()


@overload
def mock_sagemaker(func: type[T]) -> type[T]: ...


@overload
def mock_sagemaker(func: Callable[P, R]) -> Callable[P, R]: ...


@overload
def mock_sagemaker(func: None = None, **config: Any) -> MockSageMaker: ...


def mock_sagemaker(func: Any = None, **config: Any) -> Any:
    """Mock SageMaker: `@mock_sagemaker`, `@mock_sagemaker(...)`, `with mock_sagemaker() as m:`,
    or `m = mock_sagemaker(); m.start(); ...; m.stop()`. Keyword arguments: see `MockSageMaker`."""
    if func is not None:
        return MockSageMaker(**config)(func)
    return MockSageMaker(**config)


def operation_name(given: str) -> str:
    """The API name of an operation a mock control names, as the API (`CreateModel`) or as boto3
    (`create_model`) spells it: anything else, or an operation sagemock does not implement, is a
    `ValueError` that suggests the closest name."""
    from botocore import xform_name

    implemented = backend.implemented()
    if given in implemented:
        return given
    by_method = {xform_name(name): name for name in implemented}
    if given in by_method:
        return by_method[given]
    from .core import service

    known = service.operation_names()
    for name in known:
        if given in (name, xform_name(name)):
            raise ValueError(f"sagemock does not implement {name}: it answers NotImplemented, whatever is injected")
    raise ValueError(f"{given!r} is not a SageMaker operation{_closest(given, [*implemented, *by_method])}")


# -- the environment while a mock is active -----------------------------------------------------

def _fake_environment(account_id: str) -> None:
    """Put fake credentials in the environment, keeping what was there (under `_lock`).

    boto3's default session caches the credentials it resolved: it forgets them while the mock
    is active (so clients made from it pick up the fake ones) and gets them back at the end (so
    the fake ones never outlive the mock).
    """
    global _saved_environment, _saved_default_session
    if _saved_environment is None:
        _saved_environment = {name: os.environ.get(name) for name in CREDENTIAL_VARIABLES}
        boto3 = sys.modules.get("boto3")
        default = getattr(boto3, "DEFAULT_SESSION", None)
        inner = getattr(default, "_session", None)
        _saved_default_session = (default, getattr(inner, "_credentials", None))
        if inner is not None:
            inner._credentials = None
    os.environ["AWS_ACCESS_KEY_ID"] = account_id
    os.environ["AWS_SECRET_ACCESS_KEY"] = FAKE_SECRET
    for name in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        os.environ.pop(name, None)


def _restore_environment() -> None:
    """Put back the credential variables (and boto3's default session) as they were before the
    outermost activation."""
    global _saved_environment, _saved_default_session
    saved, _saved_environment = _saved_environment, None
    if saved is None:
        return
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    (default, credentials), _saved_default_session = _saved_default_session, (None, None)
    boto3 = sys.modules.get("boto3")
    if boto3 is not None:
        setattr(boto3, "DEFAULT_SESSION", default)  # noqa: B010  (boto3 is untyped here)
    inner = getattr(default, "_session", None)
    if inner is not None:
        inner._credentials = credentials


# -- leaks ----------------------------------------------------------------------------------------

def mark_leaked(states: list[State]) -> None:
    """Record activations that outlived the test that began them (the pytest plugin calls this)."""
    with _lock:
        for state in states:
            _leaked.add(state)


def _retire_leaked() -> None:
    """Stop answering from activations an earlier test leaked, saying so (under `_lock`)."""
    leaked = [state for state in intercept.active if state in _leaked]
    if not leaked:
        return
    warnings.warn(
        f"{len(leaked)} mock_sagemaker activation(s) begun in an earlier test were never stopped; "
        "they answer nothing from now on, and this activation starts empty. Stop every start()ed "
        "mock (or use it as a decorator, a context manager or the sagemaker_mock fixture)",
        SagemockWarning, stacklevel=4)
    intercept.active[:] = [state for state in intercept.active if state not in _leaked]
    if not intercept.active:
        _restore_environment()


def _snapshots() -> Any:
    """The snapshot module, imported when first used (importing sagemock stays cheap)."""
    from .core import snapshot

    return snapshot
