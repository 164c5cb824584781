"""The docs name only what exists.

README.md and every page under docs/ are read as Markdown and checked against the code:

- relative links between the files, and their ``#anchors`` (GitHub's heading slugs);
- ``make <target>`` in code (inline, or a shell or untagged block) against the Makefile;
- ``hovor <command>`` (one space: aligned columns of a config file are not commands) in
  code against the CLI's sub-commands (from ``hovor --help``);
- ``HOVOR_*`` names (not ``$HOVOR_X``, a shell variable of the reader's) against ``config.Settings``'s fields and the variables the code reads
  from the environment directly (``HOVOR_NEW_PASSWORD``, the tests' ``HOVOR_TEST_*``);
- endpoints written ``METHOD /v1/...`` against the app's OpenAPI schema, path parameters
  matched by shape (``{id}`` in a doc stands for any parameter of the route).

Each problem names the file, the line and what is missing. The checker is plain functions
over files, so the tests at the end feed it a broken sample to show each kind can fail.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
HTML_ANCHOR = re.compile(r"<a\s[^>]*\b(?:id|name)=\"([^\"]+)\"")
LINK = re.compile(r"!?\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
MAKE = re.compile(r"(?<![\w./-])make\s+(?:[A-Z_][A-Z0-9_]*=\S*\s+)*([a-z][\w.-]*)")
HOVOR = re.compile(r"(?<![\w.=-])(?<!from )(?<!import )hovor ([a-z][\w-]*)")
SETTING = re.compile(r"(?<![\w$])(?<!\$\{)HOVOR_[A-Z0-9_]*[A-Z0-9]\b")
SHELL_BLOCKS = frozenset({"", "sh", "bash", "shell", "console"})
ENDPOINT = re.compile(
    rf"\b((?:{'|'.join(METHODS)})(?:/(?:{'|'.join(METHODS)}))*)\s+(/v1/[^\s`)|,\"'<>]*)"
)
ENV_READ = re.compile(r"(?:environ\.get\(|environ\[|getenv\()\s*\"(HOVOR_[A-Z0-9_]+)\"")


@dataclass(frozen=True)
class Known:
    """What exists in the code, for the docs to be checked against."""

    make_targets: frozenset[str]
    commands: frozenset[str]
    settings: frozenset[str]
    endpoints: frozenset[tuple[str, str]]  # (method, path as the app declares it)


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    fenced: bool  # inside a fenced code block
    prose: str  # the line without its code spans (empty inside a fenced block)
    code: tuple[str, ...]  # its code spans, or the whole line inside a fenced block


def read_lines(text: str) -> Iterator[Line]:
    """Lines with their prose and code apart; a code block in another language than the
    shell's (html, json, python, ...) holds no commands."""
    fenced, shell = False, False
    for number, raw in enumerate(text.splitlines(), 1):
        fence = FENCE.match(raw)
        if fence:
            fenced = not fenced
            shell = raw[fence.end() :].strip().lower() in SHELL_BLOCKS
        elif fenced:
            yield Line(number, raw, True, "", (raw,) if shell else ())
        else:
            spans = tuple(m.group(2) for m in CODE_SPAN.finditer(raw))
            yield Line(number, raw, False, CODE_SPAN.sub(" ", raw), spans)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: the rendered text, lower case, punctuation dropped."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link shows its text
    text = re.sub(r"<[^>]+>", "", text).replace("`", "").replace("*", "")
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every anchor a Markdown file offers: heading slugs (repeats get -1, -2, ...) and
    explicit ``<a id>``/``<a name>``."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for line in (line for line in read_lines(text) if not line.fenced):
        found.update(HTML_ANCHOR.findall(line.text))
        heading = HEADING.match(line.text)
        if heading:
            base = slug(heading.group(1))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def route_matches(doc_path: str, route_path: str) -> bool:
    """Whether a path as a doc writes it names the route: same literal segments; a doc's
    ``{x}``, ``<x>`` or ``:x`` (or an example value) stands where the route has a parameter."""
    doc, route = doc_path.strip("/").split("/"), route_path.strip("/").split("/")
    for i, part in enumerate(route):
        if part.startswith("{") and part.endswith(":path}"):
            return len(doc) > i
        if i >= len(doc):
            return False
        if part.startswith("{"):
            continue
        if doc[i] != part:
            return False
    return len(doc) == len(route)


