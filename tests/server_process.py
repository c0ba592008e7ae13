"""`sagemock server` in a process of its own, as a user starts it, for the tests that need one."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import botocore.config

#: Credentials for clients of the server: any work, the server checks no signatures.
CLIENT_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


class ServerProcess:
    """`python -m sagemock server --port 0 ...`, its URL read from the first line it prints."""

    def __init__(self, *arguments: str | os.PathLike[str]):
        self.arguments = [str(argument) for argument in arguments]
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self) -> ServerProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sagemock", "server", "--port", "0", *self.arguments],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.process.kill()
            _, err = self.process.communicate(timeout=10)
            raise RuntimeError(f"sagemock server did not start: {err}")
        return self

    def client(self, **config: Any) -> Any:
        return boto3.client("sagemaker", endpoint_url=self.url, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing",
                            config=botocore.config.Config(**config) if config else None)

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str]:
        """Send `sig` and wait: (exit code, what it printed on stderr)."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        _, err = self.process.communicate(timeout=30)
        return self.process.returncode, err

    def wait(self, timeout: float = 30) -> tuple[int, str]:
        """Wait for a server that was told to stop (without telling it again): (exit code, stderr)."""
        assert self.process is not None
        _, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, err

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.stop()


def state_file_in(directory: Path) -> Path:
    return directory / "state.json"


#: The two kinds of state file: an SQLite database (what a new file becomes) and a JSON snapshot
#: (a file sagemock wrote before, which stays one).
MEDIA = ("sqlite", "json")
_EMPTY_SNAPSHOT = '{"format": "sagemock-state", "version": 3, "stores": []}'


def new_state_file(directory: Path, medium: str) -> Path:
    """A state file path the server will use as `medium`: a new SQLite database, or an existing
    JSON snapshot file (holding an empty state)."""
    if medium == "sqlite":
        return directory / "state.db"
    path = directory / "state.json"
    path.write_text(_EMPTY_SNAPSHOT, encoding="utf-8")
    return path


def durable_stores(path: Path) -> list[dict[str, Any]]:
    """What the state file holds, as a snapshot's decoded stores, read as a user would: the rows
    of the SQLite database, or the JSON document."""
    import sqlite3

    from sagemock.core import snapshot
    from sagemock.sqlite_state import is_database

    if not is_database(path):
        decoder = snapshot._Decoder()
        return [decoder.decode_store(store) for store in json.loads(path.read_text(encoding="utf-8"))["stores"]]
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT account, region, collection, key, value FROM entries").fetchall()
    finally:
        connection.close()
    stores: dict[tuple[str, str], dict[str, Any]] = {}
    for account, region, collection, key, value in rows:
        store = stores.setdefault((account, region), {"account": account, "region": region, "families": {}})
        if "." in collection:
            family, attribute = collection.split(".", 1)
            store["families"].setdefault(family, {}).setdefault(attribute, {})[key] = json.loads(value)
    return list(stores.values())


def saved_keys(path: Path, family: str, table: str) -> list[str]:
    """The keys of a family's table the state file holds (`Registry`, `groups`, say)."""
    return sorted(key for store in durable_stores(path) for key in store["families"].get(family, {}).get(table, {}))


def clients_of(url: str, *service_names: str, account: str = "123456789012", region: str = "us-east-1") -> list[Any]:
    """boto3 clients of `service_names` sent to a server at `url`, as account `account` (the access
    key names the account: the server checks no signatures)."""
    return [boto3.client(name, region_name=region, endpoint_url=url, aws_access_key_id=account,
                         aws_secret_access_key="sagemock") for name in service_names]
