"""Turning the mock on and off: decorator, context manager, start/stop.

One object, `MockSageMaker`, does all of it (as `responses` and `time-machine` do): it decorates
sync and async functions and classes, works as a context manager, and can be started and stopped
by hand. While any mock is active, every SageMaker request from any botocore client goes to the
outermost active mock's state; other services are left alone. An activation with no other mock
active starts from empty state; a nested one shares the outer state.
"""
from __future__ import annotations

import functools
import inspect
import os
import threading
import unittest
import warnings
from collections.abc import Callable
from typing import Any, TypeVar, overload

from .core import arns, backend, intercept, lifecycle
from .core.state import DEFAULT_ACCOUNT, DEFAULT_REGION, Config, Injected, State

T = TypeVar("T")
_lock = threading.RLock()


def _env_strict() -> bool:
    return os.environ.get("SAGEMOCK_STRICT", "").lower() in ("1", "true", "yes", "on")


class SagemockWarning(UserWarning):
    """Something in how sagemock is used will not do what it seems to."""


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
        self._pushed: list[State] = []

    # -- activation -------------------------------------------------------------------------

    def start(self) -> MockSageMaker:
        intercept.install()
        with _lock:
            if intercept.active:
                state = intercept.active[0]
                if state.config != self.config:
                    warnings.warn(
                        "a nested mock_sagemaker shares the outer activation's state and options; "
                        f"its own options are not used ({_differences(self.config, state.config)})",
                        SagemockWarning, stacklevel=2)
            else:
                state = State(self.config)
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
    def __call__(self, target: Callable[..., T]) -> Callable[..., T]: ...

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

    def _decorate_class(self, cls: type[T]) -> type[T]:
        mock = self
        if issubclass(cls, unittest.TestCase):
            # One activation spans setUp, the test and tearDown (cleanups run after tearDown).
            original_setup = cls.setUp

            @functools.wraps(original_setup)
            def setUp(test: unittest.TestCase) -> None:
                mock.start()
                test.addCleanup(mock.stop)
                original_setup(test)

            cls.setUp = setUp  # type: ignore[method-assign,assignment]
            return cls
        # Every test* method, inherited ones too, runs mocked ...
        for name in dir(cls):
            value = getattr(cls, name)
            if name.startswith("test") and inspect.isfunction(value):
                setattr(cls, name, self(value))
        # ... and under pytest one activation spans setup_method, the test and teardown_method.
        original_setup_method = getattr(cls, "setup_method", None)
        original_teardown_method = getattr(cls, "teardown_method", None)

        def setup_method(test: Any, method: Any = None) -> None:
            mock.start()
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

        cls.setup_method = setup_method  # type: ignore[attr-defined]
        cls.teardown_method = teardown_method  # type: ignore[attr-defined]
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
        return self.state.snapshot()

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Replace every resource with those of a `snapshot()` document.

        A document that is not a snapshot, or that a newer sagemock wrote in a format this one
        cannot read, raises `sagemock.SnapshotError` and leaves the resources as they were.
        """
        self.state.restore(snapshot)

    def fail(self, operation: str, code: str = "ThrottlingException", message: str | None = None, *,
             status: int = 400, times: int | None = 1) -> None:
        """Make `operation` answer with an error instead of running, `times` times (None: always)."""
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
        lifecycle.plan_failure(self.state, kind, name, reason)

    def put_trial_component_metrics(self, trial_component_arn: str, metrics: dict[str, list[float]]) -> None:
        """Log metric values on a trial component, as SageMaker's metrics service would.

        Each metric's summary (Min, Max, Avg, StdDev, Last, Count, TimeStamp) folds in the values;
        DescribeTrialComponent, ListTrialComponents and Search see them. (BatchPutMetrics itself
        belongs to the `sagemaker-metrics` service, which sagemock does not intercept.)
        """
        from .backends.experiments import Experiments

        store, document = self.state.locate(trial_component_arn)
        with store.lock:
            store.backend(Experiments).record_metrics(document, metrics, self.state.clock.now())

    def set_trial_component_source(self, trial_component_arn: str, source_arn: str,
                                   source_type: str | None = None) -> None:
        """Give a trial component the Source SageMaker gives the components of the jobs it runs."""
        from .backends.experiments import Experiments

        store, document = self.state.locate(trial_component_arn)
        with store.lock:
            store.backend(Experiments).record_source(document, source_arn, source_type)

    def put_training_metrics(self, training_job_arn: str, metrics: dict[str, float]) -> None:
        """Report a training job's final metrics (FinalMetricDataList), as its algorithm would.

        The names must be among the job's (or its algorithm's) MetricDefinitions; the values also
        reach the job's `<job>-aws-training-job` trial component, so Search finds them either way.
        """
        from .backends.training import Training

        if arns.kind(training_job_arn) != "training-job":
            raise ValueError(f"{training_job_arn!r} is not a training job ARN")
        store, document = self.state.locate(training_job_arn)
        with store.lock:
            store.backend(Training).record_final_metrics(document, metrics, self.state.clock.now())

    @staticmethod
    def implemented_operations() -> list[str]:
        """The SageMaker operations sagemock answers."""
        return backend.implemented()


@overload
def mock_sagemaker(func: type[T]) -> type[T]: ...


@overload
def mock_sagemaker(func: Callable[..., T]) -> Callable[..., T]: ...


@overload
def mock_sagemaker(func: None = None, **config: Any) -> MockSageMaker: ...


def mock_sagemaker(func: Any = None, **config: Any) -> Any:
    """Mock SageMaker: `@mock_sagemaker`, `@mock_sagemaker(...)`, `with mock_sagemaker() as m:`,
    or `m = mock_sagemaker(); m.start(); ...; m.stop()`. Keyword arguments: see `MockSageMaker`."""
    if func is not None:
        return MockSageMaker(**config)(func)
    return MockSageMaker(**config)
