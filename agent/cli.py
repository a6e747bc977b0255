"""The `touchpoint` command. Every subcommand has --help; errors say what to fix, without a traceback."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar
from zoneinfo import available_timezones

import typer
from rich.table import Table
from sqlalchemy.exc import OperationalError

from agent.cli_common import (
    PLUGIN_GROUP,
    CliError,
    Plugins,
    console,
    ensure_schema,
    errors,
    ingest_folder,
    load_settings,
    progress_bar,
    safe_url,
)
from agent.settings import DEVELOPMENT_SIGNING_SECRET, ENV_PREFIX, Settings, SettingsError

if TYPE_CHECKING:
    pass

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
replies_app = typer.Typer(help="The reply reader.", no_args_is_help=True)
secrets_app = typer.Typer(help="Secrets Touchpoint signs with.", no_args_is_help=True)
config_app = typer.Typer(
    help="The business's configuration folder (TOUCHPOINT_CONFIG_DIR).", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(leads_app, name="leads")
app.add_typer(knowledge_app, name="knowledge")
app.add_typer(users_app, name="users")
app.add_typer(replies_app, name="replies")
app.add_typer(config_app, name="config")
app.add_typer(secrets_app, name="secrets")
PLUGINS = Plugins(
    app=app,
    groups={
        "db": db_app,
        "leads": leads_app,
        "knowledge": knowledge_app,
        "users": users_app,
        "replies": replies_app,
        "config": config_app,
        "secrets": secrets_app,
    },
)

T = TypeVar("T")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest version."""
    from agent.db.migrate import upgrade

    settings = load_settings()
    upgrade(settings.database_url)
    console.print(f"database is at the latest schema ({safe_url(settings.database_url)})")


@db_app.command("current")
def db_current() -> None:
    """Show the schema version of the database."""
    from agent.db.migrate import current_revision

    console.print(current_revision(load_settings().database_url) or "empty (run `touchpoint db upgrade`)")


@knowledge_app.command("ingest")
def knowledge_ingest(
    path: Annotated[
        Path | None, typer.Argument(help="Knowledge folder (default: TOUCHPOINT_KNOWLEDGE_DIR)")
    ] = None,
) -> None:
    """Load a knowledge folder into the vector store; unchanged files cost nothing."""
    settings = load_settings()
    loaded, _, report = ingest_folder(settings, path or settings.knowledge_dir)
    console.print(
        f"{len(loaded.documents)} documents: {report.added} added, {report.updated} updated, "
        f"{report.removed} removed, {report.unchanged} unchanged; {report.chunks_written} chunks embedded"
    )
    if loaded.errors:
        raise CliError(f"{len(loaded.errors)} file(s) could not be loaded; fix them and run again")


