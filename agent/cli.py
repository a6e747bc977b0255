"""The `touchpoint` command. Every subcommand has --help; errors say what to fix, without a traceback."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar
from zoneinfo import available_timezones

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from sqlalchemy.exc import OperationalError

from agent.settings import ENV_PREFIX, Settings, SettingsError

if TYPE_CHECKING:
    from knowledge.chroma_store import ChromaVectorStore
    from knowledge.documents import LoadResult
    from knowledge.ingest import IngestReport

app = typer.Typer(
    help="Touchpoint: every inquiry answered within seconds, every lead followed up, reps in control.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
leads_app = typer.Typer(help="Leads.", no_args_is_help=True)
knowledge_app = typer.Typer(help="The knowledge base.", no_args_is_help=True)
users_app = typer.Typer(help="Users and API keys.", no_args_is_help=True)
eval_app = typer.Typer(help="Offline evaluations of message quality.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(leads_app, name="leads")
app.add_typer(knowledge_app, name="knowledge")
app.add_typer(users_app, name="users")
app.add_typer(eval_app, name="eval")
app.add_typer(eval_app, name="evals", hidden=True)  # `touchpoint evals export-reviews` works too

console = Console()
errors = Console(stderr=True)
T = TypeVar("T")


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


def _settings() -> Settings:
    settings = Settings.load()
    logging.getLogger().setLevel(settings.log_level)
    return settings


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console, transient=True
    )


def _ensure_schema(settings: Settings) -> None:
    from agent.db.migrate import current_revision, head_revision

    if current_revision(settings.database_url) != head_revision():
        raise CliError(
            f"the database at {settings.database_url} is not up to date: run `touchpoint db upgrade`"
        )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest version."""
    from agent.db.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    console.print(f"database is at the latest schema ({_safe_url(settings.database_url)})")


@db_app.command("current")
def db_current() -> None:
    """Show the schema version of the database."""
    from agent.db.migrate import current_revision

    console.print(current_revision(_settings().database_url) or "empty (run `touchpoint db upgrade`)")


def _ingest_folder(settings: Settings, root: Path) -> tuple[LoadResult, ChromaVectorStore, IngestReport]:
    """Load a knowledge folder (printing the files that do not load) and bring the store in line with it."""
    from knowledge.chroma_store import build_vector_store
    from knowledge.documents import load_folder
    from knowledge.embeddings import build_embedder
    from knowledge.ingest import ingest

    if not root.is_dir():
        raise CliError(f"{root} is not a folder of Markdown files (see docs/knowledge.md)")
    loaded = load_folder(root)
    for error in loaded.errors:
        errors.print(f"[yellow]skipped[/] {error}")
    store = build_vector_store(settings, build_embedder(settings))
    with _progress() as progress:
        task = progress.add_task("embedding", total=None)
        report = ingest(
            loaded.documents,
            store,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    for message in report.errors:
        errors.print(f"[yellow]not embedded[/] {message}")
    return loaded, store, report


@knowledge_app.command("ingest")
def knowledge_ingest(
    path: Annotated[
        Path | None, typer.Argument(help="Knowledge folder (default: TOUCHPOINT_KNOWLEDGE_DIR)")
    ] = None,
) -> None:
    """Load a knowledge folder into the vector store; unchanged files cost nothing."""
    settings = _settings()
    loaded, _, report = _ingest_folder(settings, path or settings.knowledge_dir)
    console.print(
        f"{len(loaded.documents)} documents: {report.added} added, {report.updated} updated, "
        f"{report.removed} removed, {report.unchanged} unchanged; {report.chunks_written} chunks embedded"
    )
    if loaded.errors:
        raise CliError(f"{len(loaded.errors)} file(s) could not be loaded; fix them and run again")


@knowledge_app.command("evaluate")
def knowledge_evaluate(
    cases: Annotated[
        Path | None, typer.Option(help="Labelled lead situations (default: evals/retrieval/cases.yaml)")
    ] = None,
    knowledge: Annotated[
        Path | None,
        typer.Option(
            help="The knowledge folder the cases are labelled for (default: TOUCHPOINT_KNOWLEDGE_DIR)"
        ),
    ] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write the report to this JSON file")
    ] = None,
    min_recall: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Exit with status 1 when recall@3 is below this")
    ] = 0.90,
    misses_only: Annotated[bool, typer.Option(help="List only the cases that missed a document")] = False,
) -> None:
    """Measure retrieval on labelled lead situations: recall@3 and MRR, per case and overall."""
    from evals.retrieval.report import print_report
    from evals.retrieval.runner import DEFAULT_CASES, check_labels, evaluate, load_cases
    from knowledge.retrieval import KnowledgeBase

    settings = _settings()
    labelled = load_cases(cases or DEFAULT_CASES)
    root = knowledge or settings.knowledge_dir
    loaded, store, _ = _ingest_folder(settings, root)
    kb = KnowledgeBase(loaded.documents, store, root=root, errors=loaded.errors)
    problems = check_labels(labelled, kb.documents)
    if problems:
        raise CliError(
            f"the cases do not fit the knowledge folder {root}:\n  "
            + "\n  ".join(problems[:10])
            + "\nPoint --knowledge at the folder they were labelled for, or fix the labels."
        )
    with _progress() as progress:
        task = progress.add_task("evaluating", total=len(labelled))
        report = evaluate(
            kb,
            labelled,
            target=min_recall,
            on_progress=lambda done, total: progress.update(task, completed=done),
        )
    print_report(report, console, misses_only=misses_only)
    if json_path is not None:
        report.write_json(json_path)
        console.print(f"report written to {json_path}")
    if not report.passed:
        errors.print(f"[red]recall@3 {report.overall.recall:.3f} is below {min_recall:.2f}[/]")
        raise typer.Exit(1)


