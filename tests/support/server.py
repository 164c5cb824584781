"""A real Hovor server process for integration and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

DEMO_PASSWORD = "demo-password-1"
DEMO_SITE_KEY = "pk_demo_shop"
ADMIN = "admin@demo.hovor.dev"
ALICE = "alice@demo.hovor.dev"
BOB = "bob@demo.hovor.dev"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    base_url: str
    ws_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    database_url: str
    env: dict[str, str]

    @property
    def origin(self) -> str:
        return self.base_url

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def run_server(
    tmp_dir: Path,
    *,
    database_url: str,
    redis_url: str | None = None,
    port: int | None = None,
    workers: int = 1,
) -> Iterator[ServerProcess]:
    port = port or free_port()
    env = {
        **os.environ,
        "HOVOR_DATABASE_URL": database_url,
        "HOVOR_HOST": "127.0.0.1",
        "HOVOR_PORT": str(port),
        "HOVOR_SECRET_KEY": "test-secret-key-for-integration",
        "HOVOR_DEMO_PASSWORD": DEMO_PASSWORD,
        "HOVOR_DEMO_HISTORY_DAYS": "0",  # no simulated history: its rules would make offers
        "HOVOR_LOG_LEVEL": "warning",
    }
    env.pop("HOVOR_REDIS_URL", None)
    if redis_url:
        env["HOVOR_REDIS_URL"] = redis_url
    log_path = tmp_dir / f"server-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "hovor.cli", "run", "--demo", "--workers", str(workers)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = ServerProcess(
        f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}", process, log_path, database_url, env
    )
    try:
        _wait_ready(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(server: ServerProcess, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.log()}")
        try:
            if httpx.get(server.base_url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server not ready in {timeout} s:\n{server.log()}")
