"""What every `touchpoint` command shares: the consoles, the settings, progress bars, the user's errors.

Commands live in ``agent/cli.py``; other packages add theirs through the ``touchpoint.cli`` entry point
group (``evals/cli.py`` adds ``touchpoint eval``), and reach these helpers from here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from agent.settings import Settings

if TYPE_CHECKING:
    from knowledge.chroma_store import ChromaVectorStore
    from knowledge.documents import LoadResult
    from knowledge.ingest import IngestReport

PLUGIN_GROUP = "touchpoint.cli"
console = Console()
errors = Console(stderr=True)


@dataclass
class Plugins:
    """What a plugin may extend: the app, its command groups by name, and its own user errors (each
    printed as one line with exit status 2, like ``CliError``)."""

    app: typer.Typer
    groups: dict[str, typer.Typer]
    user_errors: list[type[Exception]] = field(default_factory=list)


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


def load_settings() -> Settings:
    settings = Settings.load()
    logging.getLogger().setLevel(settings.log_level)
    return settings


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console, transient=True
    )


def ensure_schema(settings: Settings) -> None:
    from agent.db.migrate import current_revision, head_revision

    if current_revision(settings.database_url) != head_revision():
        raise CliError(
            f"the database at {settings.database_url} is not up to date: run `touchpoint db upgrade`"
        )


def ingest_folder(settings: Settings, root: Path) -> tuple[LoadResult, ChromaVectorStore, IngestReport]:
    """Load a knowledge folder (printing the files that do not load) and bring the store in line with it."""
    from agent.container import build_embedder, build_vector_store
    from knowledge.documents import load_folder
    from knowledge.ingest import ingest

    if not root.is_dir():
        raise CliError(f"{root} is not a folder of Markdown files (see docs/knowledge.md)")
    loaded = load_folder(root)
    for error in loaded.errors:
        errors.print(f"[yellow]skipped[/] {error}")
    store = build_vector_store(settings, build_embedder(settings))
    with progress_bar() as progress:
        task = progress.add_task("embedding", total=None)
        report = ingest(
            loaded.documents,
            store,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    for message in report.errors:
        errors.print(f"[yellow]not embedded[/] {message}")
    return loaded, store, report


def safe_url(url: str) -> str:
    """A database URL for printing: never its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