def check_links(path: Path, line: Line, root: Path) -> Iterator[str]:
    for match in LINK.finditer(line.prose):
        target = match.group(2)
        if SCHEME.match(target):
            continue
        file_part, _, anchor = target.partition("#")
        dest = (path.parent / unquote(file_part)).resolve() if file_part else path
        if not dest.is_relative_to(root):
            yield f"link to {target}: outside the repository"
        elif not dest.exists():
            yield f"link to {target}: no such file"
        elif anchor and dest.suffix == ".md" and unquote(anchor) not in anchors(dest.read_text()):
            yield f"link to {target}: no heading or anchor #{anchor} in {dest.relative_to(root)}"


def check_names(line: Line, known: Known) -> Iterator[str]:
    for code in line.code:
        for target in MAKE.findall(code):
            if target not in known.make_targets:
                yield f"make {target}: no such target in the Makefile"
        for command in HOVOR.findall(code):
            if command not in known.commands:
                yield f"hovor {command}: no such command"
    for name in SETTING.findall(line.text):
        if name not in known.settings:
            yield f"{name}: no such setting"
    for methods, doc_path in ENDPOINT.findall(line.text):
        doc_path = doc_path.split("?")[0].rstrip(".:;\\")
        for method in methods.split("/"):
            if not any(m == method and route_matches(doc_path, p) for m, p in known.endpoints):
                yield f"{method} {doc_path}: no such endpoint"


def problems(root: Path, files: list[Path], known: Known) -> list[str]:
    """Every name or link in ``files`` that does not exist, as ``file:line: what``."""
    found: list[str] = []
    for path in files:
        where = path.relative_to(root)
        for line in read_lines(path.read_text()):
            for problem in (*check_links(path, line, root), *check_names(line, known)):
                found.append(f"{where}:{line.number}: {problem}")
    return found


# What exists -------------------------------------------------------------------------------


def make_targets(makefile: str) -> frozenset[str]:
    names: set[str] = set()
    for line in makefile.splitlines():
        rule = re.match(r"^([A-Za-z0-9_.\- ]+?)\s*::?(?!=)", line)
        if rule and not line.startswith("\t"):
            names.update(n for n in rule.group(1).split() if not n.startswith("."))
    return frozenset(names)


def cli_commands() -> frozenset[str]:
    from hovor.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main(["--help"])
    usage = re.search(r"\{([a-z,-]+)\}", out.getvalue())
    assert usage, out.getvalue()
    return frozenset(usage.group(1).split(","))


def settings_names(root: Path) -> frozenset[str]:
    from hovor.config import Settings

    prefix = Settings.model_config.get("env_prefix", "")
    names = {f"{prefix}{field}".upper() for field in Settings.model_fields}
    for folder in ("src", "tests", "bench"):
        for source in (root / folder).rglob("*.py"):
            if source != Path(__file__).resolve():
                names.update(ENV_READ.findall(source.read_text()))
    return frozenset(names)


def app_endpoints(tmp_path: Path) -> frozenset[tuple[str, str]]:
    from hovor.app import create_app
    from hovor.config import Settings

    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'docs.db'}"))
    return frozenset(
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if method.upper() in METHODS
    )


def doc_files(root: Path) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]


# Tests -------------------------------------------------------------------------------------


def test_the_docs_name_only_what_exists(tmp_path: Path) -> None:
    known = Known(
        make_targets=make_targets((ROOT / "Makefile").read_text()),
        commands=cli_commands(),
        settings=settings_names(ROOT),
        endpoints=app_endpoints(tmp_path),
    )
    assert {"run", "test"} <= known.make_targets and "run" in known.commands
    assert "HOVOR_DATABASE_URL" in known.settings and ("GET", "/v1/auth/me") in known.endpoints
    found = problems(ROOT, doc_files(ROOT), known)
    assert not found, "\n".join(found)


