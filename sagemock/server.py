"""sagemock as a real HTTP endpoint, for the AWS CLI, other SDKs and other processes.

The in-process mock only reaches Python code that shares its interpreter. The server lets
anything that speaks SageMaker's wire protocol (AWS JSON 1.1: `POST /` with
`X-Amz-Target: SageMaker.<Operation>`) use sagemock: point its endpoint URL here. Each request is
answered by the very pipeline the in-process mock uses, `dispatch.handle`, so the AWS CLI, the
Java or Go SDK and a boto3 client see the same answers, byte for byte, as an intercepted boto3
client does. The server adds only HTTP framing and a small admin API under `/_sagemock/`:

* `GET  /_sagemock/health`    `{"status": "ok", "version": ..., "implemented": <operations>}` (also `GET /`)
* `POST /_sagemock/reset`     forget every resource (configuration stays), for test isolation
* `GET  /_sagemock/snapshot`  the whole state as a snapshot document (`sagemock.core.snapshot`)
* `POST /_sagemock/restore`   replace the state with the snapshot document in the body

With a state file, the state is loaded from it at start and every write is on disk before it is
answered (`sagemock.state_file`). Standard library only (`http.server`), so `pip install
sagemock` is enough to run it.

    with ThreadedServer() as srv:          # 127.0.0.1, a free port chosen by the OS
        client = boto3.client("sagemaker", endpoint_url=srv.url, ...)
"""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import (
    __version__,
    backends,  # noqa: F401  (registers every family's operations)
)
from .core import backend, dispatch, protocol
from .core.errors import SerializationError, ServiceError, UnknownOperation, ValidationError
from .core.snapshot import SnapshotError
from .core.state import DEFAULT_ACCOUNT, DEFAULT_REGION, Config, State
from .mock import defaults
from .state_file import StateFile

log = logging.getLogger("sagemock.server")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
_RESERVED = "/_sagemock/"
HEALTH_PATH = _RESERVED + "health"
RESET_PATH = _RESERVED + "reset"
SNAPSHOT_PATH = _RESERVED + "snapshot"
RESTORE_PATH = _RESERVED + "restore"
#: How long `stop()` waits for connection threads to finish their current request.
_JOIN_SECONDS = 5.0


