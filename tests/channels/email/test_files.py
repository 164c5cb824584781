"""An e-mail's attachments and HTML are kept with its message, within the size limits."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select

from hovor.channels.attachments import storage
from hovor.channels.attachments.models import Attachment
from hovor.channels.email.files import NO_STORAGE, TOO_LARGE, EmailFiles, email_parts, plan
from hovor.channels.email.intake import do_intake
from hovor.channels.email.parse import parse_email
from hovor.db.transaction import Database
from tests.channels.email.intake_support import ADDRESS, make_inbox, messages
from tests.channels.email.test_parse import fixture
from tests.support.factories import make_team

PDF = b"%PDF-1.4\n" + b"0" * 991  # 1,000 bytes


def with_files(*files: tuple[str, bytes], html: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = "Jana <jana@example.cz>"
    message["To"] = ADDRESS
    message["Subject"] = "Soubory"
    message.set_content("Posílám soubory.")
    if html is not None:
        message.add_alternative(html, subtype="html")
    for name, data in files:
        message.add_attachment(data, "application", "pdf", filename=name)
    return message.as_bytes()


def unfinished(folder: Path) -> list[Path]:
    return list(folder.rglob("*.part"))


def test_a_file_over_the_limit_and_files_past_the_mails_total_are_not_stored(
    tmp_path: Path,
) -> None:
    raw = with_files(("a.pdf", PDF), ("big.pdf", PDF * 3), ("b.pdf", PDF), ("c.pdf", PDF))
    email = parse_email(raw)
    chosen = plan(email, EmailFiles(tmp_path, max_file_bytes=2_000, max_mail_bytes=2_500))
    assert [a.filename for a in chosen.kept] == ["a.pdf", "b.pdf"]
    assert [(a.filename, why) for a, why in chosen.skipped] == [
        ("big.pdf", TOO_LARGE),
        ("c.pdf", TOO_LARGE),  # 1,000 + 1,000 stored; a third would pass 2,500
    ]
    assert [why for _, why in plan(email, None).skipped] == [NO_STORAGE] * 4


async def test_intake_stores_the_files_and_the_html_once(db: Database, tmp_path: Path) -> None:
    team = await make_team(db, agents=1)
    inbox = await make_inbox(db, team.workspace.id)
    files = EmailFiles(tmp_path, max_file_bytes=2_000, max_mail_bytes=10_000)
    raw = with_files(
        ("faktura.pdf", PDF),
        ("archiv.pdf", PDF * 3),
        html="<p onclick=x>Posílám <b>soubory</b>.</p>",
    )
    got = await do_intake(db, inbox, raw, files=files)
    again = await do_intake(db, inbox, raw, files=files)  # the mailbox read again
    assert got.created and not again.created

    [message] = await messages(db, team.workspace.id)
    assert message.body.endswith(
        "📎 faktura.pdf (1000 B)\n📎 archiv.pdf (3 KB) — not stored: too large"
    )
    async with db.read() as session:
        [row] = (await session.scalars(select(Attachment))).all()
        [part] = await email_parts(session, got.conversation_id, secret="s", origin="http://h")
    assert (row.filename, row.content_type, row.size, row.message_id) == (
        "faktura.pdf",
        "application/pdf",
        1000,
        message.id,
    )
    assert await storage.read_file(tmp_path, row) == PDF  # finished: no .part left
    assert not unfinished(tmp_path)
    assert part.html == "<p>Posílám <b>soubory</b>.</p>"
    assert [f.attachment.id for f in part.files] == [row.id]
    assert part.files[0].url.startswith(f"http://h/v1/widget/attachments/{row.id}/file?expires=")
    assert part.skipped == [
        {
            "filename": "archiv.pdf",
            "content_type": "application/pdf",
            "size": 3000,
            "reason": TOO_LARGE,
        }
    ]


async def test_an_inline_image_is_stored_with_its_content_id(db: Database, tmp_path: Path) -> None:
    team = await make_team(db, agents=1)
    inbox = await make_inbox(db, team.workspace.id)
    files = EmailFiles(tmp_path, max_file_bytes=10_000, max_mail_bytes=10_000)
    got = await do_intake(db, inbox, fixture("inline_cid_image.eml"), files=files)
    async with db.read() as session:
        [part] = await email_parts(session, got.conversation_id, secret="s", origin="")
    [image] = part.files
    assert image.attachment.content_id == "part1.4C8A2F@mail.example.cz"
    assert part.html is not None and 'src="cid:part1.4C8A2F@mail.example.cz"' in part.html