@eval_app.command("guardrails")
def eval_guardrails(
    cases: Annotated[
        Path | None, typer.Option(help="A case file or a folder of them [default: evals/guardrails/cases]")
    ] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write the report to this JSON file")
    ] = None,
    all_cases: Annotated[bool, typer.Option(help="List every case, not only the disagreements")] = False,
) -> None:
    """Score the guardrail checks on the labelled drafts: precision and recall per check, false blocks.

    Exits with status 1 when overall recall is below 0.95 or more than 5% of good drafts are blocked.
    """
    from evals.guardrails.cases import DEFAULT_CASES_DIR, load_cases, load_company
    from evals.guardrails.report import print_report
    from evals.guardrails.runner import evaluate

    labelled = load_cases(cases or DEFAULT_CASES_DIR)
    with _progress() as progress:
        task = progress.add_task("checking", total=len(labelled))
        report = evaluate(
            labelled, load_company(), on_progress=lambda done, total: progress.update(task, completed=done)
        )
    print_report(report, console, all_cases=all_cases)
    if json_path is not None:
        report.write_json(json_path)
        console.print(f"report written to {json_path}")
    if not report.passed:
        errors.print(
            f"[red]targets missed: recall {report.recall:.3f} (target {report.target_recall:.2f}), false "
            f"blocks {report.false_block_rate:.1%} (target {report.target_false_blocks:.0%})[/]"
        )
        raise typer.Exit(1)


@eval_app.command("tone")
def eval_tone(
    situations: Annotated[
        Path | None, typer.Option(help="Leads and situations [default: evals/tone/situations.yaml]")
    ] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write the report, with every draft, to this JSON file")
    ] = None,
) -> None:
    """Draft the same situations for contrasting leads with the composer and measure how they differ."""
    from evals.tone.report import print_report
    from evals.tone.runner import DEFAULT_SITUATIONS, evaluate, load_situations

    tone_file = load_situations(situations or DEFAULT_SITUATIONS)
    with _progress() as progress:
        task = progress.add_task("drafting", total=len(tone_file.leads) * len(tone_file.situations))
        report = evaluate(tone_file, on_progress=lambda done, total: progress.update(task, completed=done))
    print_report(report, console)
    if json_path is not None:
        report.write_json(json_path)
        console.print(f"report written to {json_path}")


