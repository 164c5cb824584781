"""IMAP polling: each e-mail inbox with a mailbox is read by one node at a time.

A node takes an inbox by a lease in ``email_imap_state`` (single-flight, like the outbox's
claims: a node that dies lets its lease run out and another takes over). Holding it, the
node logs in, selects the folder and hands every message with a UID above the stored last
UID to ``intake.do_intake`` (the API intake's parser, dedup by Message-ID and threading),
storing the last UID after each batch of ``FETCH_BATCH``: a restart resumes where it
stopped, nothing is missed, and what a crash inside a batch makes it read again is
recognised by its Message-ID and not stored twice. When the folder's UIDVALIDITY changes (the mailbox was rebuilt, its UIDs mean
something else), it reads the folder again from the start; the Message-ID dedup keeps
messages already stored from being stored twice. Between rounds it waits in IDLE where the
server has it (woken by new mail), else ``poll_seconds``. Messages are fetched with
``BODY.PEEK[]``: the mailbox's \\Seen flags stay as the people using it left them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import re
import socket
from dataclasses import dataclass
from datetime import timedelta

import aioimaplib  # type: ignore[import-untyped]
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from hovor.channels.base import DeliveryFailed, InboxRef
from hovor.channels.email.files import EmailFiles
from hovor.channels.email.intake import do_intake_many
from hovor.channels.email.models import ImapState
from hovor.channels.email.service import KIND
from hovor.channels.inboxes.models import Inbox
from hovor.channels.inboxes.service import ref
from hovor.core import clock
from hovor.core.ids import new_id
from hovor.db.transaction import Database

log = logging.getLogger(__name__)


_UIDVALIDITY = re.compile(rb"\[UIDVALIDITY (\d+)\]")
_FETCH_UID = re.compile(rb"UID (\d+)")
FETCH_BATCH = 50  # messages per UID FETCH command (and per stored UID)


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    tls: str  # one of TLS_MODES
    user: str
    password: str
    folder: str


def imap_config(inbox: InboxRef) -> ImapConfig | None:
    """The inbox's mailbox, or None for an inbox that only takes forwarded mail."""
    config = inbox.config
    if not config.get("imap_host"):
        return None
    return ImapConfig(
        host=str(config["imap_host"]),
        port=int(config.get("imap_port") or 993),
        tls=str(config.get("imap_tls") or "ssl"),
        user=str(config.get("imap_user") or ""),
        password=str(config.get("imap_password") or ""),
        folder=str(config.get("imap_folder") or "INBOX"),
    )


async def connect(config: ImapConfig, wait_seconds: float = 10.0) -> aioimaplib.IMAP4:
    """Logged in; ``DeliveryFailed`` with what went wrong otherwise."""
    cls = aioimaplib.IMAP4_SSL if config.tls == "ssl" else aioimaplib.IMAP4
    try:
        client = cls(host=config.host, port=config.port, timeout=wait_seconds)
        await client.wait_hello_from_server()
        answer = await client.login(config.user, config.password)
    except (OSError, TimeoutError, socket.gaierror, aioimaplib.Abort) as exc:
        reason = f"cannot reach {config.host}:{config.port}: {exc or type(exc).__name__}"
        raise DeliveryFailed(reason) from exc
    if answer.result != "OK":
        await logout(client)
        raise DeliveryFailed(f"login refused: {_text(answer.lines)}", permanent=True)
    return client


async def select_folder(client: aioimaplib.IMAP4, folder: str) -> tuple[int, int]:
    """Select ``folder``: its UIDVALIDITY and how many messages it holds."""
    answer = await client.select(folder)
    if answer.result != "OK":
        raise DeliveryFailed(f"cannot open folder {folder!r}: {_text(answer.lines)}")
    found = next((m for line in answer.lines if (m := _UIDVALIDITY.search(line))), None)
    if found is None:
        raise DeliveryFailed(f"the server gave folder {folder!r} no UIDVALIDITY")
    return int(found.group(1)), aioimaplib.extract_exists(answer) or 0


async def new_uids(client: aioimaplib.IMAP4, after: int) -> list[int]:
    """UIDs above ``after``, oldest first (``n:*`` also answers the last UID when no newer)."""
    answer = await client.uid_search(f"UID {after + 1}:*", charset=None)
    if answer.result != "OK":
        raise DeliveryFailed(f"UID SEARCH failed: {_text(answer.lines)}")
    uids = [int(u) for line in answer.lines[:-1] for u in line.split() if u.isdigit()]
    return sorted(u for u in set(uids) if u > after)


async def fetch(client: aioimaplib.IMAP4, uids: list[int]) -> dict[int, bytes]:
    """The raw messages with these UIDs, by UID, in one command (an expunged one is absent)."""
    answer = await client.uid("fetch", ",".join(map(str, uids)), "(UID BODY.PEEK[])")
    if answer.result != "OK":
        raise DeliveryFailed(f"UID FETCH failed: {_text(answer.lines)}")
    found: dict[int, bytes] = {}
    lines = answer.lines[:-1]
    for before, line in itertools.pairwise(lines):
        uid = _FETCH_UID.search(before) if not isinstance(before, bytearray) else None
        if isinstance(line, bytearray) and uid is not None:
            found[int(uid.group(1))] = bytes(line)
    return found


async def logout(client: aioimaplib.IMAP4) -> None:
    with contextlib.suppress(Exception):
        await asyncio.wait_for(client.logout(), 5)


def _text(lines: list[bytes]) -> str:
    return " ".join(bytes(line).decode("utf-8", "replace") for line in lines)[:300]


