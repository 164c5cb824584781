"""The knowledge base over a real server: writing, history, publishing, the public help
center's pages (sanitised, with the tracker), the widget's search by site key, bad input."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest

from tests.integration.test_contacts import other_admin
from tests.support.clients import Desktop
from tests.support.server import ADMIN, ALICE, DEMO_SITE_KEY, ServerProcess

pytestmark = pytest.mark.storage

XSS = """# Bezpečnost

<script>alert("script")</script>
<img src="x" onerror="alert('img')">
[klikni](javascript:alert('link'))
<a href="JaVaScRiPt:alert('mixed')">mixed</a>
<svg onload="alert('svg')"><circle r="1"/></svg>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>
<iframe src="https://evil.example"></iframe>
<p style="background:url(javascript:alert(1))" onclick="alert(1)">text</p>
"""


async def workspace_id(desktop: Desktop) -> str:
    return str((await desktop.http.get("/v1/auth/me")).json()["workspace"]["id"])


async def create(admin: Desktop, **body: Any) -> dict[str, Any]:
    r = await admin.change("POST", "/v1/knowledge/articles", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def publish(admin: Desktop, article_id: str, language: str) -> None:
    r = await admin.change(
        "POST",
        f"/v1/knowledge/articles/{article_id}/translations/{language}/status",
        json={"status": "published"},
    )
    assert r.status_code == 200, r.text


async def test_write_publish_and_read(server: ServerProcess) -> None:
    admin = await Desktop(server).login(ADMIN)
    alice = await Desktop(server).login(ALICE)
    http = httpx.AsyncClient(base_url=server.base_url)
    tag = f"q{uuid.uuid4().hex[:6]}"  # the demo has a help center of its own
    try:
        keys = (await admin.http.get("/v1/site-keys")).json()
        site = next(k for k in keys if k["key"] == DEMO_SITE_KEY)
        r = await admin.change(
            "PUT",
            "/v1/knowledge/help-center",
            json={"slug": "demo-napoveda", "title": "Nápověda Demo", "site_key_id": site["id"]},
        )
        assert r.status_code == 200, r.text
        assert r.json()["url"] == "/help/demo-napoveda"
        r = await admin.change(
            "POST",
            "/v1/knowledge/categories",
            json={
                "slug": f"vraceni-{tag}",
                "names": {"cs": "Vrácení a reklamace", "en": "Returns"},
            },
        )
        assert r.status_code == 201, r.text
        category = r.json()
        article = await create(
            admin,
            category_id=category["id"],
            language="cs",
            title=f"Vrácení zboží {tag}",
            body="Zboží můžete **vrátit do 14 dnů**.",
        )
        aid = article["id"]
        assert article["translations"][0]["slug"] == f"vraceni-zbozi-{tag}"
        assert article["translations"][0]["status"] == "draft"
        # an agent reads but does not write
        denied = await alice.change(
            "POST", "/v1/knowledge/articles", json={"language": "cs", "title": "x", "body": "y"}
        )
        assert denied.status_code == 403
        # a second version, and a stale one refused
        path = f"/v1/knowledge/articles/{aid}/translations/cs"
        r = await admin.change(
            "PUT",
            path,
            json={
                "title": f"Vrácení zboží {tag}",
                "body": "Zboží můžete **vrátit do 30 dnů**.",
                "note": "30 dní",
                "base_version": 1,
            },
        )
        assert r.status_code == 200, r.text
        assert r.json()["translations"][0]["version"] == 2
        stale = await admin.change(
            "PUT", path, json={"title": "Vrácení", "body": "x", "base_version": 1}
        )
        assert stale.status_code == 409
        revisions = (await alice.http.get(f"{path}/revisions")).json()
        assert [v["version"] for v in revisions] == [2, 1]
        assert revisions[0]["note"] == "30 dní"
        diff = (await alice.http.get(f"{path}/diff", params={"from": 1, "to": 2})).json()
        assert "-Zboží můžete **vrátit do 14 dnů**." in diff["diff"]
        assert "+Zboží můžete **vrátit do 30 dnů**." in diff["diff"]
        r = await admin.change(
            "PUT",
            f"/v1/knowledge/articles/{aid}/translations/en",
            json={"title": f"Returning goods {tag}", "body": "Return goods within **30 days**."},
        )
        assert r.status_code == 200, r.text

        # drafts are nowhere to be read
        assert (await http.get(f"/help/demo-napoveda/cs/vraceni-zbozi-{tag}")).status_code == 404
        found = await alice.http.get("/v1/knowledge/search", params={"q": f"vraceni zbozi {tag}"})
        assert tag not in str(found.json()["items"])
        await publish(admin, aid, "cs")
        await publish(admin, aid, "en")

        # search: the desktop's and the widget's (by site key, from an allowed origin)
        found = await alice.http.get("/v1/knowledge/search", params={"q": f"vraceni zbozi {tag}"})
        hits = found.json()["items"]
        assert hits[0]["title"] == f"Vrácení zboží {tag}" and hits[0]["score"] == 1.0
        assert all(h["score"] < 1.0 for h in hits[1:])
        assert hits[0]["url"] == f"/help/demo-napoveda/cs/vraceni-zbozi-{tag}"
        widget = await http.get(
            "/v1/widget/knowledge/search",
            params={"site": DEMO_SITE_KEY, "q": f"returning {tag}", "language": "en"},
            headers={"origin": server.origin},
        )
        assert widget.status_code == 200, widget.text
        assert widget.json()["items"][0]["title"] == f"Returning goods {tag}"
        assert all(h["language"] == "en" for h in widget.json()["items"])
        assert widget.headers["access-control-allow-origin"] == server.origin
        foreign = await http.get(
            "/v1/widget/knowledge/search",
            params={"site": DEMO_SITE_KEY, "q": "x"},
            headers={"origin": "https://evil.example"},
        )
        assert foreign.status_code == 403

        # the public pages
        home = await http.get("/help/demo-napoveda", follow_redirects=True)
        assert home.status_code == 200 and str(home.url).endswith("/help/demo-napoveda/cs")
        assert (
            "Vrácení a reklamace" in home.text
            and f"/help/demo-napoveda/cs/vraceni-zbozi-{tag}" in home.text
        )
        by_id = await http.get(f"/help/{await workspace_id(admin)}/en")
        assert f"Returning goods {tag}" in by_id.text
        page = await http.get(f"/help/demo-napoveda/cs/vraceni-zbozi-{tag}")
        assert page.status_code == 200
        assert "<strong>vrátit do 30 dnů</strong>" in page.text
        assert 'data-hovor-page-type="article"' in page.text and '<html lang="cs"' in page.text
        nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"])
        assert nonce is not None and f'<script nonce="{nonce[1]}">' in page.text
        assert f'"{DEMO_SITE_KEY}"' in page.text and "/widget/loader.js" in page.text
        results = await http.get("/help/demo-napoveda/cs/search", params={"q": tag})
        assert f"Vrácení zboží {tag}" in results.text
        assert f'hovor("track", "search", {{"query": "{tag}", "results": 1}})' in results.text
        sneaky = await http.get("/help/demo-napoveda/cs/search", params={"q": "</script><b>"})
        assert "</script><b>" not in sneaky.text

        # did this help?
        for answer in ("yes", "yes", "no"):
            r = await http.post(
                f"/help/demo-napoveda/cs/vraceni-zbozi-{tag}/feedback", data={"helpful": answer}
            )
            assert r.status_code == 303 and r.headers["location"].endswith("?thanks=true")
        bad = await http.post(
            f"/help/demo-napoveda/cs/vraceni-zbozi-{tag}/feedback", data={"helpful": "maybe"}
        )
        assert bad.status_code == 422
        detail = (await alice.http.get(f"/v1/knowledge/articles/{aid}")).json()
        cs = next(t for t in detail["translations"] if t["language"] == "cs")
        assert (cs["helpful"], cs["not_helpful"]) == (2, 1)
    finally:
        await http.aclose()
        await admin.close()
        await alice.close()


async def test_xss_is_sanitised_everywhere(server: ServerProcess) -> None:
    admin = await Desktop(server).login(ADMIN)
    http = httpx.AsyncClient(base_url=server.base_url)
    try:
        article = await create(admin, language="cs", title="Bezpečnost <script>", body=XSS)
        await publish(admin, article["id"], "cs")
        slug = article["translations"][0]["slug"]
        preview = await admin.change("POST", "/v1/knowledge/preview", json={"body": XSS})
        page = await http.get(f"/help/{await workspace_id(admin)}/cs/{slug}")
        assert page.status_code == 200
        body = page.text.split("<article>")[1].split("</article>")[0]
        for html in (preview.json()["html"], body):
            lowered = html.lower()
            for bad in (
                "<script",
                "onerror",
                "onload",
                "onclick",
                "<svg",
                "<iframe",
                "style=",
            ):
                assert bad not in lowered, (bad, html)
            # a refused Markdown link stays as harmless text; no attribute keeps such a URL
            assert re.search(r"(href|src)\s*=\s*[\"']?\s*(javascript|data):", lowered) is None
            assert "text" in html
        assert "Bezpečnost &lt;script&gt;" in body
    finally:
        await http.aclose()
        await admin.close()


async def test_bad_input(server: ServerProcess) -> None:
    admin = await Desktop(server).login(ADMIN)
    try:
        huge = await admin.change(
            "POST",
            "/v1/knowledge/articles",
            json={"language": "cs", "title": "Velký", "body": "x" * 100_001},
        )
        assert huge.status_code == 422
        assert huge.json()["errors"][0]["loc"] == ["body", "body"]
        long_query = await admin.http.get("/v1/knowledge/search", params={"q": "a" * 201})
        assert long_query.status_code == 422
        assert long_query.json()["errors"][0]["loc"] == ["query", "q"]
        bad_slug = await admin.change(
            "POST",
            "/v1/knowledge/articles",
            json={"language": "cs", "title": "x", "body": "y", "slug": "Bad Slug"},
        )
        assert bad_slug.status_code == 422
        assert bad_slug.json()["errors"][0]["loc"] == ["body", "slug"]
        bad_language = await admin.change(
            "POST", "/v1/knowledge/articles", json={"language": "xx", "title": "x", "body": "y"}
        )
        assert bad_language.status_code == 422
        same_title = f"Stejný {uuid.uuid4().hex[:6]}"
        first = await create(admin, language="cs", title=same_title, body="a")
        same = await admin.change(
            "POST",
            "/v1/knowledge/articles",
            json={"language": "cs", "title": same_title, "body": "b"},
        )
        assert same.status_code == 422 and same.json()["errors"][0]["loc"] == ["body", "slug"]
        missing = await admin.http.get(
            f"/v1/knowledge/articles/{first['id']}/translations/cs/diff",
            params={"from": 1, "to": 9},
        )
        assert missing.status_code == 422 and missing.json()["errors"][0]["loc"] == ["query", "to"]
    finally:
        await admin.close()


async def test_another_workspace_reaches_nothing(server: ServerProcess) -> None:
    b = await Desktop(server).login(ADMIN)
    a = await other_admin(server)
    try:
        category = (
            await b.change(
                "POST",
                "/v1/knowledge/categories",
                json={"slug": f"b-{uuid.uuid4().hex[:6]}", "names": {"cs": "B"}},
            )
        ).json()
        article = await create(b, language="cs", title=f"Jen B {uuid.uuid4().hex[:6]}", body="b")
        await publish(b, article["id"], "cs")
        aid, cid = article["id"], category["id"]
        translation = f"/v1/knowledge/articles/{aid}/translations/cs"
        calls = [
            ("GET", f"/v1/knowledge/articles/{aid}", None),
            ("PATCH", f"/v1/knowledge/articles/{aid}", {}),
            ("PUT", translation, {"title": "x", "body": "x"}),
            ("POST", f"{translation}/status", {"status": "draft"}),
            ("GET", f"{translation}/revisions", None),
            ("GET", f"{translation}/revisions/1", None),
            ("GET", f"{translation}/diff", None),
            ("PUT", f"/v1/knowledge/categories/{cid}", {"slug": "x", "names": {"cs": "x"}}),
            ("DELETE", f"/v1/knowledge/categories/{cid}", None),
            ("DELETE", f"/v1/knowledge/articles/{aid}", None),
        ]
        for method, path, body in calls:
            r = await a.change(method, path, **({"json": body} if body is not None else {}))
            assert r.status_code == 404, (method, path, r.status_code, r.text)
        found = await a.http.get(
            "/v1/knowledge/search", params={"q": article["translations"][0]["title"]}
        )
        assert found.json()["items"] == []
        still = await b.http.get(f"/v1/knowledge/articles/{aid}")
        assert still.status_code == 200 and still.json()["translations"][0]["status"] == "published"
        diff = await b.http.get(f"{translation}/diff")
        assert diff.status_code == 200 and diff.json()["to_version"] == 1
    finally:
        await a.close()
        await b.close()