@eval_app.command("run")
def eval_run(
    suite: Annotated[
        str, typer.Option(help="A suite name (evals/quality/suites/NAME.yaml) or a path")
    ] = "default",
    drafter: Annotated[
        str | None,
        typer.Option(
            help="composer or llm [default: llm when TOUCHPOINT_LLM_BASE_URL is set, else composer]"
        ),
    ] = None,
    prompts: Annotated[
        str | None,
        typer.Option(help="Drafter prompt version, prompts/drafter-VERSION.yaml [default: settings]"),
    ] = None,
    judge: Annotated[
        bool, typer.Option(help="Score drafts with the LLM judge when a model is configured")
    ] = True,
    judge_model: Annotated[
        str | None, typer.Option(help="The judge's model [default: TOUCHPOINT_LLM_MODEL]")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for result.json, report.html, junit.xml [default: var/evals/runs/..]"),
    ] = None,
    cache: Annotated[str, typer.Option(help="Model answers on disk: use, refresh or off")] = "use",
    replay: Annotated[bool, typer.Option(help="Only recorded answers: make no model call at all")] = False,
    concurrency: Annotated[
        int | None, typer.Option(min=1, help="Scenarios at once [default: TOUCHPOINT_LLM_MAX_CONCURRENCY]")
    ] = None,
) -> None:
    """Run a message-quality suite: JSON result, HTML report and JUnit XML.

    Exit status: 0 every threshold met, 1 quality below a threshold, 3 judge or model errors beyond the
    suite's max_error_rate (quality is then not gated), 2 a usage error.
    """
    from datetime import UTC, datetime

    from evals.quality.cache import CacheMode, caching
    from evals.quality.console import print_result
    from evals.quality.junit import write_junit
    from evals.quality.report import write_html
    from evals.quality.runner import run_suite
    from evals.quality.scenarios import load_suite
    from evals.quality.wiring import RunOptions, build_environment

    if drafter not in (None, "composer", "llm"):
        raise CliError(f"--drafter {drafter!r}: use composer or llm")
    if cache not in ("use", "refresh", "off"):
        raise CliError(f"--cache {cache!r}: use use, refresh or off")
    settings = _settings()
    loaded = load_suite(suite)
    options = RunOptions(
        drafter=drafter,  # type: ignore[arg-type]
        prompts=prompts,
        judge=judge,
        judge_model=judge_model,
        cache=CacheMode.REPLAY if replay else CacheMode(cache),
    )
    with _progress() as progress:
        progress.add_task("loading the knowledge base", total=None)
        environment, disk_cache = build_environment(settings, loaded, options)
    workers = concurrency or (settings.llm_max_concurrency if environment.describe["drafter"] == "llm" else 1)
    with caching(disk_cache), _progress() as progress:
        task = progress.add_task(f"suite {loaded.name}", total=len(loaded.scenarios))
        result = run_suite(
            loaded,
            environment,
            concurrency=workers,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    result["run"]["cache"] = disk_cache.stats.as_dict()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder = (
        out
        or settings.var_dir / "evals" / "runs" / f"{loaded.name}-{environment.describe['drafter']}-{stamp}"
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "result.json").write_text(
        json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    write_html(result, folder / "report.html")
    write_junit(result, folder / "junit.xml")
    print_result(result, console)
    console.print(f"written: {folder}/result.json, report.html, junit.xml")
    verdict = result["verdict"]
    style = "green" if verdict["exit_code"] == 0 else "red"
    console.print(f"[{style}]{verdict['summary']}[/]")
    raise typer.Exit(verdict["exit_code"])


@eval_app.command("compare")
def eval_compare(
    baseline: Annotated[Path, typer.Argument(help="The baseline run: its folder or its result.json")],
    candidate: Annotated[Path, typer.Argument(help="The candidate run: its folder or its result.json")],
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write the comparison to this file")
    ] = None,
    cases: Annotated[int, typer.Option(min=0, help="Regressed cases to list")] = 25,
) -> None:
    """Compare two runs: per-metric deltas with 95% bootstrap intervals, and the cases that regressed.

    Exit status 1 when a metric regressed beyond its confidence interval, else 0.
    """
    from evals.quality.compare import compare, load_result
    from evals.quality.console import print_comparison

    comparison = compare(load_result(baseline), load_result(candidate))
    print_comparison(comparison, console, cases=cases)
    if json_path is not None:
        json_path.write_text(json.dumps(comparison.as_dict(), indent=1) + "\n", encoding="utf-8")
        console.print(f"comparison written to {json_path}")
    if comparison.regressed:
        raise typer.Exit(1)


@leads_app.command("import")
def leads_import(
    file: Annotated[Path, typer.Argument(help="CSV export with a header row; `email` or `phone` required")],
    dry_run: Annotated[bool, typer.Option(help="Validate and report, write nothing")] = False,
) -> None:
    """Import existing leads from a CRM export: created, updated and rejected rows, with reasons."""
    from agent.clock import utcnow
    from agent.db.engine import build_engine, build_session_factory
    from agent.leads_import import import_leads, read_rows

    settings = _settings()
    _ensure_schema(settings)
    engine = build_engine(settings.database_url)
    try:
        session = build_session_factory(engine)()
        with session:
            report = import_leads(
                session, read_rows(file), now=utcnow(), valid_timezones=available_timezones()
            )
            if dry_run:
                session.rollback()
            else:
                session.commit()
    finally:
        engine.dispose()
    table = Table(
        "line", "outcome", "detail", title=f"{file.name}{' (dry run: nothing written)' if dry_run else ''}"
    )
    for row in report.rows:
        if row.outcome == "rejected" or len(report.rows) <= 50:
            table.add_row(str(row.line), row.outcome, row.detail)
    console.print(table)
    console.print(
        f"{report.count('created')} created, {report.count('updated')} updated, "
        f"{report.count('rejected')} rejected"
    )


@users_app.command("create-key")
def users_create_key(
    email: Annotated[str, typer.Argument(help="The user's email; the user is created if new")],
    name: Annotated[str, typer.Option(help="The user's name, for a new user")] = "",
    admin: Annotated[bool, typer.Option(help="Make a new user an admin")] = False,
    label: Annotated[str, typer.Option(help="What the key is for")] = "cli",
) -> None:
    """Create an API key. It is printed once and stored only as a hash."""
    from agent.clock import utcnow
    from agent.db.engine import build_engine, build_session_factory
    from agent.domain import UserRole
    from agent.users import ensure_user, issue_key

    settings = _settings()
    _ensure_schema(settings)
    engine = build_engine(settings.database_url)
    try:
        with build_session_factory(engine).begin() as session:
            role = UserRole.ADMIN if admin else UserRole.REP
            user = ensure_user(
                session, email=email, name=name or email.split("@")[0], role=role, now=utcnow()
            )
            key = issue_key(session, user, name=label, now=utcnow())
    finally:
        engine.dispose()
    console.print(f"API key for {email} (shown once, keep it secret):")
    print(key)


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Argument(help="The user's email: what they sign in with")],
    name: Annotated[str, typer.Option(help="Their name, for a new user")] = "",
    admin: Annotated[bool, typer.Option(help="Make a new user an admin (admins act on every lead)")] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input instead of asking")
    ] = False,
) -> None:
    """Create a rep or admin who signs in to the review page, or set an existing user's password."""
    from agent.clock import utcnow
    from agent.db.engine import build_engine, build_session_factory
    from agent.domain import UserRole
    from agent.users import PasswordError, set_password

    settings = _settings()
    _ensure_schema(settings)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    engine = build_engine(settings.database_url)
    try:
        with build_session_factory(engine).begin() as session:
            user = set_password(
                session,
                email=email,
                password=password,
                name=name or email.split("@")[0],
                role=UserRole.ADMIN if admin else UserRole.REP,
                now=utcnow(),
            )
            role = user.role
    except PasswordError as exc:
        raise CliError(f"password not set: {exc}") from None
    finally:
        engine.dispose()
    console.print(f"{email} ({role}) can sign in at {str(settings.public_base_url).rstrip('/')}/login")


