"""The command line: parses arguments, calls the library, turns errors into one clear line."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from .errors import VeracityError
from .text import plural

if TYPE_CHECKING:
    from .engine import Engine
    from .settings import Settings
    from .types import Report
    from .worker import Worker

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Check a question or claim against your sources; every sentence of the report is cited.")
DB = typer.Option(None, "--db", help="the store: a SQLite file or a postgresql:// URI (env VERACITY_DB; default: "
                                     "per-user data directory)")
FORMAT = typer.Option("terminal", "--format", "-f", help="terminal, markdown, json or html")


def print_version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"veracity {__version__}")
        raise typer.Exit()


@app.callback()
def options(version: bool = typer.Option(False, "--version", callback=print_version, is_eager=True,
                                         help="print the version and exit")) -> None:
    """Check a question or claim against your sources; every sentence of the report is cited."""


@contextmanager
def errors() -> Iterator[None]:
    try:
        yield
    except VeracityError as exc:
        if os.environ.get("VERACITY_DEBUG") == "1":
            raise
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.echo("interrupted; whatever was fully written is kept, run the command again to resume", err=True)
        raise typer.Exit(130) from None


LLM = typer.Option(None, "--llm", help="LLM mode: OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1 "
                                       "(env VERACITY_LLM, or llm in the config file)")
MODEL = typer.Option(None, "--model", help="LLM mode: model name, e.g. qwen2.5:7b (env VERACITY_LLM_MODEL)")
GGUF = typer.Option(None, "--gguf", help="LLM mode without a server: a .gguf file run in-process (needs the gguf extra: pip install 'veracity\\[gguf]')")


def engine(db: str | None, *, create: bool, **overrides: Any) -> Engine:
    from .engine import Engine
    from .settings import Settings

    settings = Settings.load(db=db, **overrides)
    if create and db is None and settings.store == "sqlite" and not Path(settings.db).parent.exists():
        Path(settings.db).parent.mkdir(parents=True, exist_ok=True)
    return Engine(settings, create=create)


def emit(text: str, output: Path | None) -> None:
    if output:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            from .errors import InputError

            raise InputError(f"cannot write {output}: {exc.strerror}; nothing was written or saved, give another "
                             "-o FILE") from exc
        typer.echo(f"wrote {output}", err=True)
    else:
        typer.echo(text)


@app.command()
def ingest(paths: list[str] = typer.Argument(..., help="files and folders to add, or http(s) URLs of web pages"),
           db: str | None = DB,
           jobs: bool = typer.Option(False, "--jobs", help="queue the files as ingest batch jobs for `veracity "
                                                            "worker` processes instead of ingesting here"),
           job_mb: float = typer.Option(8.0, "--job-mb", help="with --jobs: megabytes of input per job, about")) -> None:
    """Add .txt, .md, .html, .pdf and .jsonl files (folders are walked), or web pages by URL, to the collection."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    with errors():
        if jobs:
            queue_ingest([Path(p) for p in paths], db, job_mb)
            return
        eng = engine(db, create=True)
        urls = [p for p in paths if p.lower().startswith(("http://", "https://"))]
        if urls:
            read, failures = eng.ingest_urls(urls)
            for failure in failures:
                typer.echo(f"skipped: {failure.message}", err=True)
            typer.echo(f"read {plural(read, 'web page')} of {len(urls)} into the store ({eng.where})")
            if len(urls) == len(paths):
                if failures:
                    raise typer.Exit(1)
                return
        paths = [p for p in paths if p not in urls]
        columns = (TextColumn("ingest"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
                   TextColumn("{task.description}"))
        with Progress(*columns, transient=True, disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task("", total=None)

            def progress(path: str, done: int, total: int) -> None:  # bytes of input
                bar.update(task, total=total, completed=done, description=Path(path).name[:40])

            summary = eng.ingest([Path(p) for p in paths], progress=progress)
        from .render.outline import printable as clean

        for line in summary.ignored:
            typer.echo(f"ignored: {clean(line)}", err=True)
        for line in summary.warnings:
            typer.echo(f"warning: {clean(line)}", err=True)
        for _, reason in summary.skipped:
            typer.echo(f"skipped: {clean(reason)}", err=True)
        counts = eng.counts()
        typer.echo(f"added {plural(summary.added, 'document')} ({plural(summary.passages, 'passage')}), "
                   f"{summary.duplicates} already present, {len(summary.skipped)} skipped; the store now holds "
                   f"{plural(counts['documents'], 'document')} in {plural(counts['groups'], 'independent group')} "
                   f"({eng.where})")
        if not summary.files and not summary.skipped:
            typer.echo("error: nothing to ingest: no file of a type veracity reads (see the lines above)", err=True)
            raise typer.Exit(1)
        if summary.skipped:
            raise typer.Exit(1)


def queue_ingest(paths: list[Path], db: str | None, job_mb: float) -> None:
    """`ingest --jobs`: one ingest job per batch of about job_mb megabytes of files (veracity.jobs.ingest_batches)."""
    from .errors import InputError
    from .jobs import ingest_batches

    batches = ingest_batches(paths, job_mb)
    for line in batches.ignored:
        typer.echo(f"ignored: {line}", err=True)
    for _, reason in batches.missing:
        typer.echo(f"skipped: {reason}", err=True)
    if not batches.files:
        raise InputError("no files to queue; give files or folders that hold .txt, .md, .html, .pdf or .jsonl")
    eng = engine(db, create=True)
    jobs = eng.jobs
    for request in batches.requests:
        jobs.submit_ingest(request)
    typer.echo(f"queued {plural(len(batches.requests), 'ingest job')} ({plural(batches.files, 'file')}) in "
               f"{eng.where}; run `veracity worker` to process them")
    if batches.missing:
        raise typer.Exit(1)


@app.command()
def search(query: str, db: str | None = DB, limit: int = typer.Option(10, help="passages to show"),
           mode: str = typer.Option("hybrid", help="hybrid, lexical or dense"),
           format: str = typer.Option("terminal", "--format", "-f", help="terminal or json")) -> None:
    """Hybrid (BM25 + dense) search of the collection. Each score runs from 0 to 1 in every mode: 1 is the
    best passage of this search (scores are relative to it, not probabilities)."""
    with errors():
        if mode not in ("hybrid", "lexical", "dense") or format not in ("terminal", "json"):
            from .errors import InputError

            raise InputError("--mode is hybrid, lexical or dense; --format is terminal or json")
        hits = engine(db, create=False).search(query, limit=limit, mode=mode)
        if format == "json":
            typer.echo(json.dumps([{"rank": i, "score": round(h.score, 5), "passage_id": h.passage.id,
                                    "text": h.passage.text, "title": h.document.title,
                                    "location": h.document.location, "published": h.document.published,
                                    "start": h.passage.start, "end": h.passage.end,
                                    "lexical_rank": h.lexical_rank, "dense_rank": h.dense_rank}
                                   for i, h in enumerate(hits, 1)], ensure_ascii=False, indent=2))
            return
        if not hits:
            typer.echo("no passages matched")
        for i, h in enumerate(hits, 1):
            from .render.outline import printable as clean

            date = h.document.published or "undated"
            typer.echo(f"{i}. [{h.score:.4f}] {clean(h.document.title)} ({date}) — {clean(h.document.location)}")
            typer.echo(f"   {clean(h.passage.text[:300])}")


@app.command()
def check(question: str | None = typer.Argument(None, help="the question or claim (not with --replay)"),
          db: str | None = DB, format: str = FORMAT,
          output: Path | None = typer.Option(None, "--output", "-o", help="write the report to this file"),
          as_of: str | None = typer.Option(None, "--as-of", help="ignore evidence published after YYYY-MM-DD"),
          verdict: bool = typer.Option(True, "--verdict/--no-verdict",
                                       help="judge the claim with the stance model (on by default)"),
          llm: str | None = LLM, model: str | None = MODEL, gguf: str | None = GGUF,
          extractive: bool = typer.Option(False, "--extractive", help="write without the configured LLM"),
          llm_stance: str | None = typer.Option(None, "--llm-stance", help="off, second (the LLM's stance as a "
                                                   "second opinion) or judge (the LLM's stance decides the verdict)"),
          verbose: bool = typer.Option(False, "--verbose", "-v", help="print timings per stage (and LLM usage)"),
          web: bool = typer.Option(False, "--web", help="also search the web (search_provider) and read the pages"),
          web_only: bool = typer.Option(False, "--web-only", help="search the web only, not the local collection"),
          refresh: bool = typer.Option(False, "--refresh", help="--web: ask the providers and servers again, "
                                                                "not the cache"),
          replay: str | None = typer.Option(None, "--replay", help="rerun a saved check on the same web snapshots "
                                                                   "and search results, with no network")) -> None:
    """Check a question or claim; prints the report and saves it in the store."""
    from .pipeline.plan import normalise
    from .render import FORMATS

    with errors():
        if format not in FORMATS:
            from .errors import InputError

            raise InputError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
        if replay is not None:
            if question or web or web_only:
                from .errors import InputError

                raise InputError("--replay ID takes no question and no --web / --web-only: it reruns that check")
        else:
            if question is None:
                from .errors import InputError

                raise InputError("give a question or claim to check (or --replay ID)")
            normalise(question)
        if llm_stance not in (None, "off", "second", "judge"):
            from .errors import InputError

            raise InputError(f"--llm-stance {llm_stance!r}: use off, second or judge")
        overrides = {"llm": "", "gguf": ""} if extractive else {"llm": llm, "llm_model": model, "gguf": gguf,
                                                                 "llm_stance": llm_stance}
        eng = engine(db, create=bool(web or web_only), **overrides)
        if replay is not None:
            report = eng.replay(replay, verdict=verdict, save=False)
        else:
            report = eng.check(str(question), as_of=as_of, verdict=verdict,
                               web="only" if web_only else "web" if web else None, refresh=refresh, save=False)
        if output is None:
            keep(eng, report)
            show_report(report, format, output)
        else:  # the file first, so a failed -o write saves nothing
            show_report(report, format, output)
            keep(eng, report)
        if verbose:
            typer.echo("timings (ms): " + ", ".join(f"{k} {v}" for k, v in report.timings_ms.items()), err=True)
            if report.llm is not None:
                u = report.llm
                typer.echo(f"llm {u.model}: {u.calls} calls, {u.tokens_in} tokens in, {u.tokens_out} out, "
                           f"{u.seconds} s; " + ", ".join(f"{k} {v.calls}x {v.tokens_in}+{v.tokens_out} "
                                                           f"tok {v.seconds} s" for k, v in (u.stages or {}).items()),
                           err=True)


def keep(eng: Engine, report: Report) -> None:
    """Save a check to the store's history; a read-only store is said in one line, and the check is not saved."""
    if eng.read_only:
        typer.echo(f"note: the store {eng.where} is read-only, so this check was not saved to its history",
                   err=True)
    else:
        eng.save(report)


def show_report(report: Report, format: str, output: Path | None) -> None:
    from .render import render

    if format == "terminal" and output is None:
        from .render.terminal import print_report

        print_report(report)
    else:
        emit(render(report, "markdown" if format == "terminal" else format), output)


@app.command()
def models(llm: str | None = LLM, model: str | None = MODEL, gguf: str | None = GGUF) -> None:
    """Show the models veracity uses, and whether the configured LLM answers."""
    from . import onnx_model
    from .embed import MODEL_SHA256 as EMBED_SHA
    from .embed import MiniLMEmbedder
    from .engine import llm_for
    from .settings import Settings, config_path
    from .stance import MODEL_PATH, MODEL_SHA256

    with errors():
        onnx_model.verified(Path(MiniLMEmbedder().model_path), EMBED_SHA)
        typer.echo(f"embedder  {MiniLMEmbedder.name}  sha256 {EMBED_SHA[:16]} ok")
        onnx_model.verified(MODEL_PATH, MODEL_SHA256)
        typer.echo(f"stance    veracity-stance-minilm-int8-v2  sha256 {MODEL_SHA256[:16]} ok (judge of record)")
        chosen = llm_for(Settings.load(llm=llm, llm_model=model, gguf=gguf))
        if chosen is None:
            typer.echo(f"llm       none configured: reports are extractive (set --llm URL --model NAME, "
                       f"VERACITY_LLM, or llm in {config_path()})")
            return
        typer.echo(f"llm       {chosen.name}: {chosen.ping()}")


def selected(settings: Settings) -> dict[str, str]:
    """The backend each kind's setting selects ('' where a kind is not configured: no LLM means extractive mode)."""
    from .plugins import SELECTED_BY

    chosen = {kind: str(getattr(settings, setting, "") or "") for kind, setting in SELECTED_BY.items()}
    chosen["llm"] = "gguf" if settings.gguf else chosen["llm"] if settings.llm else ""
    return chosen


@app.command()
def plugins() -> None:
    """The installed backends of every kind, the plugin that registered each, and the ones selected."""
    from .plugins import KINDS, registry
    from .settings import Settings

    with errors():
        chosen = selected(Settings.load())
        table = registry().backends()
    for kind in KINDS:
        rows = [b for b in table if b.kind == kind]
        picked = [name.strip() for name in chosen[kind].split(",")]  # search_provider may be a fallback chain
        names = ", ".join(f"{b.name}{' (selected)' if b.name in picked else ''} [{b.plugin}]" for b in rows)
        typer.echo(f"{kind}: {names or 'none installed'}")


@app.command()
def history(db: str | None = DB, limit: int = typer.Option(20, help="how many checks to list")) -> None:
    """List past checks, newest first."""
    with errors():
        rows = engine(db, create=False).history(limit)
        if not rows:
            typer.echo("no checks yet")
        for r in rows:
            from .render.outline import printable as clean

            typer.echo(f"{r.id}  {r.created_at}  {r.verdict or '-':<20} {clean(r.question)}")


@app.command()
def show(check_id: str, db: str | None = DB, format: str = FORMAT,
         output: Path | None = typer.Option(None, "--output", "-o", help="write the report to this file")) -> None:
    """Re-render a saved check without recomputing it."""
    with errors():
        show_report(engine(db, create=False).show(check_id), format, output)


@app.command("eval")
def evaluate(suite: str = typer.Argument(..., help="verdict, retrieval, endtoend, grounded, report or all"),
             data: Path | None = typer.Option(None, "--data", help="benchmark folder (default ../shared/data/bench)"),
             quick: bool = typer.Option(False, "--quick", help="a fixed sample that runs in minutes"),
             only: list[str] | None = typer.Option(None, "--only", help="keep this dataset (repeatable)"),
             out: Path = typer.Option(Path("eval-results"), "--out", help="folder for results.md, results.json and (verdict) predictions.jsonl"),
             work: Path | None = typer.Option(None, "--work", help="folder for the benchmark stores and cached scores (reused)")) -> None:
    """Score veracity on public benchmarks, beside published numbers; never downloads."""
    from rich.console import Console
    from rich.table import Table

    from . import eval as evaluation

    with errors():
        results = evaluation.run(suite, data, quick=quick, work=work, only=tuple(only or ()))
        for r in results:
            if r.skipped:
                typer.echo(f"skipped: {r.suite} / {r.dataset}: {r.skipped}", err=True)
        table = Table("suite", "dataset", "metric", "veracity", "reference", "target", "met")
        for r in results:
            for m in r.metrics:
                table.add_row(r.suite, r.dataset, m.name, f"{m.value:.4g}",
                              f"{m.reference:g}" if m.reference is not None else "",
                              f"{m.target:g}" if m.target is not None else "",
                              {None: "", True: "yes", False: "no"}[m.met])
        Console(width=max(Console().width, 130)).print(table)
        try:
            out.mkdir(parents=True, exist_ok=True)
            (out / "results.md").write_text(evaluation.to_markdown(results), encoding="utf-8")
            (out / "results.json").write_text(evaluation.to_json(results), encoding="utf-8")
            if any(r.predictions for r in results):
                evaluation.write_predictions(results, out / "predictions.jsonl")
        except OSError as exc:
            from .errors import InputError

            raise InputError(f"cannot write results to {out}: {exc.strerror}") from exc
        typer.echo(f"wrote {out / 'results.md'} and {out / 'results.json'}", err=True)


db_app = typer.Typer(no_args_is_help=True, help="Create, upgrade and copy stores.")
app.add_typer(db_app, name="db")


@db_app.command("migrate")
def db_migrate(db: str | None = DB) -> None:
    """Create the store's schema, or upgrade it with the migrations it lacks (SQLite and PostgreSQL)."""
    from .engine import Engine
    from .settings import Settings

    with errors():
        settings = Settings.load(db=db)
        if settings.store == "sqlite":
            Path(settings.db).parent.mkdir(parents=True, exist_ok=True)
        eng = Engine(settings, create=True)  # opening the store applies the migrations it lacks
        schema = eng.schema()
        eng.close()
        new = sorted(schema.applied_on_open)
        typer.echo(f"applied {', '.join(new)} to {eng.where}" if new else
                   f"{eng.where} is up to date ({plural(len(schema.applied), 'migration')})")


@db_app.command("copy")
def db_copy(source: Path = typer.Option(..., "--from", help="the SQLite store to copy"),
            target: str = typer.Option(..., "--to", help="the store to fill: a postgresql:// URI (or a SQLite file)"),
            batch: int = typer.Option(200, "--batch", help="documents per transaction")) -> None:
    """Copy a SQLite store (documents, passages, vectors, checks) into another store; rerun to resume."""
    from .engine import Engine
    from .errors import InputError
    from .settings import Settings

    with errors():
        if batch < 1:
            raise InputError("--batch must be at least 1")
        if not source.is_file():  # before the target is opened: a new target is created on open
            raise InputError(f"--from {source}: no such store file; give the path of the SQLite store to copy")
        eng = Engine(Settings.load(db=target), create=True)

        def progress(done: int, total: int) -> None:
            if sys.stderr.isatty():
                typer.echo(f"\r{done}/{total} documents", nl=False, err=True)

        summary = eng.copy_from(source, batch=batch, progress=progress)
        if sys.stderr.isatty():
            typer.echo("", err=True)
        counts = eng.counts()
        typer.echo(f"copied {plural(summary.copied, 'document')} and {plural(summary.checks, 'check')} from "
                   f"{source} to {eng.where} ({summary.present} already there); it now holds "
                   f"{plural(counts['documents'], 'document')}, {plural(counts['passages'], 'passage')}")
        if summary.fetches or summary.searches or summary.web_runs:
            typer.echo(f"web archive: {summary.fetches} page {'fetch' if summary.fetches == 1 else 'fetches'} and "
                       f"{plural(summary.searches, 'search response')} copied; "
                       f"{plural(summary.web_runs, 'web check')} can be replayed there")
        eng.close()


@app.command()
def worker(db: str | None = DB, once: bool = typer.Option(False, "--once", help="stop when the queue is empty"),
           max_jobs: int | None = typer.Option(None, "--max-jobs", help="stop after this many jobs")) -> None:
    """Run queued checks and ingests from the store's job queue (the service's jobs), one at a time."""
    import logging

    from .settings import Settings
    from .worker import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with errors():
        runner = start_worker(Settings.load(db=db), Worker)
        try:
            ran = runner.run(once=once, max_jobs=max_jobs)
        finally:
            runner.close()
        typer.echo(f"ran {plural(ran, 'job')}", err=True)


def start_worker(settings: Settings, worker_class: type[Worker]) -> Worker:
    """A Worker, once its store answers: while the database is unreachable, one line and a retry (backing off)."""
    import logging
    import time

    from .errors import BackendError

    delay = 0.5
    while True:
        try:
            return worker_class(settings)
        except BackendError as exc:
            if not exc.retryable:
                raise
            logging.getLogger("veracity.worker").warning("%s (retrying in %.1f s)", exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, 10.0)


@app.command()
def serve(db: str | None = DB, host: str = typer.Option("127.0.0.1", "--host", help="address to listen on"),
          port: int = typer.Option(8750, "--port", help="port to listen on"),
          workers: int | None = typer.Option(None, "--workers", help="jobs run at once (setting service_workers)")) -> None:
    """Serve the JSON API and the web pages (OpenAPI at /docs); checks and ingests run as jobs."""
    from .service.server import serve as run_server
    from .settings import Settings

    with errors():
        run_server(Settings.load(db=db, service_workers=workers), host=host, port=port)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
