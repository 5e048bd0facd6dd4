"""Publishing at an address (issue 17, items 2 and 3), checked with the real clients.

Each edition is built for its own site URL (handbook.yaml; HANDBOOK_SITE_URL for one build).
feedparser reads every edition's feed: absolute links to pages that exist, the edition's own
id and self link, entry ids under the organisation's host that survive a rename. The sitemap
lists every page at its address. The 404 page keeps its style when the site lives under a
sub-path, as on a GitHub Pages project site. A publishing build without an address stops; a
preview says what it leaves out.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
import yaml
from conftest import REPO, build

from generator.audience import EDITIONS

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _project(root: Path) -> Path:
    for folder in ("policies", "schemas", "docs"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "mkdocs.yml", root)
    return root


def _addresses() -> dict[str, str]:
    settings = yaml.safe_load((REPO / "policies" / "handbook.yaml").read_text(encoding="utf-8"))
    return {
        "staff": settings["site_url"],
        **{e: settings["editions"][e]["site_url"] for e in ("client", "public")},
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory.mktemp("publish"))


@functools.cache
def _site(project: Path, edition: str) -> Path:
    site = project / f"site-{edition}"
    run = build(project, site, env={"HANDBOOK_EDITION": edition})
    assert run.returncode == 0, run.stderr
    return site


def _pages(site: Path) -> set[str]:
    """Every page of a built site as a path under the site ("" the home page), redirects aside."""
    out = set()
    for path in site.rglob("index.html"):
        if 'http-equiv="refresh"' in path.read_text(encoding="utf-8")[:2000]:
            continue  # a former id's page: it only forwards to the policy's page
        out.add(path.parent.relative_to(site).as_posix().removeprefix("."))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("edition", EDITIONS)
def test_every_edition_has_a_feed_readers_take_with_its_own_address(
    project: Path, edition: str
) -> None:
    address = _addresses()[edition]
    site = _site(project, edition)
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.id == address
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"alternate": address, "self": address + "feed.xml"}
    assert feed.entries
    host = urlsplit(address).hostname
    pages = _pages(site)
    for entry in feed.entries:
        assert entry.id.isascii() and entry.id.startswith(f"tag:{host},"), entry.id
        assert re.fullmatch(
            rf"tag:{re.escape(host)},\d{{4}}-\d\d-\d\d:policy/[a-z0-9-]+/[\d.]+", entry.id
        )
        assert entry.link.startswith(address), entry.link
        assert entry.link[len(address) :].rstrip("/") in pages, entry.link


@pytest.mark.slow
def test_feed_ids_differ_between_editions(project: Path) -> None:
    ids = {feedparser.parse(_site(project, e) / "feed.xml").feed.id for e in EDITIONS}
    assert len(ids) == len(EDITIONS)


@pytest.mark.slow
@pytest.mark.parametrize("edition", EDITIONS)
def test_the_sitemap_lists_every_page_at_its_address(project: Path, edition: str) -> None:
    address = _addresses()[edition]
    site = _site(project, edition)
    root = ET.parse(site / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP}urlset"
    urls = root.findall(f"{SITEMAP}url")
    assert 0 < len(urls) <= 50_000  # the protocol's bounds
    locations = []
    for url in urls:
        assert [child.tag for child in url][:1] == [f"{SITEMAP}loc"]  # loc first, as required
        loc = url.findtext(f"{SITEMAP}loc")
        assert loc and loc.startswith(address) and len(loc) < 2048, loc
        lastmod = url.findtext(f"{SITEMAP}lastmod")
        assert lastmod is None or re.fullmatch(r"\d{4}-\d\d-\d\d", lastmod)
        locations.append(loc[len(address) :].rstrip("/"))
    assert len(locations) == len(set(locations))
    assert set(locations) == _pages(site)


@pytest.mark.slow
def test_a_renamed_policy_keeps_its_feed_entry_ids(tmp_path: Path) -> None:
    project = _project(tmp_path)
    before = feedparser.parse(_site_once(project, "before") / "feed.xml")
    old = [e.id for e in before.entries if "运营风险登记" in e.title]
    assert old == ["tag:handbook.example.com,2026-11-20:policy/operations-risk-register/1.0.0"]
    source = project / "policies" / "crisis" / "operations-risk-register.yaml"
    text = source.read_text(encoding="utf-8")
    text = text.replace("id: operations-risk-register\n", "id: risk-register\n", 1)
    text = text.replace("tags: [", "former_ids: [operations-risk-register]\ntags: [", 1)
    text = text.replace('version: "1.0.0"\n', 'version: "1.0.1"\n', 1)
    text = text.replace(
        "changelog:\n",
        'changelog:\n  - version: "1.0.1"\n    date: 2026-11-20\n    summary: 改名。\n',
        1,
    )
    source.unlink()
    (source.parent / "risk-register.yaml").write_text(text, encoding="utf-8")
    after = feedparser.parse(_site_once(project, "after") / "feed.xml")
    new = {e.id: e.link for e in after.entries if "运营风险登记" in e.title}
    assert old[0] in new  # the same entry, the same id: readers do not show it again
    assert new[old[0]] == "https://handbook.example.com/crisis/risk-register/"
    assert "tag:handbook.example.com,2026-11-20:policy/operations-risk-register/1.0.1" in new


def _site_once(project: Path, name: str) -> Path:
    site = project / f"site-{name}"
    run = build(project, site)
    assert run.returncode == 0, run.stderr
    return site


def test_a_publishing_build_without_an_address_stops_and_a_preview_says_why(
    tmp_path: Path, run_cli
) -> None:
    project = _project(tmp_path)
    settings = project / "policies" / "handbook.yaml"
    settings.write_text(
        re.sub(r"^site_url: .*\n", "", settings.read_text(encoding="utf-8"), flags=re.M), "utf-8"
    )
    env = {"NO_MKDOCS_2_WARNING": "1", "HANDBOOK_TODAY": "2026-11-23"}
    run = run_cli("build", cwd=project, env=env)
    assert run.code == 1
    assert "发布员工版需要站点网址:请在 policies/handbook.yaml 中写 site_url" in run.err
    assert "HANDBOOK_SITE_URL" in run.err and not (project / "site").exists()
    # the client edition has its own address: it builds
    assert run_cli("build", "--edition", "client", cwd=project, env=env).code == 0
    preview = run_cli("build", "--preview", cwd=project, env=env)
    assert preview.code == 0, preview.err
    assert "预览:员工版没有站点网址" in preview.err
    assert not (project / "site" / "sitemap.xml").exists()
    feed = feedparser.parse(project / "site" / "feed.xml")
    assert feed.feed.id == "tag:handbook.invalid,2000:staff"
    assert all(not e.link.startswith("http") for e in feed.entries)
    # an address given for one build replaces the file's, and is checked
    bad = run_cli("build", cwd=project, env={**env, "HANDBOOK_SITE_URL": "javascript:alert(1)"})
    assert bad.code == 1 and "不是站点网址" in bad.err
    given = run_cli("build", cwd=project, env={**env, "HANDBOOK_SITE_URL": "https://x.example/hb"})
    assert given.code == 0, given.err
    assert feedparser.parse(project / "site" / "feed.xml").feed.id == "https://x.example/hb/"


class _Pages(http.server.SimpleHTTPRequestHandler):
    """A static host that answers a missing page with the site's 404.html, as GitHub Pages does."""

    site_path = "/handbook/"

    def log_message(self, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / self.site_path.strip("/") / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_the_404_page_keeps_its_style_under_a_sub_path(project: Path, browser) -> None:
    address = _addresses()["public"]
    path = urlsplit(address).path
    assert path == "/handbook/"  # the example's public edition lives under a sub-path
    root = project / "host"
    shutil.copytree(_site(project, "public"), root / path.strip("/"))
    handler = functools.partial(_Pages, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        failed: list[str] = []
        styles: list[str] = []
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("response", lambda r: styles.append(r.url) if r.url.endswith(".css") else None)
        page.on(
            "response",
            lambda r: (
                failed.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.url.endswith((".css", ".js"))
                else None
            ),
        )
        response = page.goto(f"http://127.0.0.1:{server.server_port}{path}no/such/page/")
        assert response is not None and response.status == 404
        page.wait_for_load_state("networkidle")
        assert failed == []
        assert any("/handbook/assets/stylesheets/main." in url for url in styles), styles
        # Material's stylesheet applied: the header is the theme's, not an unstyled block
        position = page.eval_on_selector(".md-header", "e => getComputedStyle(e).position")
        assert position == "sticky"
        context.close()
    finally:
        server.shutdown()
        server.server_close()


def test_two_editions_may_not_share_an_address(tmp_path: Path, run_cli) -> None:
    project = _project(tmp_path)
    settings = project / "policies" / "handbook.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text.replace(
            "site_url: https://service.example.com/", "site_url: https://handbook.example.com", 1
        ),
        "utf-8",
    )
    run = run_cli("validate", "--today", "2026-11-23", cwd=project)
    assert run.code == 1
    [line] = [x for x in run.out.splitlines() if "site-url-shared" in x]
    assert line.startswith("policies/handbook.yaml:") and "客户版与员工版的站点网址相同" in line
