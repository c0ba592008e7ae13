"""`sagemock server` in a process of its own, as a user starts it, for the tests that need one."""
from __future__ import annotations

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