SAMPLE_KNOWN = Known(
    make_targets=frozenset({"run", "test"}),
    commands=frozenset({"run", "migrate"}),
    settings=frozenset({"HOVOR_PORT"}),
    endpoints=frozenset({("GET", "/v1/tickets/{ticket_id}"), ("GET", "/v1/files/{rest:path}")}),
)


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_broken_sample_is_reported_by_file_line_and_name(tmp_path: Path) -> None:
    write(tmp_path, "docs/other.md", "# Other page\n\n## Set `HOVOR_PORT` up\n")
    readme = write(
        tmp_path,
        "README.md",
        "# Sample\n"
        "See [other](docs/other.md#nowhere) and [gone](docs/gone.md) and [up](../x.md).\n"
        "Run `make install` then `make run`.\n"
        "```sh\n"
        ".venv/bin/hovor serve --port 1\n"
        "```\n"
        "Set HOVOR_PROT=1; call `GET /v1/tickets/{id}/notes` and `DELETE /v1/tickets/{id}`.\n",
    )
    assert problems(tmp_path, [readme], SAMPLE_KNOWN) == [
        "README.md:2: link to docs/other.md#nowhere: no heading or anchor #nowhere in "
        "docs/other.md",
        "README.md:2: link to docs/gone.md: no such file",
        "README.md:2: link to ../x.md: outside the repository",
        "README.md:3: make install: no such target in the Makefile",
        "README.md:5: hovor serve: no such command",
        "README.md:7: HOVOR_PROT: no such setting",
        "README.md:7: GET /v1/tickets/{id}/notes: no such endpoint",
        "README.md:7: DELETE /v1/tickets/{id}: no such endpoint",
    ]


def test_a_sound_sample_passes(tmp_path: Path) -> None:
    write(
        tmp_path, "docs/other.md", "# Other page\n\n## Set `HOVOR_PORT` up\n\n## Twice\n## Twice\n"
    )
    readme = write(
        tmp_path,
        "README.md",
        "# Sample\n"
        "[a](docs/other.md#set-hovor_port-up), [b](docs/other.md#twice-1), [c](#sample), "
        "[web](https://example.org/x#y)\n"
        "`make run PYTHON=python3.12`, `make test`, make sure prose is prose\n"
        "```\n"
        "HOVOR_PORT=8001 hovor run &   # from hovor import x, hovor: ready, $HOVOR_TOKEN\n"
        "## not a heading\n"
        "hovor   unix  -  n  pipe user=hovor argv=/usr/bin/curl\n"
        "```\n"
        "```python\n"
        "subprocess.run(['make', 'x']); make nothing\n"
        "```\n"
        "`GET /v1/tickets/t_1?x=1`, `GET /v1/tickets/{ticket_id}`, `GET /v1/files/a/b`.\n",
    )
    assert problems(tmp_path, [readme], SAMPLE_KNOWN) == []
    assert "not-a-heading" not in anchors(readme.read_text())


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("1. Start the demo", "1-start-the-demo"),
        ("`HOVOR_WS_COMPRESSION`", "hovor_ws_compression"),
        ("ADR 0001: Presence (for now)", "adr-0001-presence-for-now"),
        ("Links: [routing](routing.md) and *more*", "links-routing-and-more"),
        ("Tracker — version 1", "tracker--version-1"),
    ],
)
def test_slugs_follow_github(heading: str, expected: str) -> None:
    assert slug(heading) == expected


def test_make_targets_are_read_from_rules_not_variables() -> None:
    makefile = (
        "SHELL := /bin/bash\nNAME ?=\n.PHONY: run\n$(BIN)/x: y\nrun: build\n\tcd web\nbuild test:\n"
    )
    assert make_targets(makefile) == {"run", "build", "test"}
