"""``hovor knowledge import``: a real process on a SQLite file; a bad folder or workspace is
one line on stderr and exit code 2, with nothing written."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import hovor

HELP_CENTER = Path(__file__).resolve().parents[1] / "data" / "help_center"


def test_import_the_demo_help_center_twice(tmp_path: Path) -> None:
    env = {
        "HOVOR_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db",
        "HOVOR_NEW_PASSWORD": "a-long-password",
    }
    missing = hovor("knowledge", "import", str(HELP_CENTER), "--workspace", "Shop", env=env)
    assert missing.returncode == 2
    assert missing.stderr.strip() == (
        "hovor: --workspace: no workspace named 'Shop' (there are: none)"
    )
    assert hovor("create-user", "a@example.org", "--workspace", "Shop", env=env).returncode == 0

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.md").write_text("---\nid: a\nslug: Not A Slug\n---\nbody\n")
    done = hovor("knowledge", "import", str(bad), "--workspace", "Shop", env=env)
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("hovor: a.md: slug: String should match pattern")

    first = hovor("knowledge", "import", str(HELP_CENTER), "--workspace", "Shop", env=env)
    assert first.returncode == 0, first.stderr
    assert "imported 104 articles (164 translations: 164 new, 0 changed, 0 unchanged)" in (
        first.stdout
    )
    again = hovor("knowledge", "import", str(HELP_CENTER), "--workspace", "Shop", env=env)
    assert "(164 translations: 0 new, 0 changed, 164 unchanged)" in again.stdout
