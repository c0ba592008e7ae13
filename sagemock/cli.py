"""The `sagemock` command: run the server, report coverage, print the version.

    sagemock server [--host 127.0.0.1] [--port 5000] [--state-file PATH] [--account-id ...] [--region ...]
    sagemock coverage [--markdown]
    sagemock lifecycles [KIND ...]
    sagemock lineage SNAPSHOT.json [--format mermaid|dot]
    sagemock version

`sagemock coverage --markdown` is also the generator of docs/coverage.md, so the published table
is always the code's own answer (a test fails when the committed file drifts from it):

    python -m sagemock coverage --markdown > docs/coverage.md
"""
from __future__ import annotations

import argparse
import platform
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import botocore

from . import __version__, coverage
from .core import backend
from .core.state import DEFAULT_ACCOUNT, DEFAULT_REGION

# -- coverage -------------------------------------------------------------------------------------

def _coverage(args: argparse.Namespace) -> int:
    sys.stdout.write(coverage.markdown() if args.markdown else coverage.text())
    return 0


# -- diagrams -------------------------------------------------------------------------------------

def _lifecycles(args: argparse.Namespace) -> int:
    from . import diagrams

    found = diagrams.lifecycles()
    unknown = sorted(set(args.kinds) - set(found))
    if unknown:
        print(f"sagemock lifecycles: no lifecycle for {', '.join(unknown)}; these have one: {', '.join(found)}",
              file=sys.stderr)
        return 2
    for kind, declared in found.items():
        if not args.kinds or kind in args.kinds:
            print(f"%% {kind} ({declared.status_key})")
            print(diagrams.lifecycle_mermaid(declared), end="")
    return 0


def _lineage(args: argparse.Namespace) -> int:
    import json

    from .core.snapshot import SnapshotError
    from .mock import MockSageMaker
    from .sqlite_state import is_database, read
    from .state_file import StateFileError

    try:
        with MockSageMaker(fake_credentials=False) as mock:
            if is_database(Path(args.snapshot)):  # a server's SQLite state file
                read(args.snapshot, mock.state)
            else:
                with open(args.snapshot, encoding="utf-8") as file:
                    mock.restore(json.load(file))
            print(mock.lineage_diagram(args.format), end="")
    except (OSError, ValueError, SnapshotError, StateFileError) as exc:
        print(f"sagemock lineage: {exc}", file=sys.stderr)
        return 1
    return 0


# -- version --------------------------------------------------------------------------------------

def version_text() -> str:
    return f"sagemock {__version__} (botocore {botocore.__version__}, Python {platform.python_version()})"


def _derive(args: argparse.Namespace) -> int:
    from .core.errors import ValidationError
    from .core.resource import BindingError, Resource, describe_binding

    def error(arn: str) -> ValidationError:
        return ValidationError(arn)

    trial = Resource(args.noun, missing=error, duplicate=error, kind=args.kind, list_operation=args.list_operation,
                     wrapped=args.wrapped, registered=False)
    try:
        sys.stdout.write(describe_binding(trial.bound))
    except BindingError as refused:
        print(f"sagemock derive: the model does not fit {args.noun} without help: {refused}", file=sys.stderr)
        return 1
    return 0


def _version(_args: argparse.Namespace) -> int:
    print(version_text())
    return 0


# -- server ---------------------------------------------------------------------------------------

