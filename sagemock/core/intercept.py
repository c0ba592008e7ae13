"""The botocore hook that brings SageMaker requests (and its data-plane services') to the mock.

sagemock answers at botocore's `before-send.sagemaker` event (and `before-send.sagemaker-runtime`,
`before-send.sagemaker-metrics`, `before-send.sagemaker-featurestore-runtime`: each service's
token is its own, so each is registered), the point where a request has been
serialised and signed exactly as for AWS and is about to go on the wire. Returning an
`AWSResponse` there makes botocore skip the network and parse our answer as AWS's: datetimes,
`ClientError` codes, retries and waiters all run unchanged. The handler is a builtin of every
botocore session created after sagemock is imported, and is added once to the sessions and
SageMaker clients that already existed, so clients made before the mock started are intercepted
too. While no mock is active it returns None and costs one list check.

While a mock is active, its requests are not signed. A SigV4 signature (a canonical request, four
HMACs, a payload hash) is about a third of what botocore spends on a call, and nothing checks it: the
request never leaves the process. botocore lets a `choose-signer` handler answer `UNSIGNED`, as it
does for a client configured so; what the mock reads from a signature, the caller's access key id,
the region it signed for and whether its credentials are temporary, travels instead in one
`X-Sagemock-Caller` header written at `before-sign` (`caller_header`; `context.credential_scope`
reads it). A request to the sagemock server from another process is signed as usual and read from
its Authorization header.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import botocore
import botocore.client
import botocore.handlers
import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.credentials import RefreshableCredentials

from . import dispatch, service
from .context import CALLER_HEADER, caller_header

if TYPE_CHECKING:
    from .state import State

EVENT = "before-send.sagemaker"
#: Where the client's service model and credentials are seen (see `before_call`).
CALL_EVENT = "before-call.sagemaker"
SIGNER_EVENT = "choose-signer.sagemaker"
#: The request context's key for the caller `before_call` saw: (access key id or None, temporary).
CALLER_KEY = "sagemock_caller"
HANDLED_URL = "sagemock://handled"

#: The states of the active mocks, outermost first; requests go to the outermost.
active: list[State] = []


class _Body:
    """The `raw` of an AWSResponse whose body is already in memory."""

    __slots__ = ("_body",)

    def __init__(self, body: bytes):
        self._body = body

    def stream(self, **_kwargs: Any) -> Any:
        yield self._body

    def read(self, *_args: Any) -> bytes:
        body, self._body = self._body, b""
        return body

    def close(self) -> None:
        """What a streamed answer's reader calls when done (the SDK's Predictor closes its Body)."""
        self._body = b""


class _Content(bytes):
    """A response body that is bytes to botocore and an awaitable of bytes to aiobotocore.

    aiobotocore runs the same `before-send` handlers as botocore but awaits a response's
    `content`; a body that serves both lets one handler answer sync and async clients alike,
    with no patching of either library.
    """

    def __await__(self) -> Generator[Any, None, bytes]:
        if False:  # pragma: no cover  (a generator that finishes at once: nothing to wait for)
            yield
        return bytes(self)


def before_send(request: Any, event_name: str = "", **_kwargs: Any) -> AWSResponse | None:
    if not active or request.url == HANDLED_URL:
        return None
    _, service_name, operation = event_name.split(".", 2)
    status, headers, body = dispatch.handle(active[0], operation, request.body, request.headers, request.url,
                                            service_name)
    response = AWSResponse(request.url, status, headers, _Body(body))
    response._content = _Content(body)  # what `content` returns
    # Handlers of the bare `before-send` event (moto's, for one) run after this one; a URL that is
    # not AWS's tells them the request is taken.
    request.url = HANDLED_URL
    return response


def before_call(model: Any = None, request_signer: Any = None, context: Any = None, **_kwargs: Any) -> None:
    """Hand the calling client's service model to `service` (once per service), and while a mock is
    active note who calls (for `choose_signer` and `before_sign`)."""
    if model is not None and not service.adopted(model.service_model.service_name):
        service.adopt(model.service_model)
    if active and context is not None:
        context[CALLER_KEY] = _caller(request_signer)


def _caller(request_signer: Any) -> tuple[str | None, bool]:
    """(access key id, temporary) of the client's credentials, read without refreshing them.

    None for a client with no credentials it can use without the network: none at all, or
    refreshable ones that are due (an expired SSO or assumed-role session would reach AWS to
    refresh); its requests are answered in the mock's account. aiobotocore's refreshable
    credentials refuse a synchronous read, so those are read from the fields they refresh.
    """
    credentials = getattr(request_signer, "_credentials", None)
    if credentials is None:
        return None, False
    if isinstance(credentials, RefreshableCredentials):
        if credentials.refresh_needed():
            return None, False
        return credentials._access_key, bool(credentials._token)
    return getattr(credentials, "access_key", None), bool(getattr(credentials, "token", None))


def choose_signer(context: Any = None, **_kwargs: Any) -> Any:
    """Leave unsigned a request `before_call` saw while a mock is active (it never leaves the process)."""
    if active and context is not None and CALLER_KEY in context:
        return botocore.UNSIGNED
    return None


def before_sign(request: Any = None, region_name: str | None = None, **_kwargs: Any) -> None:
    """Write the caller `before_call` saw into the request, where a signature would have carried it."""
    if not active or request is None:
        return
    caller = request.context.get(CALLER_KEY)
    if caller is None:
        return
    signing = request.context.get("signing")
    region = (signing.get("region") if signing else None) or region_name
    # (botocore makes a new request for each attempt, so a retry never finds the header set.)
    request.headers[CALLER_HEADER] = caller_header(caller[0], region, caller[1])


_installed = False
_install_lock = threading.Lock()


def install() -> None:
    """Make every botocore session, present and future, carry the handler (once per process).

    Runs at the first activation, not at import, so merely having sagemock installed (its pytest
    plugin is imported by every pytest run) costs nothing.
    """
    global _installed
    if _installed:
        return
    with _install_lock:
        if _installed:
            return
        _register_everywhere()
        _installed = True


#: (event, handler) for every served service: SageMaker's events and each data-plane service's.
HANDLERS = tuple((f"{prefix}.{name}", handler) for name in service.SERVICES
                 for prefix, handler in (("before-send", before_send), ("before-call", before_call),
                                         ("choose-signer", choose_signer), ("before-sign", before_sign)))


def _register_everywhere() -> None:
    botocore.handlers.BUILTIN_HANDLERS.extend(HANDLERS)
    # Sessions and clients that existed before sagemock: register on their emitters directly.
    for obj in _instances(botocore.session.Session, botocore.client.BaseClient):
        if isinstance(obj, botocore.session.Session):
            for event, handler in HANDLERS:
                obj.register(event, handler, unique_id=f"sagemock-{event}")
        elif isinstance(obj, botocore.client.BaseClient) and obj.meta.service_model.service_name in service.SERVICES:
            for event, handler in HANDLERS:
                obj.meta.events.register(event, handler, unique_id=f"sagemock-{event}")


def _instances(*bases: type) -> list[Any]:
    """The live instances of these classes and their subclasses (botocore makes a class per client).

    An instance refers to its class, so the garbage collector's referrer search (one pass in C)
    finds them: far cheaper than looping over `gc.get_objects()` in Python at the first activation.
    """
    classes: list[type] = []
    pending = list(bases)
    while pending:
        cls = pending.pop()
        classes.append(cls)
        pending.extend(cls.__subclasses__())
    return [obj for obj in gc.get_referrers(*classes) if isinstance(obj, bases) and not isinstance(obj, type)]
