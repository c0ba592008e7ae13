"""sagemock as a real HTTP endpoint, for the AWS CLI, other SDKs and other processes.

The in-process mock only reaches Python code that shares its interpreter. The server lets
anything that speaks SageMaker's wire protocol (AWS JSON 1.1: `POST /` with
`X-Amz-Target: SageMaker.<Operation>`) use sagemock: point its endpoint URL here. The data-plane
services (sagemaker-runtime, sagemaker-metrics, sagemaker-featurestore-runtime) are served at the
same address, each request routed by its method and path as their rest-json protocol names them. Each request is
answered by the very pipeline the in-process mock uses, `dispatch.handle`, so the AWS CLI, the
Java or Go SDK and a boto3 client see the same answers, byte for byte, as an intercepted boto3
client does. The server adds only HTTP framing and a small admin API under `/_sagemock/`:

* `GET  /_sagemock/health`    `{"status": "ok", "version": ..., "implemented": <operations>}` (also `GET /`)
* `POST /_sagemock/reset`     forget every resource (configuration stays), for test isolation
* `GET  /_sagemock/snapshot`  the whole state as a snapshot document (`sagemock.core.snapshot`)
* `POST /_sagemock/restore`   replace the state with the snapshot document in the body

With a state file, the state is loaded from it at start and nothing is answered before it is
durable (`sagemock.state_file`). Standard library only (`http.server`), so `pip install
sagemock` is enough to run it.

The HTTP side is built for clients that misbehave, since tests are where they do: every answer,
errors included, is AWS's JSON form and leaves in one write (a connection cut mid-answer can
never look like a complete, successful one); a body shorter than its Content-Length, larger than
`MAX_REQUEST_BYTES` or nested too deeply is refused before anything runs; idle connections are
closed after `idle_timeout`; a client that goes away is one log line, not a traceback; and a
stopping server finishes the requests it has begun reading and answers no half-read one.

    with ThreadedServer() as srv:          # 127.0.0.1, a free port chosen by the OS
        client = boto3.client("sagemaker", endpoint_url=srv.url, ...)
"""
from __future__ import annotations

import json
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

from . import (
    __version__,
    backends,  # noqa: F401  (registers every family's operations)
)
from .core import backend, dispatch, protocol, rest_json, service, snapshot
from .core.errors import SerializationError, ServiceError, UnknownOperation, ValidationError
from .core.snapshot import SnapshotError
from .core.state import DEFAULT_ACCOUNT, DEFAULT_REGION, Config, State
from .mock import defaults
from .state_file import StateFile, StateFileError
from .state_media import medium_for

log = logging.getLogger("sagemock.server")

T = TypeVar("T")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
_RESERVED = "/_sagemock/"
HEALTH_PATH = _RESERVED + "health"
RESET_PATH = _RESERVED + "reset"
SNAPSHOT_PATH = _RESERVED + "snapshot"
RESTORE_PATH = _RESERVED + "restore"
#: Which methods each path answers; any other method on them is a 405.
_METHODS = {"/": ("GET", "POST"), HEALTH_PATH: ("GET",), SNAPSHOT_PATH: ("GET",), RESET_PATH: ("POST",),
            RESTORE_PATH: ("POST",)}
#: The largest request body answered: far above any valid SageMaker request (the largest member,
#: a pipeline definition, is 1 MiB of text, at most 6 MiB once JSON-escaped). AWS documents none.
MAX_REQUEST_BYTES = 16 << 20
#: The largest snapshot `POST /_sagemock/restore` takes (a state of 100,000 model packages is
#: about 200 MiB of JSON).
MAX_RESTORE_BYTES = 1 << 30
#: How long a connection may sit idle (or stall mid-request) before the server closes it.
DEFAULT_IDLE_TIMEOUT = 60.0
#: Pending connections the listening socket queues before the server accepts them.
LISTEN_BACKLOG = 128
#: How long `stop()` waits for connection threads to finish their current request.
_JOIN_SECONDS = 5.0
#: How much of a streamed snapshot goes into one chunk.
_CHUNK = 1 << 16
#: How long, and how much of an over-large body, is read and dropped before closing after a 413.
_DRAIN_SECONDS = 2.0
_DRAIN_BYTES = 64 << 20


