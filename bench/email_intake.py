"""IMAP intake on SQLite: messages read from a real Dovecot folder and stored, per second.

A folder of ``MESSAGES`` distinct customer mails (a third of them replies threading into
earlier ones) is filled with IMAP APPEND beforehand; the measured part is one poller round
over it: UID SEARCH, a ``UID FETCH BODY.PEEK[]`` per message, parsing, dedup by Message-ID,
threading, the shared inbound path and the stored UID after each message. Target (issue 15):
``imap_messages_per_second`` >= 200.
"""

from __future__ import annotations

import os
import tempfile
import time
from email.utils import make_msgid

from bench.report import Metric, report
from hovor.auth import service as auth
from hovor.channels.email import imap_poller
from hovor.channels.email.imap_poller import ImapPoller
from hovor.core.dispatch import Dispatcher
from hovor.db.migrate import upgrade_async
from hovor.db.transaction import Database
from tests.channels.email.dovecot import dovecot_server
from tests.channels.email.intake_support import mail, make_inbox, messages

MESSAGES = int(os.environ.get("BENCH_IMAP_MESSAGES", "1000"))
FOLDER = "Bench"


def _mails() -> list[bytes]:
    raws: list[bytes] = []
    ids: list[str] = []
    for i in range(MESSAGES):
        message_id = make_msgid(domain="example.cz")
        headers = {"In-Reply-To": ids[i - 2]} if i % 3 == 2 else {}
        raws.append(
            mail(
                f"Dobrý den, dotaz číslo {i}: kdy dorazí objednávka {10_000 + i}?",
                sender=f"zakaznik{i % 200}@example.cz",
                subject=f"Objednávka {10_000 + i}",
                headers=headers,
                message_id=message_id,
            )
        )
        ids.append(message_id)
    return raws


async def run() -> bool:
    with tempfile.TemporaryDirectory() as tmp, dovecot_server() as dovecot:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        await upgrade_async(url)
        db = Database(url, Dispatcher())
        try:
            async with db.transaction() as tx:
                workspace = await auth.do_create_workspace(tx, "Bench")
            client = dovecot.client()
            client.create(FOLDER)
            for raw in _mails():
                client.append(FOLDER, None, None, raw)
            client.logout()
            inbox = await make_inbox(
                db,
                workspace.id,
                imap_host="127.0.0.1",
                imap_port=str(dovecot.port),
                imap_tls="none",
                imap_user=dovecot.user,
                imap_password=dovecot.password,
                imap_folder=FOLDER,
            )
            config = imap_poller.imap_config(inbox)
            assert config is not None
            poller = ImapPoller(db)
            connection = await imap_poller.connect(config)
            assert await poller._hold(inbox)
            started = time.perf_counter()
            handed = await poller.sync(connection, inbox, FOLDER)
            elapsed = time.perf_counter() - started
            await imap_poller.logout(connection)
            await poller.close()
            stored = len(await messages(db, workspace.id))
        finally:
            await db.dispose()
    assert handed == stored == MESSAGES, (handed, stored)
    return report(
        "email_intake",
        [Metric("imap_messages_per_second", MESSAGES / elapsed, "msg/s", ">= 200")],
        notes=f"{MESSAGES} messages from Dovecot into SQLite in {elapsed:.2f} s",
    )