class ImapPoller:
    """One per node: takes free e-mail inboxes with a mailbox and reads them."""

    def __init__(
        self,
        db: Database,
        *,
        node_id: str | None = None,
        poll_seconds: float = 30.0,
        lease: timedelta = timedelta(seconds=90),
        files: EmailFiles | None = None,
    ) -> None:
        self._db = db
        self._files = files
        self._node = node_id or f"{socket.gethostname()[:40]}:{os.getpid()}:{new_id()[-8:]}"
        self._poll = poll_seconds
        self._lease = lease
        self._serving: dict[str, asyncio.Task[None]] = {}
        self._task: asyncio.Task[None] | None = None
        self.received = 0  # messages handed to the intake by this node (for the bench)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="hovor-imap")

    async def close(self) -> None:
        tasks = [t for t in (self._task, *self._serving.values()) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._task, self._serving = None, {}
        await self._release_all()

    async def _run(self) -> None:
        while True:
            try:
                await self.take_free_inboxes()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("IMAP round failed")
            await asyncio.sleep(min(self._poll, self._lease.total_seconds() / 3))

    async def take_free_inboxes(self) -> None:
        async with self._db.read() as session:
            inboxes = [
                ref(i) for i in await session.scalars(select(Inbox).where(Inbox.kind == KIND))
            ]
        for inbox in inboxes:
            running = self._serving.get(inbox.id)
            if running is not None and not running.done():
                continue
            config = imap_config(inbox)
            if config is not None and await self._hold(inbox):
                self._serving[inbox.id] = asyncio.create_task(self._serve(inbox, config))

    async def _hold(self, inbox: InboxRef) -> bool:
        """Take or renew this node's lease on the inbox; False when another node holds it."""
        now = clock.now()
        async with self._db.transaction() as tx:
            taken = await tx.session.execute(
                update(ImapState)
                .where(
                    ImapState.inbox_id == inbox.id,
                    or_(
                        ImapState.holder.is_(None),
                        ImapState.holder == self._node,
                        ImapState.held_until < now,
                    ),
                )
                .values(holder=self._node, held_until=now + self._lease, updated_at=now)
            )
            if taken.rowcount:  # type: ignore[attr-defined]
                return True
            if await tx.session.get(ImapState, inbox.id) is not None:
                return False
        try:
            async with self._db.transaction() as tx:
                tx.session.add(
                    ImapState(
                        inbox_id=inbox.id,
                        workspace_id=inbox.workspace_id,
                        last_uid=0,
                        holder=self._node,
                        held_until=now + self._lease,
                        updated_at=now,
                    )
                )
        except IntegrityError:
            return False  # another node created it a moment ago
        return True

    async def _release_all(self) -> None:
        async with self._db.transaction() as tx:
            await tx.session.execute(
                update(ImapState)
                .where(ImapState.holder == self._node)
                .values(holder=None, held_until=None)
            )

    async def _serve(self, inbox: InboxRef, config: ImapConfig) -> None:
        """Read the mailbox while holding the lease; any failure ends it (retried next round)."""
        client: aioimaplib.IMAP4 | None = None
        try:
            client = await connect(config)
            while True:
                await self.sync(client, inbox, config.folder)
                if not await self._hold(inbox):
                    return
                await self._wait(client)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            reason = exc.reason if isinstance(exc, DeliveryFailed) else repr(exc)
            log.warning("IMAP inbox %s: %s", inbox.id, reason)
            await self._record_error(inbox.id, reason)
        finally:
            if client is not None:
                await logout(client)

    async def _wait(self, client: aioimaplib.IMAP4) -> None:
        """Until the server says something changed (IDLE) or a poll interval passed."""
        timeout = min(self._poll, self._lease.total_seconds() / 3)
        if not client.has_capability("IDLE"):
            await asyncio.sleep(timeout)
            return
        idle = await client.idle_start(timeout=timeout)
        with contextlib.suppress(TimeoutError):
            await client.wait_server_push(timeout=timeout + 1)
        client.idle_done()
        await asyncio.wait_for(idle, 10)

    async def sync(self, client: aioimaplib.IMAP4, inbox: InboxRef, folder: str) -> int:
        """Hand every message above the stored UID to the intake; how many were handed."""
        uidvalidity, _ = await select_folder(client, folder)
        async with self._db.read() as session:
            state = await session.get(ImapState, inbox.id)
        last_uid = state.last_uid if state is not None else 0
        if state is not None and state.uidvalidity not in (None, uidvalidity):
            log.warning("IMAP inbox %s: UIDVALIDITY changed; reading the folder again", inbox.id)
            last_uid = 0
        await self._record(inbox.id, uidvalidity, last_uid)
        handed = 0
        uids = await new_uids(client, last_uid)
        for start in range(0, len(uids), FETCH_BATCH):
            batch = uids[start : start + FETCH_BATCH]
            raws = await fetch(client, batch)  # an expunged one is absent
            handed += await do_intake_many(
                self._db, inbox, [raws[u] for u in batch if u in raws], self._files
            )
            # After each batch: a crash inside one re-reads at most that batch, and the
            # Message-ID dedup stores none of it twice.
            await self._record(inbox.id, uidvalidity, batch[-1])
        self.received += handed
        return handed

    async def _record(self, inbox_id: str, uidvalidity: int, last_uid: int) -> None:
        async with self._db.transaction() as tx:
            await tx.session.execute(
                update(ImapState)
                .where(ImapState.inbox_id == inbox_id)
                .values(
                    uidvalidity=uidvalidity,
                    last_uid=last_uid,
                    last_error=None,
                    updated_at=clock.now(),
                )
            )

    async def _record_error(self, inbox_id: str, reason: str) -> None:
        with contextlib.suppress(Exception):
            async with self._db.transaction() as tx:
                await tx.session.execute(
                    update(ImapState)
                    .where(ImapState.inbox_id == inbox_id)
                    .values(last_error=reason[:500], updated_at=clock.now())
                )