@eval_app.command("export-reviews")
def eval_export_reviews(
    out: Annotated[Path, typer.Option(help="The scenario file to write")] = Path(
        "var/evals/from-reviews.yaml"
    ),
    days: Annotated[int, typer.Option(min=1, help="Reviews of the last DAYS days")] = 90,
    keep_contacts: Annotated[
        bool, typer.Option(help="Keep the leads' real email addresses and phone numbers (default: replaced)")
    ] = False,
) -> None:
    """Turn drafts reps approved, edited, rejected or redrafted into message-quality eval scenarios.

    Writes a file in the format of evals/quality/scenarios/*.yaml; copy it there to run it with the
    default suite (`touchpoint eval run`).
    """
    from datetime import UTC, datetime, timedelta

    from agent.db.engine import build_engine, build_session_factory
    from evals.review_export import export_reviews

    settings = _settings()
    _ensure_schema(settings)
    engine = build_engine(settings.database_url)
    try:
        with build_session_factory(engine)() as session:
            since = datetime.now(UTC) - timedelta(days=days)
            exported = export_reviews(session, since=since, keep_contacts=keep_contacts)
    finally:
        engine.dispose()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(exported.text, encoding="utf-8")
    for reason in exported.skipped:
        errors.print(f"[yellow]skipped[/] {reason}")
    console.print(f"{exported.scenarios} scenario(s) written to {out}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    worker: Annotated[
        bool | None,
        typer.Option(help="Also run the worker in this process [default: TOUCHPOINT_API_RUNS_WORKER]"),
    ] = None,
    processes: Annotated[
        int | None, typer.Option(help="Server processes [default: TOUCHPOINT_API_PROCESSES]", min=1)
    ] = None,
) -> None:
    """Serve the API and the reps' pages (and, by default, the worker)."""
    import uvicorn

    from agent.container import describe_channels

    settings = _settings()
    _ensure_schema(settings)
    # The server processes build their app from the environment (api.main:build_app), so the
    # command-line choices travel there as the settings they override.
    if worker is not None:
        os.environ[f"{ENV_PREFIX}API_RUNS_WORKER"] = "true" if worker else "false"
    processes = processes or settings.api_processes
    console.print(
        f"Touchpoint is serving on http://{host}:{port} ({processes} process(es))\n"
        f"  API docs:     http://{host}:{port}/docs\n"
        f"  Inquiries:    POST http://{host}:{port}/v1/inquiries (public)\n"
        f"  Review queue: http://{host}:{port}/ (sign in; `touchpoint users create` sets a password)\n"
        f"  Channels:     {describe_channels(settings)}"
    )
    uvicorn.run(
        "api.main:build_app", factory=True, host=host, port=port, workers=processes, log_level="warning"
    )


