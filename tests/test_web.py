"""Web sources, offline: every request goes to the local server on 127.0.0.1 (tests/web_server.py). Private,
link-local and public addresses are only ever judged by the guard's address check, or through a transport that
records the request instead of connecting."""

from __future__ import annotations

import re
import asyncio
import ipaddress
import json

import httpx
import pytest
from typer.testing import CliRunner

import web_server
from veracity.cli import app
from veracity.engine import Engine
from veracity.factcheck import rating_verdict
from veracity.render import render
from veracity.render.json import to_dict
from veracity.settings import Settings
from veracity.sources.base import (AuthFailed, BadResponse, Blocked, NotAllowed, Page, Paywalled, QuotaExhausted,
                                   RateLimited, Refused, SearchTimeout, Timeout, TooLarge, Unextractable)
from veracity.sources.chain import Breaker, Chain
from veracity.sources.web import fetch_pages
from veracity.sources.fetch import USER_AGENT, HttpxFetcher
from veracity.sources.guard import Policy, RefusedURL, address_problem, check_url
from veracity.sources.providers import (BraveSearch, DuckDuckGoSearch, GoogleFactCheckSearch, SearxngSearch,
                                        TavilySearch)

QUESTION = "Did Chicago cooperate with ICE?"
TIMEOUT_S = 4.0  # generous: the test machine is shared and loaded; /slow answers after 2.5 times this


@pytest.fixture(scope="session")
def web():
    server = web_server.start(slow_s=TIMEOUT_S * 2.5)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def closed_breaker():
    """Each test starts with every provider's circuit closed (the breaker is shared by a process's checks)."""
    from veracity.sources.chain import BREAKER

    BREAKER.failures.clear()
    BREAKER.opened_at.clear()


def base_settings(server) -> dict:
    return dict(search_provider="searxng", searxng_url=server.url("/searxng"),
                web_allow_hosts=(f"127.0.0.1:{server.port}",), web_timeout_s=TIMEOUT_S, web_max_bytes=400_000,
                web_max_results=20)


def settings_for(server, db, **extra) -> Settings:
    return Settings.load(**{**base_settings(server), "db": db, **extra})


# -- the guard: address checks without contacting anything ------------------------------------------------

@pytest.mark.parametrize("address", [
    "10.0.0.1", "172.16.5.4", "192.168.1.1", "127.0.0.1", "127.0.0.2", "169.254.169.254", "100.64.0.1",
    "100.127.255.254", "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "192.0.2.1", "::1", "::",
    "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
    "::ffff:100.64.0.1", "2002:a00:1::1", "2001:db8::1"])
