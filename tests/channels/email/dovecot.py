"""A real Dovecot IMAP server on a loopback port, with a throwaway config and one
passwd-file user, for the IMAP poller's tests (Debian ``dovecot-imapd``; no systemd).

Messages are put in with IMAP APPEND, as a mail server's delivery would leave them.
"""

from __future__ import annotations

import contextlib
import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.server import free_port
from tests.support.services import IN_CI

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "shop", "tajne-heslo"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:{root}/mail/%u
default_internal_user = {internal}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""


@dataclass
class Dovecot:
    port: int
    user: str = USER
    password: str = PASSWORD

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port)
        client.login(self.user, self.password)
        return client

    def append(self, raw: bytes, folder: str = "INBOX") -> int:
        """APPEND the message; its UID."""
        client = self.client()
        try:
            status, data = client.append(folder, None, None, raw)
            assert status == "OK", data
            return int(data[0].split(b"APPENDUID ")[1].split(b" ")[1].rstrip(b"]"))
        finally:
            client.logout()

    def recreate(self, folder: str) -> None:
        """Delete and create the folder again: it gets a new UIDVALIDITY, UIDs from 1."""
        client = self.client()
        try:
            client.delete(folder)
            status, data = client.create(folder)
            assert status == "OK", data
        finally:
            client.logout()


def _users() -> tuple[str, str, str, str]:
    """internal, login and mail users: Dovecot's own when run as root, else ourselves."""
    if os.geteuid() == 0:
        return "dovecot", "dovenull", "dovecot", "dovecot"
    me = pwd.getpwuid(os.geteuid()).pw_name
    return me, me, me, me


@contextlib.contextmanager
def dovecot_server() -> Iterator[Dovecot]:
    if not Path(DOVECOT).exists():
        message = "dovecot is not installed (apt-get install dovecot-imapd)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    root = Path(tempfile.mkdtemp(prefix="hovor-dovecot-"))
    root.chmod(0o755)  # Dovecot's unprivileged processes read the passwd file, own the mail
    internal, login, mail_user, mail_group = _users()
    port = free_port()
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    for name in ("mail", "home"):
        (root / name).mkdir()
        shutil.chown(root / name, mail_user, mail_group)
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(
            root=root,
            port=port,
            internal=internal,
            login=login,
            mail_user=mail_user,
            mail_group=mail_group,
        )
    )
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        _wait_listening(port, process, root)
        yield Dovecot(port)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


def _wait_listening(port: int, process: subprocess.Popen[bytes], root: Path) -> None:
    """Until Dovecot answers a login (it is a separate process: nothing else announces it)."""
    deadline = time.monotonic() + 15
    while True:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            raise AssertionError(f"dovecot exited: {output} {log}")
        try:
            client = imaplib.IMAP4("127.0.0.1", port, timeout=2)
            client.login(USER, PASSWORD)
            client.logout()
            return
        except (OSError, imaplib.IMAP4.error):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