@leads_app.command("import")
def leads_import(
    file: Annotated[Path, typer.Argument(help="CSV export with a header row; `email` or `phone` required")],
    history: Annotated[
        Path | None,
        typer.Option(
            help="JSONL file of the leads' past (touches sent, replies, events, unsubscribes, statuses), "
            "recorded as facts; all or nothing"
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Validate and report, write nothing")] = False,
) -> None:
    """Import existing leads from a CRM export: created, updated and rejected rows, with reasons.

    With --history, their past too (the loop acts on none of it; the worker decides next from all of it)."""
    from rich.progress import Progress

    from agent.clock import utcnow
    from agent.container import company_identity
    from agent.db.engine import build_engine, build_session_factory
    from agent.history_import import HistoryFileError, HistoryReport, import_history, read_history
    from agent.leads_import import import_leads, read_rows
    from agent.playbook import load_playbook
    from agent.replies.reader import shipped_reader
    from agent.services.leads import default_timezone

    settings = load_settings()
    lines = None
    if history is not None:
        lines, errors = read_history(history)
        if errors:
            raise HistoryFileError(history, errors)
    playbook = load_playbook(settings.config_dir)
    ensure_schema(settings)
    engine = build_engine(settings.database_url)
    recorded: HistoryReport | None = None
    try:
        session = build_session_factory(engine)()
        with session:
            now = utcnow()
            report = import_leads(
                session,
                read_rows(file),
                now=now,
                valid_timezones=available_timezones(),
                region=settings.phone_region,
                sequences=set(playbook.sequences),
                default_timezone=default_timezone(settings, company_identity(settings)),
            )
            if history is not None and lines is not None:
                with Progress(console=console, transient=True) as progress:
                    task = progress.add_task(f"history ({len(lines)} records)", total=len(lines))
                    try:
                        recorded = import_history(
                            session,
                            lines,
                            reader=shipped_reader(),
                            now=now,
                            region=settings.phone_region,
                            sequences=playbook.sequences,
                            progress=lambda done, _total: progress.update(task, completed=done),
                        )
                    except HistoryFileError as exc:
                        session.rollback()
                        raise HistoryFileError(history, exc.errors) from None
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
    if recorded is not None and history is not None:
        kinds = (
            ", ".join(f"{count} {kind}" for kind, count in sorted(recorded.recorded.items())) or "nothing new"
        )
        console.print(
            f"{history.name}: {recorded.total} records of {recorded.leads} leads recorded ({kinds}); "
            f"{recorded.already} already imported"
        )


def _check_user_email(email: str) -> None:
    """A user is their email: what they sign in with (the sign-in form takes only an email) and where
    they are told of handoffs. Anything else made a user nobody could ever sign in as."""
    if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email.strip()) is None:
        raise CliError(f"{email!r} is not an email address: a user signs in with their email")


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

    _check_user_email(email)
    settings = load_settings()
    ensure_schema(settings)
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

    _check_user_email(email)
    settings = load_settings()
    ensure_schema(settings)
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


@secrets_app.command("generate")
def secrets_generate() -> None:
    """Print a strong random secret (for TOUCHPOINT_SIGNING_SECRET or TOUCHPOINT_WEBHOOK_SECRET).

    Reads no settings, so it works before any are valid."""
    import secrets

    errors.print(f"a new secret: set {ENV_PREFIX}SIGNING_SECRET to it (and keep it secret)")
    print(secrets.token_urlsafe(32))


@config_app.command("check")
def config_check(
    folder: Annotated[
        Path | None, typer.Argument(help="The folder to check [default: TOUCHPOINT_CONFIG_DIR]")
    ] = None,
) -> None:
    """Validate the configuration folder and company profile without starting anything.

    The folder: sequences/, triggers.yaml, policy.yaml, company.yaml; each error names the file and the
    line. With no folder, checks the settings' one (and TOUCHPOINT_COMPANY_PROFILE), or the shipped
    defaults when none is set, and warns of what a business will want to change. Exits with status 1
    when something is wrong; warnings alone exit 0."""
    from agent.playbook import check_folder, load_playbook
    from agent.policy import PolicyConfig

    base = PolicyConfig()
    problems = []
    if folder is None:
        settings = load_settings()
        for warning in settings_warnings(settings):
            errors.print(f"[yellow]warning:[/] {warning}")
        folder, base = settings.config_dir, PolicyConfig.from_settings(settings)
        problems += _profile_problems(settings)
    problems += check_folder(folder) if folder is not None else []
    if problems:
        for problem in problems:
            errors.print(f"[red]error:[/] {problem}")
        raise typer.Exit(1)
    playbook = load_playbook(folder, base)
    policy = playbook.policy
    caps = ", ".join(f"{cap.name.removeprefix('cap.')} {cap.limit}" for cap in policy.caps)
    console.print(
        f"{folder or 'the shipped defaults'}: valid. {len(playbook.sequences)} sequences "
        f"({', '.join(sorted(playbook.sequences))}); caps {caps}; email {policy.email_hours}, "
        f"texts {policy.sms_hours}, calls {policy.phone_hours}"
    )


def _profile_problems(settings: Settings) -> list[str]:
    """The settings' company profile file, when it does not load (found using the product: a missing
    TOUCHPOINT_COMPANY_PROFILE file was reported valid, and the server then refused to start)."""
    from agent.company import ProfileError, load_profile

    if settings.company_profile is None:
        return []
    try:
        load_profile(settings.company_profile)
    except ProfileError as exc:
        return [f"{ENV_PREFIX}COMPANY_PROFILE: {exc}"]
    return []


EXAMPLE_COMPANY: str = Settings.model_fields["company_name"].default


def _has_own_profile(settings: Settings) -> bool:
    """Whether a company profile file is configured (the setting, or company.yaml in the folder)."""
    return settings.company_profile is not None or (
        settings.config_dir is not None and (settings.config_dir / "company.yaml").is_file()
    )


def settings_warnings(settings: Settings) -> list[str]:
    """What is safe to run with but not what a business means to send with: the shipped playbook, the
    example company's identity, the development signing secret. (Settings that are wrong are refused
    when they load.)"""

    warnings = []
    if settings.config_dir is None:
        warnings.append(
            f"{ENV_PREFIX}CONFIG_DIR is not set: the shipped sequences, triggers and policy are in use"
        )
    if not _has_own_profile(settings) and settings.company_name == EXAMPLE_COMPANY:
        warnings.append(
            f"emails are signed as the example company {EXAMPLE_COMPANY} ({settings.sender_email}): set "
            f"{ENV_PREFIX}COMPANY_PROFILE to your company profile (see evals/companies/*/company.yaml)"
        )
    if settings.signing_secret.get_secret_value() == DEVELOPMENT_SIGNING_SECRET:
        warnings.append(
            f"{ENV_PREFIX}SIGNING_SECRET is the development value: fine while {ENV_PREFIX}PUBLIC_BASE_URL "
            "is on this machine, refused once it is not (`touchpoint secrets generate` prints a strong one)"
        )
    return warnings


@replies_app.command("train")
def replies_train(
    corpus: Annotated[
        Path, typer.Option(help="Labelled replies: train.jsonl, extra.jsonl and dev.jsonl")
    ] = Path("evals/replies/corpus"),
    out: Annotated[Path | None, typer.Option(help="Where the model goes [default: the package's]")] = None,
) -> None:
    """Train the learned reply reader from labelled replies; its confidence is calibrated on dev.jsonl.

    The model is written with its version, which every reading records; commit it to ship it.
    """
    from agent.replies.model import MODEL_DIR
    from agent.replies.training import train

    if not (corpus / "dev.jsonl").is_file():
        raise CliError(f"{corpus} has no dev.jsonl: point --corpus at a folder of labelled replies")
    with progress_bar() as progress:
        task = progress.add_task("training", total=None)

        def show(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total)

        model = train(corpus, out or MODEL_DIR, on_progress=show)
    figures = model.meta.get("dev", {})
    console.print(
        f"reply reader {model.version}: {model.meta['training_cases']} training replies; "
        f"dev intent accuracy {figures.get('intent_accuracy')}; written to {out or MODEL_DIR}"
    )


@replies_app.command("export-corrections")
def replies_export_corrections(
    out: Annotated[Path, typer.Option(help="The JSON-lines file to write")] = Path(
        "var/replies/corrections.jsonl"
    ),
    days: Annotated[int, typer.Option(min=1, help="Corrections of the last DAYS days")] = 90,
) -> None:
    """Write the replies reps corrected (POST /v1/replies/{id}/correction) as labelled replies.

    Append them to evals/replies/corpus/extra.jsonl (never to the test split), then run
    `touchpoint replies train`.
    """
    from datetime import UTC, datetime, timedelta

    from agent.db.engine import build_engine, build_session_factory
    from agent.services.replies import corrections

    settings = load_settings()
    ensure_schema(settings)
    engine = build_engine(settings.database_url)
    try:
        with build_session_factory(engine)() as session:
            lines = [c.line for c in corrections(session, since=datetime.now(UTC) - timedelta(days=days))]
    finally:
        engine.dispose()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    console.print(f"{len(lines)} corrected repl{'y' if len(lines) == 1 else 'ies'} written to {out}")


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

    from agent.container import check_knowledge_dir, describe_channels

    settings = load_settings()
    _check_port(host, port)
    check_knowledge_dir(settings)
    _check_company_and_playbook(settings)
    ensure_schema(settings)
    # The server processes build their app from the environment (api.main:build_app), so the
    # command-line choices travel there as the settings they override.
    if worker is not None:
        os.environ[f"{ENV_PREFIX}API_RUNS_WORKER"] = "true" if worker else "false"
    _links_follow_port(settings, port)
    processes = processes or settings.api_processes
    console.print(
        f"Touchpoint is serving on http://{host}:{port} ({processes} process(es))\n"
        f"  API docs:     http://{host}:{port}/docs\n"
        f"  Inquiries:    POST http://{host}:{port}/v1/inquiries (public)\n"
        f"  Review queue: http://{host}:{port}/ (sign in; `touchpoint users create` sets a password)\n"
        f"  Channels:     {describe_channels(settings)}"
    )
    uvicorn.run(
        "api.main:build_app",
        factory=True,
        host=host,
        port=port,
        workers=processes,
        log_level="warning",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


# How long an idle keep-alive connection stays open. uvicorn's default, 5 s, is shorter than the idle
# timeout of the proxies and clients that reuse connections (60 s for most load balancers): one that
# reuses a connection just as the server closes it gets "Server disconnected without sending a response"
# instead of an answer. Longer than the proxy's, as the load balancers' own guides ask. (The same error in
# CI's burst of inquiries had another cause: see Outbox.send_after_response.)
KEEP_ALIVE_SECONDS = 75


def _links_follow_port(settings: Settings, port: int) -> bool:
    """Links in emails (unsubscribe, tracking) must reach the server: unless TOUCHPOINT_PUBLIC_BASE_URL
    is set, the default URL follows the port it serves on. Whether the settings changed."""
    if "public_base_url" in settings.model_fields_set or port == settings.public_base_url.port:
        return False
    os.environ[f"{ENV_PREFIX}PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    return True


def _check_company_and_playbook(settings: Settings) -> None:
    """A company profile or configuration folder that does not load stops the server before it says it
    is serving (found using the product: the banner came first, then the error from inside uvicorn)."""
    from agent.container import company_identity
    from agent.playbook import load_playbook
    from agent.policy import PolicyConfig

    company_identity(settings)
    load_playbook(settings.config_dir, PolicyConfig.from_settings(settings))


def _check_port(host: str, port: int) -> None:
    """Fail with the port and how to choose another, rather than uvicorn's own error, when it is taken."""
    import errno
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise CliError(f"cannot listen on {host!r} ({exc.strerror}): try --host 127.0.0.1") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            # Kept under 80 characters: the console wraps longer lines when it is not a terminal.
            if exc.errno == errno.EADDRINUSE:
                raise CliError(
                    f"port {port} is taken; pick another: --port {port + 1} (make run PORT={port + 1})"
                ) from None
            raise CliError(f"cannot listen on {host}:{port} ({exc.strerror}); pick another --port") from None


@app.command("worker")
def worker_command(
    once: Annotated[bool, typer.Option(help="Run one tick and exit")] = False,
    now: Annotated[
        str | None,
        typer.Option(
            help="With --once: the tick's clock, ISO 8601 with a zone (a simulation: what is due then "
            "is done, sent, and dated then)"
        ),
    ] = None,
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
    from agent.worker import Progress, TickReport, run_forever, tick

    fixed = _instant(now, "--now") if now is not None else None
    if fixed is not None and not once:
        raise CliError("--now needs --once: a worker that keeps running follows the real clock")
    settings = load_settings()
    if batch is not None:
        settings = settings.model_copy(update={"worker_batch": batch})
    ensure_schema(settings)
    # SIGTERM (systemd, Kubernetes) and Ctrl-C finish the lead in hand, then stop: nothing half-done.
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    services = build_services(settings, clock=(lambda: fixed) if fixed is not None else utcnow)

    def progress(step: Progress) -> None:  # a long tick (a model drafting) shows it is working
        console.print(f"{utcnow():%H:%M:%S} {step.line()}")

    try:
        if once:
            console.print(tick(services, on_progress=progress).summary())
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
        run_forever(services, interval=interval, stop=stop, on_tick=show, on_progress=progress)
    finally:
        services.close()


def _instant(value: str, option: str) -> datetime:
    """An ISO time with its zone: "10:00" alone is a different instant for every lead."""
    try:
        instant = datetime.fromisoformat(value.strip())
    except ValueError:
        raise CliError(f"{option} {value!r} is not a time: use ISO 8601, e.g. 2026-12-01T10:00:00Z") from None
    if instant.tzinfo is None:
        raise CliError(f"{option} {value!r} has no time zone: add one, e.g. 2026-12-01T10:00:00Z or +01:00")
    return instant


@app.command()
def decide(
    lead: Annotated[str, typer.Argument(help="The lead's id or email")],
    at: Annotated[
        str | None, typer.Option(help="When to decide, ISO 8601 with a zone (e.g. 2026-12-01T10:00:00Z)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
) -> None:
    """What the agent would do for LEAD at --at (default now): its decision, rules and draft.

    The decision, its rule ids and the draft it would write. Nothing is written: no touch, no decision,
    no message."""
    from agent.clock import utcnow
    from agent.container import build_services
    from agent.services.decide import what_next
    from agent.services.errors import DomainError

    instant = _instant(at, "--at") if at is not None else utcnow()
    settings = load_settings()
    ensure_schema(settings)
    services = build_services(settings)
    try:
        foresight = what_next(services.session_factory, services.loop, lead, actor=None, at=instant)
    except DomainError as exc:
        raise CliError(exc.message) from None
    finally:
        services.close()
    if as_json:
        print(json.dumps(foresight.as_dict(), ensure_ascii=False, indent=2, default=str))
        return
    console.print(f"[bold]{foresight.summary}[/] (at {foresight.at.isoformat()})", highlight=False)
    console.print(f"rules: {', '.join(foresight.rules) or '-'}", highlight=False)
    facts = {"purpose": foresight.purpose, "channel": foresight.channel, "reason": foresight.reason}
    when = foresight.when.isoformat() if foresight.when else "when something happens"
    console.print(
        "; ".join([f"when: {when}", *(f"{k}: {v}" for k, v in facts.items() if v)]), highlight=False
    )
    draft = foresight.draft
    if draft is None:
        return
    route = "would go by itself" if draft.route == "queued" else "would wait for a rep's review"
    console.print(f"\ndraft ({draft.drafter}; {route}):", highlight=False, markup=False)
    if draft.subject:
        console.print(f"Subject: {draft.subject}", highlight=False, markup=False)
    console.print(draft.body, highlight=False, markup=False)
    for violation in draft.violations:
        console.print(f"guardrail: {violation.get('code')}: {violation.get('message')}", markup=False)


@app.command()
def demo(
    leads: Annotated[Path | None, typer.Option(help="Demo leads CSV (default: the bundled one)")] = None,
    port: Annotated[
        int | None,
        typer.Option(help="The port you will serve on: the demo messages' links point there [default: 8000]"),
    ] = None,
) -> None:
    """Load the knowledge base and the demo leads, run the loop over them, and print what it did.

    The knowledge base is TOUCHPOINT_KNOWLEDGE_DIR's (the demo's by default); --leads replaces the
    bundled leads, which are the example company's prospects."""
    from agent.container import company_identity
    from agent.demo import DEMO_ADMIN, run_demo

    settings = load_settings()
    if port is not None and _links_follow_port(settings, port):
        settings = load_settings()
    if leads is None and _has_own_profile(settings):
        errors.print(
            f"[yellow]warning:[/] the bundled demo leads are prospects of the example company "
            f"{EXAMPLE_COMPANY} (appointment booking software), not of {company_identity(settings).name}: "
            "its answers to them will not fit. Pass --leads with a CSV of your own (the columns of "
            "agent/demo_leads.csv)"
        )
    from agent.db.migrate import upgrade

    upgrade(settings.database_url)
    with progress_bar() as progress:
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
    except OSError as exc:  # a path that is not there or not writable: the user's to fix, not a bug
        where = f"{exc.filename}: " if exc.filename else ""
        errors.print(f"[red]error:[/] {where}{exc.strerror or exc}")
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
    from agent.playbook import ConfigError
    from agent.replies.model import ModelFileError
    from agent.replies.training import CorpusError
    from agent.sequences import SequenceError
    from knowledge.embeddings import EmbeddingModelError
    from prompts.loader import PromptError

    return (
        ImportFileError,
        SequenceError,
        ConfigError,
        PromptError,
        EmbeddingModelError,
        ModelFileError,
        CorpusError,
        *PLUGINS.user_errors,
    )


def load_plugins() -> None:
    """Commands other packages add (``touchpoint eval ...`` comes from ``evals``), the way simonw/llm's
    plugins do: each entry point of the ``touchpoint.cli`` group is called once with ``PLUGINS``."""
    for entry_point in entry_points(group=PLUGIN_GROUP):
        entry_point.load()(PLUGINS)


load_plugins()


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    _run(lambda: app(standalone_mode=True))