def test_non_public_addresses_are_refused(address):
    assert address_problem(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34"])
def test_public_addresses_pass(address):
    assert address_problem(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize("url, why", [
    ("file:///etc/passwd", "scheme"), ("ftp://example.org/x", "scheme"), ("gopher://example.org/", "scheme"),
    ("http://user:secret@example.org/", "user name"), ("http://user@example.org/", "user name"),
    ("http://example.org:8080/", "port 8080"), ("https://example.org:22/", "port 22"),
    ("https://ads.tracker.test/x", "web_deny_domains"), ("https://tracker.test/x", "web_deny_domains"),
    ("http:///nohost", "no host")])
def test_urls_refused_before_any_lookup(url, why):
    with pytest.raises(RefusedURL, match=why):
        check_url(url, Policy.from_settings((), ("tracker.test",)))


def test_allow_list_lets_a_host_port_pair_through_and_nothing_else():
    policy = Policy.from_settings(("127.0.0.1:8123",), ())
    assert check_url("http://127.0.0.1:8123/a", policy) == ("127.0.0.1", 8123)
    with pytest.raises(RefusedURL, match="port 8124"):
        check_url("http://127.0.0.1:8124/a", policy)
    with pytest.raises(RefusedURL, match="port 8123"):
        check_url("http://127.0.0.2:8123/a", policy)


class Recorder(httpx.AsyncBaseTransport):
    """Records each request that the guard lets through, and answers it without connecting anywhere."""

    def __init__(self, answers: dict[str, httpx.Response] | None = None) -> None:
        self.seen: list[httpx.Request] = []
        self.answers = answers or {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        host = request.headers["host"]
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        answer = self.answers.get(host + request.url.path)
        if answer is not None:
            return answer
        article = web_server.article_html(web_server.ARTICLES[0])[1]
        return httpx.Response(200, headers={"content-type": "text/html"}, content=article.encode())


DNS = {"news.example": ["93.184.216.34"], "intranet.example": ["10.1.2.3"],
       "metadata.example": ["169.254.169.254"], "rebind.example": ["93.184.216.34", "10.0.0.1"],
       "mapped.example": ["::ffff:192.168.0.1"], "cgnat.example": ["100.64.3.4"], "v6.example": ["fd00::5"],
       "v6news.example": ["2606:4700:4700::1111"]}


async def fake_resolver(host: str, port: int) -> list[str]:
    return DNS[host]


def test_guard_connects_to_exactly_the_checked_address_and_refuses_the_rest():
    recorder = Recorder({"news.example/moved": httpx.Response(302, headers={"location": "http://intranet.example/"})})
    fetcher = HttpxFetcher(timeout_s=5, transport=recorder, resolver=fake_resolver)
    urls = ["https://news.example/story", "http://intranet.example/", "http://metadata.example/latest/meta-data/",
            "https://rebind.example/", "http://mapped.example/", "http://cgnat.example/", "http://v6.example/",
            "https://news.example/moved"]
    outcomes = fetch_pages(fetcher, urls + ["https://v6news.example/story"])
    assert isinstance(outcomes.pop(), Page)
    assert isinstance(outcomes[0], Page)
    assert [type(o) for o in outcomes[1:]] == [Refused] * 7
    assert "169.254.169.254 is a link-local address" in outcomes[2].reason
    assert "10.0.0.1" in outcomes[3].reason  # one bad address among the answers refuses the host
    assert "inside the IPv6 address" in outcomes[4].reason
    assert "redirect 1 to http://intranet.example/" in outcomes[7].reason
    # every request that left went to the checked public address, named by Host header and TLS server name
    assert {str(r.url.host) for r in recorder.seen} == {"93.184.216.34", "2606:4700:4700::1111"}
    assert {(str(r.url.host), r.headers["host"]) for r in recorder.seen} == {
        ("93.184.216.34", "news.example"), ("2606:4700:4700::1111", "v6news.example")}
    assert all(r.extensions.get("sni_hostname") == r.headers["host"] for r in recorder.seen if r.url.scheme == "https")
    assert all(r.headers["user-agent"] == USER_AGENT and "veracity" in USER_AGENT for r in recorder.seen)
    assert any(r.url.path == "/robots.txt" for r in recorder.seen)  # robots.txt went through the guard too


# -- the fetcher against the local server -----------------------------------------------------------------

def test_every_page_outcome_against_the_local_server(web):
    fetcher = HttpxFetcher(timeout_s=TIMEOUT_S, max_bytes=400_000, allow_hosts=[f"127.0.0.1:{web.port}"])
    paths = ["/articles/sun-times-cpd-records-to-feds.html", "/report.pdf", "/hop/1", "/claimreview",
             "/forbidden", "/captcha", "/slow", "/huge", "/to-other-host", "/to-other-port", "/private/page",
             "/paywall", "/loop/0", "/missing"]
    outcomes = dict(zip(paths, fetch_pages(fetcher, [web.url(p) for p in paths])))
    article = outcomes["/articles/sun-times-cpd-records-to-feds.html"]
    assert isinstance(article, Page)
    assert article.title.startswith("Chicago police say they don’t")
    assert (article.publisher, article.published, article.author) == ("Chicago Sun-Times", "2025-06-12", "Staff Reporter")
    assert "Federal Immigration Authorities" in article.text and "Copyright" not in article.text
    assert article.etag and len(article.content_hash) == 64
    pdf = outcomes["/report.pdf"]
    assert isinstance(pdf, Page) and pdf.content_type == "pdf" and pdf.title == "City records report"
    assert all(page.split(".")[0] in pdf.text for page in web_server.PDF_PAGES)  # text from every page
    hop = outcomes["/hop/1"]
    assert isinstance(hop, Page) and hop.final_url == web.url(f"/articles/{web_server.ARTICLES[0]}.html")
    [markup] = outcomes["/claimreview"].claim_reviews  # the page's schema.org ClaimReview JSON-LD
    assert (markup.rating, markup.rating_value, markup.publisher, markup.url, markup.origin) == (
        "False", 1.0, "Local Fact Desk", web.url("/claimreview"), "json-ld")
    expected = {"/forbidden": Blocked, "/captcha": Blocked, "/slow": Timeout, "/huge": TooLarge,
                "/to-other-host": Refused, "/to-other-port": Refused, "/private/page": NotAllowed,
                "/paywall": Paywalled, "/loop/0": Unextractable, "/missing": Unextractable}
    assert {p: type(outcomes[p]) for p in expected} == expected
    assert "127.0.0.2" in outcomes["/to-other-host"].reason and "web_allow_hosts" in outcomes["/to-other-host"].reason
    assert not web.asked("/private/")  # robots.txt was obeyed: the page was never requested


def test_at_most_two_requests_at_once_to_one_host(web):
    fetcher = HttpxFetcher(timeout_s=10, concurrency=8, allow_hosts=[f"127.0.0.1:{web.port}"])
    web.most_in_flight = 0
    outcomes = fetch_pages(fetcher, [web.url(f"/busy/{n}") for n in range(6)])
    assert all(isinstance(o, Page) for o in outcomes)
    assert web.most_in_flight == 2


def test_conditional_requests_revalidate_a_known_page(web, tmp_path):
    fetcher = HttpxFetcher(timeout_s=TIMEOUT_S, allow_hosts=[f"127.0.0.1:{web.port}"])
    url = web.url(f"/articles/{web_server.ARTICLES[2]}.html")
    first = fetch_pages(fetcher, [url])[0]
    assert isinstance(first, Page) and first.etag
    from veracity.sources.base import Known

    again = fetch_pages(fetcher, [url], known={url: Known(url, first.etag, None, first)})[0]
    assert isinstance(again, Page) and again.revalidated and again.text == first.text
    assert web.asked(f"/articles/{web_server.ARTICLES[2]}.html")[-1][2].get("if-none-match") == first.etag


# -- providers, each in its documented format ---------------------------------------------------------------

def test_each_provider_reads_its_documented_format(web):
    article = web.url(f"/articles/{web_server.ARTICLES[0]}.html")
    searx = SearxngSearch(url=web.url("/searxng")).search("chicago ice", max_results=5)
    brave = BraveSearch(api_key="brave-key", url=web.url("/brave/res/v1/web/search")).search("chicago", max_results=5)
    tavily = TavilySearch(api_key="tavily-key", url=web.url("/tavily/search")).search("chicago", max_results=5)
    ddg = DuckDuckGoSearch(url=web.url("/ddg/html/"), timeout_s=5).search("chicago", max_results=5)
    for response in (searx, brave, tavily, ddg):
        assert [r.rank for r in response.results] == [1, 2, 3, 4, 5]
        assert response.results[0].url == article, response.provider
        assert response.results[0].title.startswith("Chicago PD says")
    assert brave.results[0].published == "2025-01-21"
    assert web.asked("/ddg/html/")[-1][0] == "POST"  # ddgs posted to the local server, nowhere else
    fact = GoogleFactCheckSearch(api_key="factcheck-key", url=web.url("/factcheck/claims:search")).search(
        "chicago police ice", max_results=5)
    review = fact.claim_reviews[0]
    assert (review.publisher, review.rating, review.published, review.url, review.origin) == (
        "Local Fact Desk", "False", "2025-02-10", web.url("/claimreview"), "claims:search")
    assert rating_verdict(review) == "refuted"
    assert fact.results[0].url == web.url("/claimreview")


def test_provider_errors_are_typed_outcomes(web):
    cases = [
        (lambda: BraveSearch(api_key="wrong", url=web.url("/brave/res/v1/web/search")), AuthFailed),
        (lambda: BraveSearch(api_key="brave-key", url=web.url("/limited/brave")), RateLimited),
        (lambda: TavilySearch(api_key="tavily-key", url=web.url("/tavily-spent/search")), QuotaExhausted),
        (lambda: GoogleFactCheckSearch(api_key="nope", url=web.url("/factcheck/claims:search")), AuthFailed),
        (lambda: SearxngSearch(url=web.url("/broken")), BadResponse),
        (lambda: SearxngSearch(url=web.url("/down"), timeout_s=3), BadResponse),
        (lambda: SearxngSearch(url=web.url("/stalled"), timeout_s=0.5), SearchTimeout),
    ]
    for make, outcome in cases:
        with pytest.raises(outcome):
            make().search("chicago", max_results=3)
    assert len(web.asked("/down/search")) >= 2  # a 5xx is retried once, after a pause


def test_a_provider_answering_429_falls_back_to_the_next_and_its_circuit_opens(web):
    limited = BraveSearch(api_key="brave-key", url=web.url("/limited/brave"))
    chain = Chain([limited, SearxngSearch(url=web.url("/searxng"))], Breaker(threshold=2, cooldown_s=60))
    failures: list = []
    before = len(web.asked("/limited/"))
    answers = [chain.search(q, max_results=3, failures=failures) for q in ("one", "two", "three")]
    assert [[r.provider for r in a] for a in answers] == [["searxng"]] * 3
    assert len(web.asked("/limited/")) - before == 2  # the third query skipped brave: its circuit was open
    assert [f.message.split(":")[0] for f in failures] == ["RateLimited", "RateLimited", "brave"]
    assert "circuit open" in failures[2].message


# -- checks -------------------------------------------------------------------------------------------------

EXPECTED_PROBLEMS = {"/forbidden": "Blocked", "/captcha": "Blocked", "/slow": "Timeout", "/huge": "TooLarge",
                     "/to-other-host": "Refused", "/to-other-port": "Refused", "/private/page": "NotAllowed",
                     "/paywall": "Paywalled", "/loop/0": "Unextractable"}


@pytest.fixture(params=["sqlite", "postgres"])
def web_db(request, tmp_path):
    """A new store of either backend: a SQLite file, or a database on the embedded PostgreSQL server."""
    return tmp_path / "web.db" if request.param == "sqlite" else request.getfixturevalue("pg_server").create_database()


def test_check_web_cites_the_pages_lists_every_problem_and_replays_offline(web_db):
    server = web_server.start(slow_s=TIMEOUT_S * 2.5)
    db = web_db
    try:
        settings = settings_for(server, db, search_provider="brave,searxng,google_factcheck",
                                brave_api_key="brave-key", brave_url=server.url("/limited/brave"),
                                google_factcheck_api_key="factcheck-key",
                                google_factcheck_url=server.url("/factcheck/claims:search"))
        engine = Engine(settings)
        report = engine.check(QUESTION, web="web")
    finally:
        server.stop()
    locations = {s.location for s in report.sources}
    articles = {server.url(f"/articles/{s}.html") for s in web_server.ARTICLES}
    assert locations & articles, locations
    assert all(loc.startswith(server.base) for loc in locations)
    assert report.verdict is not None and report.findings
    messages = [f.message for f in report.failures]
    for path, outcome in EXPECTED_PROBLEMS.items():
        assert any(m.startswith(f"{outcome}: {server.url(path)}:") for m in messages), (path, messages)
    assert any(m.startswith("RateLimited: brave") for m in messages)  # brave answered 429, searxng stood in
    web = report.web
    assert web is not None and web.providers == ("brave", "searxng", "google_factcheck")
    assert (web.pages_read, web.pages_failed) == (6, len(EXPECTED_PROBLEMS))
    markdown = render(report, "markdown")
    assert "## Problems during this check" in markdown and "6 pages read, 9 could not be used" in markdown
    assert "Found" in markdown and "independent)" in markdown
    # the fact check was found twice (the page's markup, then google_factcheck) and is listed once
    [review] = web.claim_reviews
    assert (review.rating, review.origin, rating_verdict(review)) == ("False", "json-ld", "refuted")
    assert "1 fact check found: Local Fact Desk rated “Chicago police helped ICE" in markdown
    # the ClaimReview record became a document that states the rating
    hits = engine.search("Local Fact Desk rated the claim", limit=3, mode="lexical")
    assert any("as “False”" in h.document.text for h in hits)
    # ... and the ruling is stored with it, for the verdict's fact-check finding in later checks
    stored = [r.review for r in engine.store.claim_reviews()]
    assert any(r.rating == "False" and r.claim.startswith("Chicago police helped ICE") for r in stored), stored
    # the server is gone: replay uses the snapshots and search results only
    again = engine.replay(report.id)
    first, second = to_dict(report), to_dict(again)
    for d in (first, second):
        d.pop("id"), d.pop("timings_ms"), d["web"].pop("replay_of")
    assert first == second
    assert again.web.replay_of == report.id
    shown = CliRunner().invoke(app, ["show", again.id, "--db", str(db), "-f", "json"])
    assert shown.exit_code == 0 and json.loads(shown.output)["web"]["replay_of"] == report.id
    by_cli = CliRunner().invoke(app, ["check", "--replay", report.id, "--db", str(db), "-f", "markdown"])
    assert by_cli.exit_code == 0, by_cli.output
    assert f"replayed from check {report.id} with no network" in by_cli.output
    def body(markdown: str) -> str:  # the collapsed details name each check's own id
        return re.sub(r"check [0-9a-f]{12}</summary>", "check ID</summary>", markdown.split("<sub>")[0]).rstrip()

    assert body(render(again, "markdown")) == body(by_cli.output)
    engine.close()


def test_db_copy_takes_the_web_archive_and_a_web_check_replays_on_postgres(web, tmp_path, pg_server):
    db = tmp_path / "web.db"
    engine = Engine(settings_for(web, db))
    report = engine.check(QUESTION, web="web")
    engine.close()
    assert report.web is not None and report.web.pages_read
    uri = pg_server.create_database()
    for attempt in range(2):  # the rerun finds everything there and copies nothing again
        copied = CliRunner().invoke(app, ["db", "copy", "--from", str(db), "--to", uri])
        assert copied.exit_code == 0, copied.output
        if attempt == 0:
            assert f"web archive: {report.web.pages_read} page fetches" in copied.output
            assert "1 web check can be replayed there" in copied.output
        else:
            assert "web archive: 0 page fetches and 0 search responses copied" in copied.output
    on_postgres = Engine(Settings.load(db=uri))
    # no network is asked: the replay reads the copied search responses and snapshots. Its web section is the
    # original's; its evidence may rank differently (the two stores' lexical search differ), so it is compared
    # with a second replay on PostgreSQL, which must be the same
    again, third = on_postgres.replay(report.id), on_postgres.replay(report.id)
    original, replayed = to_dict(report)["web"], to_dict(again)["web"]
    assert replayed.pop("replay_of") == report.id and original.pop("replay_of") is None
    assert replayed == original
    fetched = {snap.url for snap in on_postgres.store.snapshots(on_postgres.store.web_run(report.id)["fetch_ids"])}
    assert again.sources and {s.location for s in again.sources} <= fetched
    second, last = to_dict(again), to_dict(third)
    for d in (second, last):
        d.pop("id"), d.pop("timings_ms")
    assert second == last
    on_postgres.close()


def test_web_only_with_every_page_failing_is_not_enough_evidence(web, demo_db_copy):
    web.results = ["/forbidden", "/captcha", "/private/page", "/to-other-host"]
    try:
        engine = Engine(settings_for(web, demo_db_copy, web_cache_hours=0.0))
        report = engine.check(QUESTION, web="only")
    finally:
        web.results = list(web_server.DEFAULT_RESULTS)
    assert report.verdict is not None and report.verdict.label == "not_enough_evidence"
    assert report.nothing_found and not report.sources  # the local demo articles were not searched
    assert "0 pages read, 4 could not be used" in report.summary.text
    assert len([f for f in report.failures if f.stage == "fetch"]) == 4
    engine.close()


def test_web_only_cites_only_web_pages_and_search_results_are_cached(web, demo_db_copy):
    web.results = [f"/articles/{s}.html" for s in web_server.ARTICLES] + ["/report.pdf"]
    try:
        engine = Engine(settings_for(web, demo_db_copy))
        before = len(web.asked("/searxng/"))
        report = engine.check(QUESTION, web="only")
        asked = len(web.asked("/searxng/")) - before
        assert asked == len(report.web.queries) >= 1
        assert report.sources and all(s.location.startswith(web.base) for s in report.sources)
        article = f"/articles/{web_server.ARTICLES[0]}.html"
        fetched = len(web.asked(article))
        engine.check(QUESTION, web="only")  # within web_cache_hours: no new search; pages revalidated
        assert len(web.asked("/searxng/")) - before == asked
        assert len(web.asked(article)) == fetched + 1 and "if-none-match" in web.asked(article)[-1][2]
        engine.check(QUESTION, web="only", refresh=True)  # --refresh: searched again, pages fetched whole
        assert len(web.asked("/searxng/")) - before == 2 * asked
        assert "if-none-match" not in web.asked(article)[-1][2]
        engine.close()
    finally:
        web.results = list(web_server.DEFAULT_RESULTS)


def test_cli_ingest_url_and_check_web_json(web, tmp_path, monkeypatch):
    db = tmp_path / "cli.db"
    monkeypatch.setenv("VERACITY_WEB_ALLOW_HOSTS", f"127.0.0.1:{web.port}")
    monkeypatch.setenv("VERACITY_SEARCH_PROVIDER", "searxng")
    monkeypatch.setenv("VERACITY_SEARXNG_URL", web.url("/searxng"))
    monkeypatch.setenv("VERACITY_WEB_TIMEOUT_S", str(TIMEOUT_S))
    monkeypatch.setenv("VERACITY_WEB_MAX_BYTES", "400000")
    runner = CliRunner()
    added = runner.invoke(app, ["ingest", web.url("/report.pdf"), web.url("/forbidden"), "--db", str(db)])
    assert added.exit_code == 1  # one page could not be used
    assert "read 1 web page of 2" in added.output and "Blocked: " in added.output
    result = runner.invoke(app, ["check", QUESTION, "--web-only", "--db", str(db), "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["web"]["only"] is True and data["web"]["pages_read"] >= 3
    bad = runner.invoke(app, ["check", "--replay", "abc", QUESTION, "--db", str(db)])
    assert bad.exit_code == 1 and "--replay ID takes no question" in bad.output


def test_no_provider_configured_is_one_clear_error(tmp_path):
    engine = Engine(Settings.load(db=tmp_path / "x.db", search_provider=""))
    from veracity.errors import ConfigError

    with pytest.raises(ConfigError, match="set search_provider"):
        engine.check(QUESTION, web="web")
    with pytest.raises(ConfigError, match="searxng_url"):
        Engine(Settings.load(db=tmp_path / "x.db", search_provider="searxng", searxng_url="")).check(QUESTION, web="web")


def test_fetch_from_a_running_event_loop(web):
    fetcher = HttpxFetcher(timeout_s=TIMEOUT_S, allow_hosts=[f"127.0.0.1:{web.port}"])

    async def inside() -> list:
        return fetch_pages(fetcher, [web.url("/report.pdf")])

    assert isinstance(asyncio.run(inside())[0], Page)


def test_web_settings_are_parsed_by_type(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('web_allow_hosts = ["127.0.0.1:8080", "intranet.lan:8443"]\nweb_timeout_s = 3\n')
    monkeypatch.setenv("VERACITY_CONFIG", str(config))
    monkeypatch.setenv("VERACITY_WEB_DENY_DOMAINS", "tracker.test, ads.example")
    s = Settings.load(db=tmp_path / "s.db")
    assert s.web_allow_hosts == ("127.0.0.1:8080", "intranet.lan:8443")
    assert s.web_deny_domains == ("tracker.test", "ads.example") and s.web_timeout_s == 3.0
    assert Policy.from_settings(s.web_allow_hosts, s.web_deny_domains).allows("intranet.lan", 8443)
    from veracity.errors import ConfigError

    with pytest.raises(ConfigError, match="not host:port"):
        Policy.from_settings(("intranet.lan",), ())


class BrokenProvider:
    """A third-party provider with a bug of its own (the KeyError users of other tools meet on a rate limit)."""

    name = "broken"

    def search(self, query: str, *, max_results: int):
        return {}["results"]


def test_a_provider_that_crashes_is_a_problem_line_and_the_chain_goes_on(web):
    chain = Chain([BrokenProvider(), SearxngSearch(url=web.url("/searxng"))], Breaker())
    failures: list = []
    [answer] = chain.search("chicago", max_results=2, failures=failures)
    assert answer.provider == "searxng" and len(answer.results) == 2
    assert failures[0].message.startswith("BadResponse: broken: failed for 'chicago' (KeyError")


def test_the_web_setting_makes_every_check_search_the_web_and_a_worker_saved_check_replays(web, tmp_path):
    """The service's workers set `web` and save the check themselves (save=False): the web run is kept anyway."""
    from veracity.render.json import to_json
    from veracity.store.base import CheckRecord

    web.results = [f"/articles/{s}.html" for s in web_server.ARTICLES]
    try:
        engine = Engine(settings_for(web, tmp_path / "worker.db", web=True))
        stages: list[str] = []
        report = engine.check(QUESTION, save=False, on_stage=lambda stage, ms: stages.append(stage))
    finally:
        web.results = list(web_server.DEFAULT_RESULTS)
    # the web stage runs after plan, with the plan's queries, and before gather
    assert stages[:3] == ["plan", "web", "gather"] and list(report.timings_ms)[:3] == ["plan", "web", "gather"]
    assert report.web is not None and report.web.pages_read == 3 and not report.web.only
    engine.store.save_check(CheckRecord(id=report.id, question=report.question, created_at="2026-01-01T00:00:00",
                                        verdict=None, report_json=to_json(report)))
    asked = len(web.requests)
    again = engine.replay(report.id)
    assert len(web.requests) == asked  # nothing was asked of the server
    assert again.web is not None and again.web.replay_of == report.id
    assert [s.location for s in again.sources] == [s.location for s in report.sources]
    engine.close()