class ThreadedServer:
    """A SageMaker endpoint on `host:port`, served from a daemon thread, with its own `State`.

    Args:
        host: the address to bind. Loopback by default: the server has no authentication, so
            binding anything wider is an explicit choice.
        port: the port; 0 (the default) lets the OS pick a free one (read it back from `port`
            or `url`). The `sagemock server` command binds 5000 unless told otherwise.
        state_file: a JSON file holding the state: loaded at `start()` when it exists, and
            rewritten atomically before each write is answered (see `sagemock.state_file`).
        account_id, region, strict, seed, identity_arn, transitions, transition_reads,
            transition_seconds: as for `mock_sagemaker`; `strict` defaults to the same
            process-wide default (`SAGEMOCK_STRICT`, or the pytest ini option `sagemock_strict`).
        log_requests: write one line per request to stderr (off by default: tests stay quiet).

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
    ) -> None:
        self.host = host
        self._requested_port = port
        self.log_requests = log_requests
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
        self.state_file = StateFile(state_file, self.state) if state_file is not None else None
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> ThreadedServer:
        """Bind and start serving in a daemon thread; returns at once, ready for requests."""
        if self._httpd is not None:
            raise RuntimeError("the server is already running")
        if self.state_file is not None:
            self.state_file.load()
            self.state_file.start()
        try:
            httpd = _HTTPServer((self.host, self._requested_port), _Handler, self)
        except BaseException:
            if self.state_file is not None:
                self.state_file.stop()
            raise
        self._httpd = httpd
        # serve_forever polls for shutdown; a short interval keeps stop() quick.
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"sagemock-server-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, let requests in flight finish, close idle keep-alive connections.

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
        self.state.clear()
        self.persist()

    def snapshot(self) -> dict[str, Any]:
        """The whole state as a snapshot document (see `MockSageMaker.snapshot`)."""
        return self.state.snapshot()

    def restore(self, document: dict[str, Any]) -> None:
        """Replace the whole state with a snapshot document; a bad one raises `SnapshotError`."""
        self.state.restore(document)
        self.persist()

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
    """A ThreadingHTTPServer that knows its connections, so it can close them on stop."""

    # Daemon handler threads never keep the interpreter alive; stop() joins them itself.
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], owner: ThreadedServer):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.owner = owner
        self.stopping = False
        self._connections: dict[socket.socket, threading.Thread] = {}
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

    def close_connections(self) -> None:
        self.stopping = True
        with self._connections_lock:
            connections = list(self._connections.items())
        # Shutting down the read side wakes a thread blocked waiting for the next request on a
        # keep-alive connection (it reads EOF and ends) without cutting off a response being
        # written: a request is read whole before it is answered.
        for sock, _thread in connections:
            try:
                sock.shutdown(socket.SHUT_RD)
            except OSError:
                pass
        for _sock, thread in connections:
            thread.join(_JOIN_SECONDS)


class _Handler(BaseHTTPRequestHandler):
    """HTTP framing around `dispatch.handle`; nothing SageMaker-specific lives here."""

    server: _HTTPServer
    # HTTP/1.1 so SDKs can keep connections alive; every answer carries Content-Length.
    protocol_version = "HTTP/1.1"
    # The headers and the body leave in two writes; with Nagle's algorithm on, the body waits
    # for the client's delayed ACK of the headers, 40 ms on Linux, on every response.
    disable_nagle_algorithm = True
    server_version = "sagemock"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0]
        if path in ("/", "", HEALTH_PATH):
            self._send(*_json(200, {"status": "ok", "version": __version__,
                                    "implemented": len(backend.implemented())}))
        elif path == SNAPSHOT_PATH:
            self._send(*_json(200, self.server.owner.snapshot()))
        else:
            self._send(*self._error(UnknownOperation(f"No such path: GET {self.path}", status=404)))

    def do_POST(self) -> None:  # noqa: N802
        try:
            body = self._read_body()
        except ValueError:  # a Content-Length or chunk size that is not a number
            self.close_connection = True  # the rest of the stream cannot be trusted
            self._send(*self._error(SerializationError(
                "The request body could not be read: bad Content-Length or chunk size.")))
            return
        try:
            status, headers, payload = self._answer(body)
        except Exception as exc:  # a sagemock bug, or a strict-mode ShapeError: say so loudly
            target = self.headers.get("X-Amz-Target") or self.path
            log.exception("sagemock failed to answer %s", target)
            failure = ServiceError(f"sagemock failed to answer {target}: {type(exc).__name__}: {exc}",
                                   code="InternalFailure", status=500)
            status, headers, payload = self._error(failure)
        self._send(status, headers, payload)

    # Anything else (PUT, DELETE, ...) is not part of the protocol.
    def _not_allowed(self) -> None:
        self._read_body_quietly()
        self._send(*self._error(UnknownOperation(f"No such path: {self.command} {self.path}", status=405)))

    do_PUT = do_DELETE = do_PATCH = _not_allowed  # noqa: N815

    def _answer(self, body: bytes) -> protocol.Rendered:
        path = self.path.split("?", 1)[0]
        if path.startswith(_RESERVED):
            return self._admin(path, body)
        operation = protocol.operation_from_target(self.headers)
        if operation is None:
            target = self.headers.get("X-Amz-Target")
            message = (f"X-Amz-Target {target!r} is not a SageMaker operation (expected SageMaker.<Operation>)."
                       if target else "Missing X-Amz-Target header: expected SageMaker.<Operation>.")
            return self._error(UnknownOperation(message))
        owner = self.server.owner
        host = self.headers.get("Host") or f"{owner.host}:{self.server.server_address[1]}"
        answer = dispatch.handle(owner.state, operation, body, self.headers, f"http://{host}{self.path}")
        if answer[0] == 200 and dispatch.changes_state(owner.state, operation):
            owner.persist()  # the write is on disk before its client hears of it
        return answer

    def _admin(self, path: str, body: bytes) -> protocol.Rendered:
        owner = self.server.owner
        if path == RESET_PATH:
            owner.reset()
            return _json(200, {"status": "reset"})
        if path == RESTORE_PATH:
            try:
                document = json.loads(body or b"null")
            except ValueError as error:
                return self._error(SerializationError(f"The snapshot is not JSON: {error}"))
            try:
                owner.restore(document)
            except SnapshotError as error:
                return self._error(ValidationError(str(error)))
            return _json(200, {"status": "restored"})
        if path in (HEALTH_PATH, SNAPSHOT_PATH):
            return self._error(UnknownOperation(f"{path} answers GET, not POST", status=405))
        return self._error(UnknownOperation(f"No such path: POST {self.path}", status=404))

    def _error(self, error: ServiceError) -> protocol.Rendered:
        """An error in AWS's JSON form (`__type`, `message`, a request id), as SageMaker's are."""
        return protocol.render_error(error, error.code, self._request_id())

    def _request_id(self) -> str:
        # From the state's seedable source, as dispatch does, so seeded runs stay reproducible.
        return protocol.request_id(self.server.owner.state.random)

    # -- helpers --------------------------------------------------------------------------------

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes:
        """Some SDKs stream request bodies with chunked transfer encoding instead of a length."""
        parts: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()  # the CRLF after each chunk

    def _read_body_quietly(self) -> None:
        try:
            self._read_body()
        except ValueError:
            self.close_connection = True

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        if self.server.stopping:
            self.close_connection = True
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # The operation is what a reader of the log wants; every SageMaker request is `POST /`.
        headers = getattr(self, "headers", None)  # absent when the request line was malformed
        target = headers.get("X-Amz-Target") if headers is not None else None
        self.log_message('"%s" %s %s', self.requestline, getattr(code, "value", code), target or "-")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's signature)
        if self.server.owner.log_requests:
            super().log_message(format, *args)


def _json(status: int, payload: dict[str, Any]) -> protocol.Rendered:
    """An answer of the server's own endpoints (plain JSON, not a SageMaker response)."""
    body = json.dumps(payload).encode()
    return status, {"Content-Type": "application/json", "Content-Length": str(len(body))}, body


__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "ThreadedServer"]
