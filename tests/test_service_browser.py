"""The web page in a real browser: Debian's chromium driven by Playwright (nothing downloaded).

Skipped with one line when /usr/bin/chromium is absent, unless VERACITY_REQUIRE_BROWSER=1. Saves the report
page at desktop and phone widths into docs/ (docs/service.md shows them)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest

CHROMIUM = Path(os.environ.get("VERACITY_CHROMIUM", "/usr/bin/chromium"))
DOCS = Path(__file__).resolve().parent.parent / "docs"
DEMO = "Did Chicago cooperate with ICE?"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

if not CHROMIUM.exists():
    if os.environ.get("VERACITY_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"VERACITY_REQUIRE_BROWSER=1 but there is no browser at {CHROMIUM}; apt-get install chromium")
    pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium); browser test skipped",
                allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


def test_ask_progress_report_citation_history(browser, server) -> None:
    # keep both workers busy for a moment, so the new check waits and its stages are seen going by
    for i in range(4):
        httpx.post(f"{server.url}/api/checks", json={"question": f"{DEMO} warm-up {i}"}, headers=server.auth)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: None if r.url.startswith(server.url) else problems.append(f"outside: {r.url}"))

    page.goto(f"{server.url}/login")
    page.get_by_label("API token").fill(server.token)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Question or claim").fill(DEMO)
    page.get_by_role("button", name="Check", exact=True).click()
    page.wait_for_url(re.compile(r"/checks/[0-9a-f]+$"))
    assert page.get_by_role("heading", name="Progress").is_visible()
    page.wait_for_selector('li[data-stage="gather"].done', timeout=120_000)  # a stage seen going by, live
    # in a reader's words, the stage names and times only in the details (issue 24.13)
    assert page.locator('li[data-stage="gather"]').inner_text() == "Searching your collection"
    assert not re.search(r"\b(gather|select|organise)\b|\d ms\b", page.locator("ol.stages").inner_text())
    took = page.locator('details.timings tr[data-stage="gather"] .took').text_content() or ""
    assert re.fullmatch(r"\d+ ms|\d+\.\d s|\d+ min \d+ s", took), took
    page.wait_for_selector(".verdict", timeout=120_000)  # the page turns into the report by itself
    verdict = page.locator(".verdict .label").inner_text()
    assert re.fullmatch(r"Verdict: (Supported|Refuted|Mixed|Not enough evidence)", verdict)
    assert "confidence" in page.locator(".verdict .conf").inner_text()
    assert page.get_by_role("heading", name="Executive summary").is_visible()
    assert page.locator("ol.sources li").count() >= 2
    report_url = page.url
    job_id = report_url.rsplit("/", 1)[1]
    report = httpx.get(f"{server.url}/api/checks/{job_id}").json()["report"]

    page.screenshot(path=str(DOCS / "service-report-desktop.png"), full_page=False)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    phone.add_cookies(context.cookies())
    small = phone.new_page()
    small.goto(report_url)
    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the report is {width} px wide on a 390 px phone"
    small.screenshot(path=str(DOCS / "service-report-phone.png"), full_page=False)
    phone.close()

    cite = page.locator('a.cite[href^="/documents/"]').first
    href = cite.get_attribute("href") or ""
    start, end = (int(x) for x in re.search(r"start=(\d+)&end=(\d+)", href).groups())
    quotes = [e["quote"] for f in report["findings"] for s in f["sentences"] for e in s["evidence"]
              if e["start"] == start and e["end"] == end]
    cite.click()
    mark = page.locator("mark#quote")
    mark.wait_for()
    assert mark.is_visible() and mark.inner_text().strip() == quotes[0].strip()

    page.get_by_role("link", name="History").click()
    page.get_by_label("Search questions").fill("warm-up 3")
    sync_api.expect(page.locator("#results li")).to_have_count(1, timeout=10_000)  # filtered by HTMX as one types
    assert "warm-up 3" in page.locator("#results li").inner_text()

    page.goto(report_url)
    follow_up = page.locator("ul.follow button").first
    question = follow_up.inner_text()
    follow_up.click()  # a follow-up question starts a new check
    page.wait_for_url(re.compile(r"/checks/[0-9a-f]+$"))
    assert page.url != report_url and page.locator("h1").inner_text().endswith(question)
    assert problems == []
    context.close()


def test_upload_on_the_collection_page(browser, server, tmp_path) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.get_by_label("API token").fill(server.token)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Collection").click()
    note = tmp_path / "harbour-notes.md"
    note.write_text("---\ntitle: Harbour <b>notes</b>\n---\nThe Eastport harbour reopened in May 2024 after dredging.\n")
    page.get_by_label(re.compile("Add files")).set_input_files(str(note))
    page.get_by_role("button", name="Upload and ingest").click()
    for _ in range(100):  # the ingest job runs in the background; the page shows it when reloaded
        if page.get_by_role("link", name="Harbour <b>notes</b>").count():
            break
        page.wait_for_timeout(300)
        page.reload()
    assert page.get_by_role("link", name="Harbour <b>notes</b>").is_visible()  # shown as text, not markup
    context.close()


def test_report_reads_without_javascript(browser, server) -> None:
    # the demo question's check (the newest check may be a follow-up question the collection has no source for)
    job = httpx.get(f"{server.url}/api/checks/{finished_check(server)}").json()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server.url}/checks/{job['id']}")
    assert page.locator(".verdict").is_visible() and page.locator("ol.sources li").count() >= 1
    page.get_by_role("link", name="History").click()
    page.get_by_label("Verdict").select_option(job["verdict"])
    page.get_by_role("button", name="Filter").click()
    assert "verdict=" in page.url and page.locator("#results li").count() >= 1
    context.close()


def finished_check(server, question: str = DEMO) -> str:
    """The id of a check of `question` that has its report (one is run when none has)."""
    import time

    found = httpx.get(f"{server.url}/api/checks", params={"q": question, "limit": 20}).json()["checks"]
    done = [c["id"] for c in found if c["state"] == "done" and c["question"] == question]
    if done:
        return done[0]
    job_id = httpx.post(f"{server.url}/api/checks", json={"question": question}, headers=server.auth).json()["id"]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if httpx.get(f"{server.url}/api/checks/{job_id}").json()["state"] == "done":
            return job_id
        time.sleep(0.3)
    raise AssertionError(f"check {job_id} did not finish in 180 s")


BOX = "s => { const r = document.querySelector(s).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"
# where a list item's bullet sits: on the baseline of the item's first line box, which an empty inline-block put
# just before the button shares
FIRST_LINE = """li => {
  const button = li.querySelector('button'), probe = document.createElement('span');
  probe.style.cssText = 'display:inline-block;width:0;height:0';
  button.before(probe);
  const b = button.getBoundingClientRect(), p = probe.getBoundingClientRect();
  probe.remove();
  return {baseline: p.top - b.top, line: parseFloat(getComputedStyle(button).lineHeight), height: b.height};
}"""


def test_layout_filter_follow_ups_citations_and_timestamps(browser, server) -> None:
    """Issue 24.11, measured in the browser: the History filter's fields sit under their labels with the button
    beside them on a desktop; each follow-up's bullet is on its first line; citation links are at least 24 x 24
    CSS px on a phone; a history timestamp never wraps."""
    job_id = finished_check(server)
    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desktop.new_page()
    page.goto(f"{server.url}/history")
    boxes = {s: page.evaluate(BOX, s) for s in ("label[for=q]", "#q", "label[for=verdict]", "#verdict",
                                                   ".filter button")}
    (ql, qt, qr, _), (vl, vt, vr, _) = boxes["#q"], boxes["#verdict"]
    bl, bt, br, _ = boxes[".filter button"]
    assert boxes["label[for=q]"][3] <= qt + 1 and boxes["label[for=verdict]"][3] <= vt + 1, boxes
    assert boxes["label[for=q]"][0] == ql and boxes["label[for=verdict]"][0] == vl, boxes  # each above its field
    assert qr <= vl and vr <= bl, boxes  # search field, verdict, button: left to right
    assert abs(bt - qt) < 12 and br - bl < 200, boxes  # the button on the fields' row, not full width
    names = list(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            x0, y0, x1, y1 = boxes[a]
            u0, v0, u1, v1 = boxes[b]
            assert x1 <= u0 + 0.5 or u1 <= x0 + 0.5 or y1 <= v0 + 0.5 or v1 <= y0 + 0.5, f"{a} overlaps {b}"

    for context in (desktop, browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)):
        report = context.new_page()
        report.goto(f"{server.url}/checks/{job_id}")
        items = report.locator("ul.follow li")
        assert items.count() >= 1
        lines = [items.nth(i).evaluate(FIRST_LINE) for i in range(items.count())]
        assert any(x["height"] > 1.5 * x["line"] for x in lines), "no follow-up wraps: the check shows nothing"
        assert all(x["baseline"] <= x["line"] for x in lines), f"a bullet sits on a wrapped line: {lines}"
    desktop.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = phone.new_page()
    page.goto(f"{server.url}/checks/{job_id}")
    sizes = page.locator("a.cite").evaluate_all("els => els.map(a => [a.getBoundingClientRect().width, "
                                                "a.getBoundingClientRect().height])")
    assert sizes and all(w >= 24 and h >= 24 for w, h in sizes), f"citation links under 24 x 24 px: {sizes}"

    page.goto(f"{server.url}/history")
    # the same row with questions of every length from 1 to 80 characters: its timestamp stays on one line
    wrapped = page.evaluate("""() => {
      const row = document.querySelector('#results li'), link = row.querySelector('a'), out = [];
      for (let n = 1; n <= 80; n++) {
        link.textContent = 'Did the harbour reopen after the dredging in May of that year?'.repeat(2).slice(0, n);
        const rects = [...row.querySelector('time').parentElement.getClientRects()];
        if (new Set(rects.map(r => Math.round(r.top))).size > 1) { out.push(n); }
      }
      return out; }""")
    assert wrapped == [], f"the timestamp wraps with questions of {wrapped} characters"
    phone.close()


def test_a_cited_passage_keeps_its_title_in_view_and_links_back(browser, server) -> None:
    """Issue 24.12: the page of a cited passage scrolls to the quote with the title still on screen, above the
    quote, and a link goes back to the report, at the source."""
    job_id = finished_check(server)
    for viewport, mobile in (({"width": 1280, "height": 900}, False), ({"width": 390, "height": 844}, True)):
        context = browser.new_context(viewport=viewport, is_mobile=mobile)
        page = context.new_page()
        page.goto(f"{server.url}/checks/{job_id}")
        hrefs = page.locator('a.cite[href^="/documents/"]').evaluate_all("els => els.map(a => a.getAttribute('href'))")
        deepest = max(hrefs, key=lambda h: int(re.search(r"start=(\d+)", h).group(1)))
        page.locator(f'a.cite[href="{deepest}"]').first.click()
        mark = page.locator("mark#quote")
        mark.wait_for()
        page.wait_for_timeout(200)
        height = page.evaluate("innerHeight")
        assert page.evaluate("scrollY") > 0, "the quote is on the first screen: nothing is tested"
        title, quote = page.locator("article h1").bounding_box(), mark.bounding_box()
        assert title and quote
        assert title["y"] >= 0 and title["y"] + title["height"] <= height, f"the title is off screen: {title}"
        assert title["y"] + title["height"] <= quote["y"] < height, f"the quote is hidden: {title} {quote}"
        n = re.search(r"[?&]n=(\d+)", deepest).group(1)
        page.get_by_role("link", name="Back to the report").click()
        page.wait_for_url(f"{server.url}/checks/{job_id}#source-{n}")
        assert page.locator(f"#source-{n}").is_visible()
        context.close()