class ThreadedServer:
    """A SageMaker endpoint on `host:port`, served from a daemon thread, with its own `State`.

    Args:
        host: the address to bind. Loopback by default: the server has no authentication, so
            binding anything wider is an explicit choice.
        port: the port; 0 (the default) lets the OS pick a free one (read it back from `port`
            or `url`). The `sagemock server` command binds 5000 unless told otherwise.
        state_file: the file holding the state: loaded at `start()` when it exists, claimed
            (a second server refuses it), and saved before any request that wrote, or saw a
            write, is answered (see `sagemock.state_file`). A new file is an SQLite database
            saved a changed row at a time; a JSON snapshot file is read and saved as one.
        account_id, region, strict, seed, identity_arn, transitions, transition_reads,
            transition_seconds: as for `mock_sagemaker`; `strict` defaults to the same
            process-wide default (`SAGEMOCK_STRICT`, or the pytest ini option `sagemock_strict`).
        log_requests: write one line per request (and per client that went away) to stderr
            (off by default: tests stay quiet).
        idle_timeout: seconds a connection may wait for its next request, or stall in the middle
            of one, before the server closes it (so idle keep-alive connections do not hold a
            thread each forever).

    One State per server: every client of the server shares it, whatever process it runs in,
    and it is independent of any in-process mock.
    """

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = 0,
        *,
        state_file: str | os.PathLike[str] | None = None,
        account_id: str = DEFAULT_ACCOUNT,
        region: str = DEFAULT_REGION,
        strict: bool | None = None,
        seed: int | None = None,
        identity_arn: str | None = None,
        transitions: str = "instant",
        transition_reads: int = 1,
        transition_seconds: float = 1.0,
        log_requests: bool = False,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
    ) -> None:
        if not idle_timeout > 0:
            raise ValueError(f"idle_timeout must be a positive number of seconds, not {idle_timeout!r}")
        self.host = host
        self._requested_port = port
        self.log_requests = log_requests
        self.idle_timeout = float(idle_timeout)
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
        self.state = State(self.config)
        self._state_file_path = state_file
        self.state_file: StateFile | None = None
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> ThreadedServer:
        """Bind and start serving in a daemon thread; returns at once, ready for requests."""
        if self._httpd is not None:
            raise RuntimeError("the server is already running")
        state_file = None
        if self._state_file_path is not None:
            state_file = StateFile(self.state, medium_for(self._state_file_path))
            state_file.open()
            state_file.start()
        try:
            httpd = _HTTPServer((self.host, self._requested_port), _Handler, self)
        except BaseException:
            if state_file is not None:
                state_file.stop()
            raise
        self.state_file = state_file
        self._httpd = httpd
        # serve_forever polls for shutdown; a short interval keeps stop() quick.
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"sagemock-server-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, finish the requests begun, close idle keep-alive connections.

        Safe to call twice. Clients pooling connections (boto3 does) would otherwise keep a
        handler thread blocked on a read after the server is gone.
        """
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        httpd.shutdown()  # returns once serve_forever has left its loop
        httpd.server_close()
        httpd.close_connections()
        if thread is not None:
            thread.join(_JOIN_SECONDS)
        self._httpd = self._thread = None
        if self.state_file is not None:
            self.state_file.stop()

    @property
    def running(self) -> bool:
        return self._httpd is not None

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def serve_until_interrupted(self, poll: float = 0.5) -> None:
        """Block the calling thread while the server runs (the CLI's foreground mode).

        Waits with a timeout so Ctrl-C is noticed on every platform (an untimed join is not
        interruptible on Windows).
        """
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(poll)

    # -- where it is --------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound port (the OS's choice when the server was created with port 0)."""
        if self._httpd is None:
            raise RuntimeError("the server is not running: start it first")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The endpoint URL to give clients, e.g. `http://127.0.0.1:5000`."""
        host = self.host
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    # -- state ----------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every resource and injected error; the configuration stays."""
        self.durably(self.state.clear, lambda _: True)

    def snapshot(self) -> dict[str, Any]:
        """The whole state as a snapshot document (see `MockSageMaker.snapshot`)."""
        return self.durably(lambda: snapshot.dump(self.state), lambda _: False)

    def restore(self, document: dict[str, Any]) -> None:
        """Replace the whole state with a snapshot document; a bad one raises `SnapshotError`."""
        self.durably(lambda: snapshot.load(self.state, document), lambda _: True)

    def durably(self, action: Callable[[], T], wrote: Callable[[T], bool]) -> T:
        """`action()`'s result once what it did or saw is durable (at once without a state file)."""
        if self.state_file is None or not self.running:
            return action()
        return self.state_file.run(action, wrote)

    def persist(self) -> None:
        """Return once the state file (if any) holds every change made so far."""
        if self.state_file is not None and self.running:
            self.state_file.wait_for(self.state.generation)

    @staticmethod
    def implemented_operations() -> list[str]:
        return backend.implemented()

    def __repr__(self) -> str:
        where = self.url if self.running else "stopped"
        return f"<sagemock.server.ThreadedServer {where}>"


class _HTTPServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer that knows its connections, so it can close them on stop.

    Each connection is idle (waiting for its next request) or busy (a request begun). Stopping
    cuts the idle ones and lets the busy ones finish, so no request is half read.
    """

    # Daemon handler threads never keep the interpreter alive; stop() joins them itself.
    daemon_threads = True
    # The accept queue: with the default of 5, a burst of new connections stalls in SYN retries.
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], owner: ThreadedServer):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.owner = owner
        self.stopping = False
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._busy: set[socket.socket] = set()
        self._cut: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections[request] = threading.current_thread()
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._connections_lock:
                self._connections.pop(request, None)
                self._busy.discard(request)
                self._cut.discard(request)

    def begin(self, connection: socket.socket) -> bool:
        """Mark a connection busy with a request; False when stopping cut it first."""
        with self._connections_lock:
            if connection in self._cut:
                return False
            self._busy.add(connection)
            return True

    def end(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._busy.discard(connection)

    def close_connections(self) -> None:
        with self._connections_lock:
            self.stopping = True
            connections = list(self._connections.items())
            idle = [sock for sock, _thread in connections if sock not in self._busy]
            self._cut.update(idle)
        # Shutting down the read side wakes a thread blocked waiting for the next request on a
        # keep-alive connection (it reads EOF and ends). A busy one finishes its request first:
        # it reads the rest of the body, is answered, and closes (`stopping`).
        for sock in idle:
            _shutdown(sock, socket.SHUT_RD)
        for _sock, thread in connections:
            thread.join(_JOIN_SECONDS)
        for sock, thread in connections:  # a client that never sent the rest: closed, unanswered
            if thread.is_alive():
                _shutdown(sock, socket.SHUT_RDWR)
                thread.join(_JOIN_SECONDS)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line for a client that went away; a traceback only for a sagemock bug."""
        error = sys.exc_info()[1]
        if isinstance(error, OSError):  # reset, broken pipe, timed out: the client's doing
            message = f"client {_address(client_address)} went away: {type(error).__name__}: {error}"
            if self.owner.log_requests:
                log.warning("%s", message)
            else:
                log.debug("%s", message)
            return
        log.exception("sagemock failed while serving %s", _address(client_address))


def _address(client_address: Any) -> str:
    if isinstance(client_address, tuple) and len(client_address) >= 2:
        return f"{client_address[0]}:{client_address[1]}"
    return str(client_address)


def _shutdown(sock: socket.socket, how: int) -> None:
    try:
        sock.shutdown(how)
    except OSError:
        pass


class _Incomplete(Exception):
    """The request ended before it was whole (the client closed, or the server is stopping)."""


class _TooLarge(Exception):
    """The request body is larger than the server reads."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class _Handler(BaseHTTPRequestHandler):
    """HTTP framing around `dispatch.handle`; nothing SageMaker-specific lives here."""

    server: _HTTPServer
    #: The (service, operation) of the current request when a data-plane service's path names it.
    _route: tuple[str, str] | None = None
    # HTTP/1.1 so SDKs can keep connections alive; every answer carries Content-Length.
    protocol_version = "HTTP/1.1"
    # Answers leave in one write anyway; with Nagle's algorithm on, a streamed snapshot's chunks
    # would wait for the client's delayed ACKs (40 ms on Linux each).
    disable_nagle_algorithm = True
    server_version = "sagemock"
    sys_version = ""

    def setup(self) -> None:
        self.request.settimeout(self.server.owner.idle_timeout)  # every read and write, idle or not
        super().setup()
        self.lines = _LineTracker(self.rfile)
        self.rfile = self.lines  # type: ignore[assignment]

    def handle_one_request(self) -> None:
        """One request: wait for it (idle), then read, run and answer it whole (busy)."""
        connection = self.connection
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline or not self.server.begin(connection):
                self.close_connection = True
                return
            try:
                self._one_request()
            finally:
                self.server.end(connection)
        except TimeoutError:
            self._went_quiet()
        except _Incomplete:
            self.close_connection = True

    def _one_request(self) -> None:
        if len(self.raw_requestline) > 65536:
            self.requestline = self.request_version = self.command = ""
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
            return
        if not self.parse_request():
            return  # refused (an answer was sent), or cut short (none is)
        if self.lines.last_line not in (b"\r\n", b"\n"):  # the headers ended without their blank line
            raise _Incomplete
        method = self.command
        self._route = _data_plane(method, self._path())
        if self._route is not None:
            self._post()
        elif method == "GET":
            self._get()
        elif method == "POST":
            self._post()
        else:
            self._not_allowed()

    def _went_quiet(self) -> None:
        self.close_connection = True
        if self.server.owner.log_requests:
            self.log_message("closed a connection idle for %.0f s", self.server.owner.idle_timeout)

    # -- requests -------------------------------------------------------------------------------

    def _get(self) -> None:
        path = self._path()
        if path in ("/", "", HEALTH_PATH):
            self._send(*_json(200, {"status": "ok", "version": __version__,
                                    "implemented": len(backend.implemented())}))
        elif path == SNAPSHOT_PATH:
            self._send_snapshot()
        elif path in _METHODS:
            self._send(*self._not_allowed_error(path))
        else:
            self._send(*self._error(UnknownOperation(f"No such path: GET {self.path}", status=404)))

    def _post(self) -> None:
        path = self._path()
        try:
            body = self._read_body(MAX_RESTORE_BYTES if path == RESTORE_PATH else MAX_REQUEST_BYTES)
        except ValueError as error:  # a Content-Length or chunk size that is not a number
            self.close_connection = True  # the rest of the stream cannot be trusted
            self._send(*self._error(SerializationError(f"The request body could not be read: {error}.")))
            return
        except _TooLarge as too_large:
            self.close_connection = True  # the body is left unread
            self._send(*self._error(ServiceError(
                f"The request body is larger than the {too_large.limit} bytes sagemock reads.",
                code="RequestEntityTooLargeException", status=413)))
            self._drain()
            return
        try:
            status, headers, payload = self._answer(path, body)
        except StateFileError as error:
            code = "ServiceUnavailable" if error.status == 503 else "InternalFailure"
            status, headers, payload = self._error(ServiceError(str(error), code=code, status=error.status))
        except Exception as exc:  # a sagemock bug, or a strict-mode ShapeError: say so loudly
            target = self.headers.get("X-Amz-Target") or self.path
            log.exception("sagemock failed to answer %s", target)
            failure = ServiceError(f"sagemock failed to answer {target}: {type(exc).__name__}: {exc}",
                                   code="InternalFailure", status=500)
            status, headers, payload = self._error(failure)
        self._send(status, headers, payload)

    def _not_allowed(self) -> None:
        """Any method but GET and POST (HEAD, PUT, OPTIONS, TRACE ...) is not part of the protocol."""
        try:
            self._read_body(MAX_REQUEST_BYTES)
        except (ValueError, _TooLarge):
            self.close_connection = True
        path = self._path()
        if path in _METHODS:
            self._send(*self._not_allowed_error(path))
        else:
            self._send(*self._error(UnknownOperation(f"No such path: {self.command} {self.path}", status=404)))

    def _not_allowed_error(self, path: str) -> protocol.Rendered:
        allowed = " or ".join(_METHODS[path])
        return self._error(UnknownOperation(f"{path} answers {allowed}, not {self.command}", status=405))

    def _answer(self, path: str, body: bytes) -> protocol.Rendered:
        if self._route is not None:
            return self._answer_data_plane(*self._route, body)
        if path.startswith(_RESERVED):
            return self._admin(path, body)
        if path not in ("/", ""):
            return self._error(UnknownOperation(f"No such path: POST {self.path} (SageMaker is served at /)",
                                                status=404))
        operation = protocol.operation_from_target(self.headers)
        if operation is None:
            target = self.headers.get("X-Amz-Target")
            message = (f"X-Amz-Target {target!r} is not a SageMaker operation (expected SageMaker.<Operation>)."
                       if target else "Missing X-Amz-Target header: expected SageMaker.<Operation>.")
            return self._error(UnknownOperation(message))
        owner = self.server.owner
        host = self.headers.get("Host") or f"{owner.host}:{self.server.server_address[1]}"
        url = f"http://{host}{self.path}"

        def run() -> protocol.Rendered:
            return dispatch.handle(owner.state, operation, body, self.headers, url)

        def wrote(answer: protocol.Rendered) -> bool:
            return answer[0] == 200 and dispatch.changes_state(owner.state, operation)

        return owner.durably(run, wrote)

    def _answer_data_plane(self, service_name: str, operation: str, body: bytes) -> protocol.Rendered:
        """A request to a data-plane service (rest-json: the operation is its method and path)."""
        owner = self.server.owner
        host = self.headers.get("Host") or f"{owner.host}:{self.server.server_address[1]}"
        url = f"http://{host}{self.path}"

        def run() -> protocol.Rendered:
            return dispatch.handle(owner.state, operation, body, self.headers, url, service_name)

        def wrote(answer: protocol.Rendered) -> bool:
            return answer[0] < 300 and dispatch.changes_state(owner.state, operation, service_name)

        return owner.durably(run, wrote)

    def _admin(self, path: str, body: bytes) -> protocol.Rendered:
        owner = self.server.owner
        if path == RESET_PATH:
            owner.reset()
            return _json(200, {"status": "reset"})
        if path == RESTORE_PATH:
            try:
                document = json.loads(body or b"null")
            except RecursionError:
                return self._error(ValidationError(
                    f"the snapshot is nested deeper than a snapshot's {snapshot.MAX_DEPTH} levels"))
            except ValueError as error:
                return self._error(SerializationError(f"The snapshot is not JSON: {error}"))
            try:
                owner.restore(document)
            except SnapshotError as error:
                return self._error(ValidationError(str(error)))
            return _json(200, {"status": "restored"})
        if path in _METHODS:
            return self._not_allowed_error(path)
        return self._error(UnknownOperation(f"No such path: POST {self.path}", status=404))

    def _error(self, error: ServiceError) -> protocol.Rendered:
        """An error in AWS's JSON form (`__type`, `message`, a request id), as SageMaker's are."""
        return protocol.render_error(error, error.code, self._request_id())

    def _request_id(self) -> str:
        # From the state's seedable source, as dispatch does, so seeded runs stay reproducible.
        return protocol.request_id(self.server.owner.state.random)

    def _path(self) -> str:
        return self.path.split("?", 1)[0]

    # -- reading --------------------------------------------------------------------------------

    def _read_body(self, limit: int) -> bytes:
        """The whole body, or `_Incomplete` when it ends early (the client closed its side, or
        the server is stopping): a truncated request is never run."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked(limit)
        given = self.headers.get("Content-Length")
        try:
            length = int(given or 0)
        except ValueError:
            raise ValueError(f"Content-Length {given!r} is not a number") from None
        if length < 0:
            raise ValueError(f"Content-Length {given!r} is negative")
        if length > limit:
            raise _TooLarge(limit)
        return self._read_exactly(length) if length else b""

    def _read_exactly(self, length: int) -> bytes:
        body = self.rfile.read(length)
        if len(body) < length:
            self._truncated(f"The request body ended after {len(body)} of the {length} bytes its "
                            "Content-Length announced.")
        return body

    def _read_chunked(self, limit: int) -> bytes:
        """Some SDKs stream request bodies with chunked transfer encoding instead of a length."""
        parts: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1026)
            if not line.endswith(b"\n"):
                self._truncated("The request body ended in the middle of its chunks.")
            size_text = line.split(b";", 1)[0].strip()
            try:
                size = int(size_text or b"0", 16)
            except ValueError:
                raise ValueError(f"chunk size {size_text[:20]!r} is not a hexadecimal number") from None
            if size < 0:
                raise ValueError("a chunk size is negative")
            total += size
            if total > limit:
                raise _TooLarge(limit)
            if size == 0:
                while True:  # trailers, up to the blank line
                    trailer = self.rfile.readline(65537)
                    if trailer in (b"\r\n", b"\n"):
                        return b"".join(parts)
                    if not trailer.endswith(b"\n"):
                        self._truncated("The request body ended before the end of its chunks.")
            parts.append(self._read_exactly(size))
            if self.rfile.readline(3) not in (b"\r\n", b"\n"):  # the CRLF after each chunk
                raise ValueError("a chunk is longer than its size")

    def _drain(self) -> None:
        """Read and drop what the client is still sending, for a moment, before closing: a client
        that sends its whole body before it reads (most do) then reads the refusal instead of
        failing to send on a connection closed under it."""
        _shutdown(self.connection, socket.SHUT_WR)
        deadline = time.monotonic() + _DRAIN_SECONDS
        self.connection.settimeout(_DRAIN_SECONDS)
        drained = 0
        try:
            while time.monotonic() < deadline and drained < _DRAIN_BYTES:
                piece = self.lines.read1(_CHUNK)
                if not piece:
                    return
                drained += len(piece)
        except OSError:
            return

    def _truncated(self, message: str) -> None:
        """A body that ended early: closed without an answer when the server is stopping (it
        cut the connection); otherwise the client closed its side, and is told."""
        self.close_connection = True
        if self.server.stopping:
            raise _Incomplete
        self._send(*self._error(SerializationError(message)))
        raise _Incomplete

    # -- answering ------------------------------------------------------------------------------

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        """The whole answer in one write: a connection cut in the middle of it leaves the client
        without a complete answer, never with headers that promise a body it did not get."""
        if self.server.stopping:
            self.close_connection = True
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        buffered: list[bytes] = getattr(self, "_headers_buffer", [])  # (http.server keeps the headers here)
        buffered.append(b"\r\n")
        answer = b"".join(buffered) + (b"" if self.command == "HEAD" else body)
        buffered.clear()
        self.wfile.write(answer)

    def _send_snapshot(self) -> None:
        """The snapshot as it is produced, in chunked encoding: a large state is never held
        whole, and a stream that is cut lacks its last chunk, so no client takes it for whole.
        With a state file it is the file itself: what is durable, and nothing that is not."""
        owner = self.server.owner
        pending: list[bytes] = []
        started = False
        size = 0

        def send(piece: bytes, force: bool = False) -> None:
            nonlocal started, size
            if piece:
                pending.append(piece)
                size += len(piece)
            if size < _CHUNK and not force:
                return
            if not started:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Transfer-Encoding", "chunked")
                if self.server.stopping:
                    self.send_header("Connection", "close")
                self.end_headers()
                started = True
            if size:
                data = b"".join(pending)
                pending.clear()
                size = 0
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

        try:
            if owner.state_file is not None:
                owner.state_file.copy_to(send)
            else:
                for text in snapshot.chunks(owner.state):
                    send(text.encode("ascii"))
        except StateFileError as error:
            if started:
                raise
            code = "ServiceUnavailable" if error.status == 503 else "InternalFailure"
            self._send(*self._error(ServiceError(str(error), code=code, status=error.status)))
            return
        except SnapshotError as error:
            if started:  # the client has a cut stream: it cannot take it for a whole one
                log.error("sagemock could not finish a snapshot: %s", error)
                self.close_connection = True
                return
            self._send(*self._error(ServiceError(f"sagemock cannot snapshot its state: {error}",
                                                 code="InternalFailure", status=500)))
            return
        send(b"", force=True)
        self.wfile.write(b"0\r\n\r\n")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (a bad request line, headers too long, an unknown method),
        in AWS's JSON error form instead of an HTML page."""
        if self.server.stopping and not self.lines.last_line.endswith(b"\n"):
            raise _Incomplete  # the stop cut this request short: no answer
        self.close_connection = True
        if code == HTTPStatus.NOT_IMPLEMENTED:  # an unknown method
            code = HTTPStatus.METHOD_NOT_ALLOWED
        self.log_error("code %d, message %s", code, message)
        phrase = message or _phrase(code)
        error = ServiceError(phrase, code=_HTTP_ERRORS.get(code, "SerializationException"), status=code)
        status, headers, body = self._error(error)
        self._send(status, headers, body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # The operation is what a reader of the log wants; every SageMaker request is `POST /`.
        headers = getattr(self, "headers", None)  # absent when the request line was malformed
        target = headers.get("X-Amz-Target") if headers is not None else None
        self.log_message('"%s" %s %s', self.requestline, getattr(code, "value", code), target or "-")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's signature)
        if self.server.owner.log_requests:
            super().log_message(format, *args)


def _data_plane(method: str, path: str) -> tuple[str, str] | None:
    """(service, operation) of a request to one of the data-plane services (`service.DATA_PLANE`),
    whose operations are named by method and path; None for SageMaker's and the admin API's."""
    if path in ("/", "") or path.startswith(_RESERVED):
        return None
    for service_name in service.DATA_PLANE:
        operation = rest_json.match(service_name, method, path)
        if operation is not None:
            return service_name, operation
    return None


def _phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Error"


#: The `__type` of http.server's own refusals.
_HTTP_ERRORS: dict[int, str] = {
    HTTPStatus.BAD_REQUEST: "SerializationException",
    HTTPStatus.METHOD_NOT_ALLOWED: "UnknownOperationException",
    HTTPStatus.REQUEST_URI_TOO_LONG: "RequestURITooLongException",
    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE: "RequestHeaderFieldsTooLargeException",
    HTTPStatus.HTTP_VERSION_NOT_SUPPORTED: "HTTPVersionNotSupportedException",
}


class _LineTracker:
    """The request's input stream, remembering the last line read: headers that end without
    their blank line were cut short, and a cut request is never run."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.last_line = b""

    def readline(self, limit: int = -1) -> bytes:
        line: bytes = self._stream.readline(limit)
        self.last_line = line
        return line

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._stream.read(size)
        return data

    def read1(self, size: int = -1) -> bytes:
        data: bytes = self._stream.read1(size)
        return data

    def close(self) -> None:
        self._stream.close()

    @property
    def closed(self) -> bool:
        return bool(self._stream.closed)


def _json(status: int, payload: dict[str, Any]) -> protocol.Rendered:
    """An answer of the server's own endpoints (plain JSON, not a SageMaker response)."""
    body = json.dumps(payload).encode()
    return status, {"Content-Type": "application/json", "Content-Length": str(len(body))}, body


__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "MAX_REQUEST_BYTES", "MAX_RESTORE_BYTES", "ThreadedServer"]