@app.command("worker")
def worker_command(
    once: Annotated[bool, typer.Option(help="Run one tick and exit")] = False,
    interval: Annotated[
        float | None, typer.Option(help="Seconds between ticks [default: TOUCHPOINT_WORKER_INTERVAL_SECONDS]")
    ] = None,
    batch: Annotated[
        int | None, typer.Option(help="Due leads claimed per tick [default: TOUCHPOINT_WORKER_BATCH]", min=1)
    ] = None,
) -> None:
    """Run due follow-ups and send the outbox; run as many as you like against one PostgreSQL.

    Each tick claims due leads under a lease (other workers skip them; a worker that dies gives them
    back when the lease expires), decides for each, drafts and hands off where needed, and sends what
    is queued. On SQLite run one worker (the API's built-in worker counts as one).
    """
    from agent.clock import utcnow
    from agent.container import build_services
    from agent.notify import run_notifications
    from agent.worker import TickReport, run_forever, tick

    settings = _settings()
    if batch is not None:
        settings = settings.model_copy(update={"worker_batch": batch})
    _ensure_schema(settings)
    # SIGTERM (systemd, Kubernetes) and Ctrl-C finish the lead in hand, then stop: nothing half-done.
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    services = build_services(settings)
    try:
        if once:
            console.print(tick(services).summary())
            services.notifier.sweep()
            return
        interval = interval or settings.worker_interval_seconds
        console.print(
            f"worker running (every {interval}s, up to {settings.worker_batch} leads a tick); Ctrl-C stops it"
        )

        def show(report: TickReport) -> None:
            console.print(f"{utcnow():%H:%M:%S} {report.summary()}")

        # Handoff notifications (new, and targets missed) go out from every worker; each once.
        threading.Thread(
            target=run_notifications,
            args=(services.notifier,),
            kwargs={"interval": interval, "stop": stop},
            name="touchpoint-notify",
            daemon=True,
        ).start()
        run_forever(services, interval=interval, stop=stop, on_tick=show)
    finally:
        services.close()


