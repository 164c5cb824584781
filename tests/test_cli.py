"""The ``hovor`` command: configuration errors are one clear line, users can be created."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError


def hovor(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hovor.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_invalid_settings_name_each_variable(tmp_path: Path) -> None:
    done = hovor(
        "migrate",
        env={
            "HOVOR_PORT": "0",
            "HOVOR_LOG_LEVEL": "verbose",
            "HOVOR_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db",
        },
    )
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("hovor: invalid configuration: ")
    assert "HOVOR_PORT: Input should be greater than or equal to 1" in line
    assert "HOVOR_LOG_LEVEL" in line
    done = hovor("migrate", env={"HOVOR_DATABASE_URL": "mysql://db/hovor"})
    assert done.returncode == 2 and "HOVOR_DATABASE_URL" in done.stderr


def test_a_channel_plugin_that_does_not_load_stops_the_server_in_one_line(tmp_path: Path) -> None:
    done = hovor(
        "run",
        env={
            "HOVOR_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db",
            "HOVOR_CHANNEL_ADAPTERS": "tests.channels.echo.adapter:create, no_such.module:make",
        },
    )
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("hovor: HOVOR_CHANNEL_ADAPTERS: cannot load 'no_such.module:make'")


def test_create_user_then_refuse_a_duplicate(tmp_path: Path) -> None:
    env = {
        "HOVOR_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db",
        "HOVOR_NEW_PASSWORD": "a-long-password",
    }
    done = hovor("create-user", "ops@example.org", "--role", "admin", "--workspace", "Ops", env=env)
    assert done.returncode == 0, done.stderr
    assert "created admin ops@example.org in workspace 'Ops'" in done.stdout
    again = hovor("create-user", "ops@example.org", env=env)
    assert again.returncode == 2
    assert again.stderr.strip() == "hovor: a user with e-mail ops@example.org exists already"
    short = hovor("create-user", "x@example.org", env={**env, "HOVOR_NEW_PASSWORD": "short"})
    assert short.returncode == 2 and "password: at least 8 characters" in short.stderr


def test_websocket_compression_is_off_unless_asked_for(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    from hovor import cli
    from hovor.config import Settings

    monkeypatch.delenv("HOVOR_WS_COMPRESSION", raising=False)
    assert Settings().ws_compression is False
    monkeypatch.setenv("HOVOR_WS_COMPRESSION", "true")
    assert Settings().ws_compression is True
    monkeypatch.setenv("HOVOR_WS_COMPRESSION", "maybe")
    with pytest.raises(ValidationError, match="ws_compression"):
        Settings()

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(cli, "cmd_migrate", lambda settings: None)
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    url = f"sqlite+aiosqlite:///{tmp_path}/x.db"
    cli.cmd_run(Settings(database_url=url, ws_compression=False), demo=False)
    cli.cmd_run(Settings(database_url=url, ws_compression=True), demo=False)
    assert [c["ws_per_message_deflate"] for c in calls] == [False, True]