def _server(args: argparse.Namespace) -> int:
    from .server import ThreadedServer
    from .state_file import StateFileError

    try:
        srv = ThreadedServer(args.host, args.port, state_file=args.state_file, account_id=args.account_id,
                             region=args.region, strict=args.strict, seed=args.seed, log_requests=args.verbose)
    except ValueError as exc:
        print(f"sagemock server: {exc}", file=sys.stderr)
        return 2
    try:
        srv.start()
    except StateFileError as exc:
        print(f"sagemock server: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"sagemock server: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1

    def terminate(_signum: int, _frame: Any) -> None:
        # SIGTERM (docker stop, a supervisor, Popen.terminate) stops as cleanly as Ctrl-C.
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        # The URL alone on the first line of stdout, so scripts (and port 0 users) can read it.
        print(srv.url, flush=True)
        print(f"sagemock {__version__}: SageMaker on {srv.url} (account {srv.config.account_id}, "
              f"region {srv.config.region}, {len(backend.implemented())} operations"
              f"{', strict' if srv.config.strict else ''}); Ctrl-C to stop", file=sys.stderr, flush=True)
        srv.serve_until_interrupted()
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()
        signal.signal(signal.SIGTERM, previous)
    print("sagemock server: stopped", file=sys.stderr, flush=True)
    return 0


# -- the command ------------------------------------------------------------------------------------

def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="sagemock", description="An in-memory Amazon SageMaker for tests.")
    root.add_argument("--version", action="version", version=version_text())
    commands = root.add_subparsers(dest="command", metavar="command")

    server = commands.add_parser("server", help="serve SageMaker over HTTP until Ctrl-C",
                                 description="Serve SageMaker's API over HTTP for the AWS CLI and other SDKs. "
                                             "Prints the endpoint URL on the first line of stdout.")
    server.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default: 127.0.0.1; the server has no authentication)")
    server.add_argument("--port", type=int, default=5000, help="port to bind; 0 picks a free one (default: 5000)")
    server.add_argument("--state-file", metavar="PATH", default=None,
                        help="keep the state in this JSON file: loaded at start, rewritten atomically "
                             "before each write is answered")
    server.add_argument("--account-id", default=DEFAULT_ACCOUNT,
                        help=f"account for access key ids that are not twelve digits (default: {DEFAULT_ACCOUNT})")
    server.add_argument("--region", default=DEFAULT_REGION,
                        help=f"region for unsigned requests (default: {DEFAULT_REGION})")
    server.add_argument("--strict", action=argparse.BooleanOptionalAction, default=None,
                        help="check every response against its output shape (default: SAGEMOCK_STRICT)")
    server.add_argument("--seed", type=int, default=None, help="seed for generated ids")
    server.add_argument("-v", "--verbose", action="store_true", help="log every request to stderr")
    server.set_defaults(func=_server)

    listing = commands.add_parser("coverage", help="list the SageMaker operations sagemock implements")
    listing.add_argument("--markdown", action="store_true",
                         help=f"print the table of docs/coverage.md ({coverage.REGENERATE})")
    listing.set_defaults(func=_coverage)

    lifecycles = commands.add_parser("lifecycles", help="print status machines as Mermaid state diagrams",
                                     description="Print each resource kind's status machine, drawn from its "
                                                 "Lifecycle declaration, as a Mermaid state diagram.")
    lifecycles.add_argument("kinds", nargs="*", metavar="KIND", help="only these kinds (e.g. training-job)")
    lifecycles.set_defaults(func=_lifecycles)

    lineage = commands.add_parser("lineage", help="draw the lineage graph a snapshot holds",
                                  description="Draw the lineage graph (associations and the entities they join) "
                                              "of a snapshot: mock.snapshot() saved as JSON, or a server's "
                                              "--state-file.")
    lineage.add_argument("snapshot", metavar="SNAPSHOT", help="a snapshot's JSON file, or a state file")
    lineage.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    lineage.set_defaults(func=_lineage)

    derive = commands.add_parser("derive", help="print what the botocore model gives a declared resource",
                                 description="Print what sagemock's declared-resource engine reads from the "
                                             "installed botocore model for a resource noun (ProcessingJob): its "
                                             "operations, identifier, ARN, status, echoed members, List filters, "
                                             "sorts and summary, and what a declaration must add.")
    derive.add_argument("noun", metavar="NOUN", help="the resource noun, as operations name it (ProcessingJob)")
    derive.add_argument("--kind", default=None, help="the ARN resource type, where the ARN pattern names none")
    derive.add_argument("--list-operation", default=None, help="the List operation, where not List<Noun>s")
    derive.add_argument("--wrapped", default=None, help="the member of the Describe answer that holds the resource, "
                                                        "where Describe answers it inside one")
    derive.set_defaults(func=_derive)

    version = commands.add_parser("version", help="print the versions of sagemock, botocore and Python")
    version.set_defaults(func=_version)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    root = parser()
    args = root.parse_args(argv)
    if args.command is None:
        root.print_help(sys.stderr)
        return 2
    return int(args.func(args))


__all__ = ["main", "parser"]