@app.command()
def demo(
    leads: Annotated[Path | None, typer.Option(help="Demo leads CSV (default: the bundled one)")] = None,
) -> None:
    """Load the demo knowledge base and leads, run the loop over them, and print what it did."""
    from agent.demo import DEMO_ADMIN, run_demo

    settings = _settings()
    from agent.db.migrate import upgrade

    upgrade(settings.database_url)
    with _progress() as progress:
        result = run_demo(settings, leads_file=leads, progress=progress)
    table = Table("lead", "industry", "what happened", "cites", title="What Touchpoint did")
    for row in result.rows:
        table.add_row(*row)
    console.print(table)
    console.print(result.summary)
    if result.api_key:
        console.print(f"Demo admin API key (shown once): [bold]{result.api_key}[/]")
    if result.password:
        console.print(
            f"Review queue sign-in (shown once): [bold]{DEMO_ADMIN}[/] / [bold]{result.password}[/] "
            f"(change it: touchpoint users create {DEMO_ADMIN})"
        )


def _safe_url(url: str) -> str:
    """A database URL for printing: never its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _run(func: Callable[[], T]) -> T | None:
    try:
        return func()
    except (SettingsError, CliError) as exc:
        errors.print(f"[red]error:[/] {exc}")
    except OperationalError as exc:
        errors.print(
            f"[red]error:[/] cannot reach the database ({exc.orig or exc}); check TOUCHPOINT_DATABASE_URL "
            "and that the server is running"
        )
    except _known_errors() as exc:
        errors.print(f"[red]error:[/] {exc}")
    except Exception as exc:  # a bug, not a user error: one line, the traceback only when asked for
        logging.getLogger(__name__).debug("cli.unexpected_error", exc_info=True)
        errors.print(
            f"[red]error:[/] unexpected {type(exc).__name__}: {exc}\n"
            "This is a bug in Touchpoint: run again with TOUCHPOINT_LOG_LEVEL=DEBUG "
            "for the traceback, and report it."
        )
        sys.exit(1)
    sys.exit(2)


def _known_errors() -> tuple[type[Exception], ...]:
    from agent.leads_import import ImportFileError
    from agent.sequences import SequenceError
    from evals.guardrails.cases import CaseFileError as LabelledSetError
    from evals.quality.scenarios import SuiteError
    from evals.retrieval.runner import CaseFileError
    from knowledge.embeddings import EmbeddingModelError
    from prompts.loader import PromptError

    return (
        ImportFileError,
        SequenceError,
        PromptError,
        EmbeddingModelError,
        CaseFileError,
        LabelledSetError,
        SuiteError,
    )


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    _run(lambda: app(standalone_mode=True))
