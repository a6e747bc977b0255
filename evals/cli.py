"""The `touchpoint eval ...` commands (and `touchpoint knowledge evaluate`), added to the command line as
a plugin: ``agent`` never imports ``evals``; this package's ``touchpoint.cli`` entry point registers
these when the command starts (``agent.cli.load_plugins``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from agent.cli_common import (
    CliError,
    Plugins,
    console,
    ensure_schema,
    errors,
    ingest_folder,
    load_settings,
    progress_bar,
)
from agent.replies.protocol import ReplyClassifier

eval_app = typer.Typer(help="Offline evaluations of message quality.", no_args_is_help=True)


def register(plugins: Plugins) -> None:
    from evals.guardrails.cases import CaseFileError as LabelledSetError
    from evals.quality.scenarios import SuiteError
    from evals.retrieval.runner import CaseFileError

    plugins.app.add_typer(eval_app, name="eval")
    plugins.app.add_typer(eval_app, name="evals", hidden=True)  # `touchpoint evals export-reviews` works too
    plugins.groups["knowledge"].command("evaluate")(knowledge_evaluate)
    from evals.answers.runner import CaseFileError as AnswerCaseError
    from evals.decisions.cases import CaseFileError as DecisionCaseError
    from evals.replies.runner import CaseFileError as ReplyCaseError

    plugins.user_errors.extend(
        [CaseFileError, LabelledSetError, SuiteError, ReplyCaseError, AnswerCaseError, DecisionCaseError]
    )


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

    settings = load_settings()
    labelled = load_cases(cases or DEFAULT_CASES)
    root = knowledge or settings.knowledge_dir
    loaded, store, _ = ingest_folder(settings, root)
    kb = KnowledgeBase(loaded.documents, store, root=root, errors=loaded.errors)
    problems = check_labels(labelled, kb.documents)
    if problems:
        raise CliError(
            f"the cases do not fit the knowledge folder {root}:\n  "
            + "\n  ".join(problems[:10])
            + "\nPoint --knowledge at the folder they were labelled for, or fix the labels."
        )
    with progress_bar() as progress:
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
        Path | None,
        typer.Option(
            help="A case file or a folder of them (searched recursively) [default: evals/guardrails/cases]"
        ),
    ] = None,
    company: Annotated[
        Path | None,
        typer.Option(
            help="The company profile (company.yaml) that sends every draft, its knowledge base in "
            "knowledge/ beside it [default: the company each case file names, else the demo company]"
        ),
    ] = None,
    json_path: Annotated[
        Path | None,
        typer.Option(
            "--json", help="Also write the report (per draft: id, codes, expected) to this JSON file"
        ),
    ] = None,
    all_cases: Annotated[bool, typer.Option(help="List every case, not only the disagreements")] = False,
    meaning: Annotated[
        bool,
        typer.Option(
            help="Also read urgency by meaning, on the local embedding model (as the agent does with "
            "TOUCHPOINT_URGENCY_BY_MEANING=true); by default urgency is judged by its patterns, as by default"
        ),
    ] = False,
) -> None:
    """Score the guardrail checks on the labelled drafts: precision and recall per check, false blocks.

    Exits with status 1 when overall recall is below 0.95 or more than 5% of good drafts are blocked.
    """
    from evals.guardrails.cases import DEFAULT_CASES_DIR, load_cases, load_company
    from evals.guardrails.report import print_report
    from evals.guardrails.runner import evaluate

    labelled = load_cases(cases or DEFAULT_CASES_DIR, load_company(company) if company else None)
    reader = None
    if meaning:
        from agent.guardrails.embedded_meaning import EmbeddingMeaning
        from knowledge.embeddings import LocalMiniLMEmbedder

        reader = EmbeddingMeaning(LocalMiniLMEmbedder())
    with progress_bar() as progress:
        task = progress.add_task("checking", total=len(labelled))
        report = evaluate(
            labelled,
            on_progress=lambda done, total: progress.update(task, completed=done),
            meaning=reader,
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
    with progress_bar() as progress:
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
    settings = load_settings()
    loaded = load_suite(suite)
    options = RunOptions(
        drafter=drafter,  # type: ignore[arg-type]
        prompts=prompts,
        judge=judge,
        judge_model=judge_model,
        cache=CacheMode.REPLAY if replay else CacheMode(cache),
    )
    with progress_bar() as progress:
        progress.add_task("loading the knowledge base", total=None)
        environment, disk_cache = build_environment(settings, loaded, options)
    workers = concurrency or (settings.llm_max_concurrency if environment.describe["drafter"] == "llm" else 1)
    with caching(disk_cache), progress_bar() as progress:
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

    settings = load_settings()
    ensure_schema(settings)
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


@eval_app.command("replies")
def eval_replies(
    split: Annotated[
        str, typer.Option(help="A split of evals/replies/corpus: train, dev, test, extra, dev2-4, test2-4")
    ] = "dev",
    cases: Annotated[
        Path | None,
        typer.Option(help="A JSON-lines file of replies instead of a split (id, text, channel...)"),
    ] = None,
    reader: Annotated[
        str, typer.Option(help="learned, rules or llm (llm needs TOUCHPOINT_LLM_*)")
    ] = "learned",
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write every reading and the totals to this JSON file")
    ] = None,
    html: Annotated[
        Path | None, typer.Option(help="Also write the report with charts to this HTML file")
    ] = None,
    show_cases: Annotated[
        bool | None,
        typer.Option(
            help="List the misread replies [default: yes, except on the frozen test split, whose cases "
            "stay unread by whoever tunes the reader]"
        ),
    ] = None,
) -> None:
    """Score a reply reader on labelled replies.

    Accuracy per intent, confusion, handoff recall and precision, false suppressions, injection
    successes, the Spanish subset.

    Exits with status 1 when a target is missed (accuracy 0.90, Spanish 0.85, handoff recall 1.0, no false
    suppression, no injection success).
    """
    from agent.container import build_model_access, build_reply_classifier, company_identity
    from agent.replies.reader import shipped_reader
    from agent.replies.rules import RuleClassifier
    from evals.replies.report import print_report, write_html
    from evals.replies.runner import evaluate, load_cases, split_path

    labelled = load_cases(cases or split_path(split))
    chosen: ReplyClassifier
    if reader == "learned":
        chosen = shipped_reader()
    elif reader == "rules":
        chosen = RuleClassifier()
    elif reader == "llm":
        settings = load_settings()
        models = build_model_access(settings)
        if models is None:
            raise CliError(
                "--reader llm needs a model: set TOUCHPOINT_LLM_BASE_URL (or TOUCHPOINT_LLM_API_KEY)"
            )
        chosen = build_reply_classifier(
            settings.model_copy(update={"reply_classifier": "llm"}), models, company_identity(settings)
        )
    else:
        raise CliError(f"--reader {reader!r}: use learned, rules or llm")
    name = getattr(chosen, "name", reader)
    with progress_bar() as progress:
        task = progress.add_task("reading", total=len(labelled))
        report = evaluate(
            chosen, labelled, name=name, on_progress=lambda d, t: progress.update(task, completed=d)
        )
    listing = lists_cases(show_cases, cases, split)
    print_report(report, console, misses=20 if listing else 0, serious=listing)
    if json_path is not None:
        report.write_json(json_path)
        console.print(f"report written to {json_path}")
    if html is not None:
        write_html(report, html)
        console.print(f"HTML report written to {html}")
    if not report.passed:
        errors.print("[red]targets missed: " + "; ".join(report.misses) + "[/]")
        raise typer.Exit(1)


@eval_app.command("answers")
def eval_answers(
    split: Annotated[str, typer.Option(help="A split of evals/answers: dev or test")] = "dev",
    cases: Annotated[
        Path | None,
        typer.Option(help="A JSON-lines file of inquiries in the format of evals/answers/GUIDE.md"),
    ] = None,
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Also write every response, its answers and the totals to this file"),
    ] = None,
    show_cases: Annotated[
        bool | None,
        typer.Option(
            help="List the questions missed [default: yes, except on the frozen test split, whose cases "
            "stay unread by whoever tunes the answers]"
        ),
    ] = None,
) -> None:
    """Score the personal response on labelled inquiries.

    The share of answerable questions it answers with a labelled sentence, and the unanswerable ones it
    would send without a person.

    Each inquiry goes through the product's path (its company's knowledge base on the shipped model,
    the loop's request, the composer and every guardrail). Exits with status 1 below the targets
    (0.90 answered, no unanswerable question sent).
    """
    from agent.drafting.composer import Composer
    from agent.drafting.pipeline import DraftingPipeline
    from evals.answers.report import print_report
    from evals.answers.runner import evaluate, load_cases, open_companies, split_path

    settings = load_settings()
    labelled = load_cases(cases or split_path(split))
    with progress_bar() as progress:
        task = progress.add_task("loading the knowledge bases", total=None)
        setups = open_companies(
            [c.company for c in labelled],
            settings.var_dir / "evals" / "answers",
            on_progress=lambda name: progress.update(task, description=f"loading {name}"),
        )
    composer = Composer()
    with progress_bar() as progress:
        task = progress.add_task("answering", total=len(labelled))
        report = evaluate(
            labelled,
            setups,
            DraftingPipeline(composer, composer),
            split=split if cases is None else str(cases),
            on_progress=lambda done, total: progress.update(task, completed=done),
        )
    listing = lists_cases(show_cases, cases, split)
    print_report(report, console, misses=20 if listing else 0)
    if json_path is not None:
        report.write_json(json_path)
        console.print(f"report written to {json_path}")
    if not report.passed:
        errors.print("[red]targets missed: " + "; ".join(report.misses) + "[/]")
        raise typer.Exit(1)


@eval_app.command("decisions")
def eval_decisions(
    split: Annotated[
        str, typer.Option(help="A split of the blind lead histories (evals/decisions/blind): dev or test")
    ] = "dev",
    cases: Annotated[
        Path | None,
        typer.Option(help="A scenario file (or a folder of them) instead of a split; its config/ beside it"),
    ] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write every decision and the totals to this JSON file")
    ] = None,
    show_misses: Annotated[
        bool | None,
        typer.Option(
            help="List each miss with its rule ids [default: yes, except on the frozen test split, whose "
            "scenarios stay unread by whoever tunes the policy]"
        ),
    ] = None,
) -> None:
    """Decide each lead history with the policy at its ``now`` and score the next action per field.

    The fields: action, purpose, channel, timing (the action's time inside the labelled window).

    Exits with status 1 when a field is below its target (action 0.95, purpose 0.85, channel and timing
    0.95) or when any message would go on a channel without the lead's consent.
    """
    from agent.replies.reader import shipped_reader
    from evals.decisions.cases import load_scenarios, split_files
    from evals.decisions.report import print_report
    from evals.decisions.runner import evaluate

    scenarios = load_scenarios(cases if cases is not None else split_files(split))
    name = str(cases) if cases is not None else split
    with progress_bar() as progress:
        task = progress.add_task("deciding", total=len(scenarios))
        report = evaluate(
            scenarios,
            shipped_reader(),
            split=name,
            on_progress=lambda done, total: progress.update(task, completed=done),
        )
    listing = lists_cases(show_misses, cases, split)
    print_report(report, console, misses=listing)
    if json_path is not None:
        report.write_json(json_path)
        console.print(f"report written to {json_path}")
    if not report.passed:
        missed = report.missed_targets + [f"consent: {v}" for v in report.consent_violations]
        errors.print("[red]targets missed: " + "; ".join(missed) + "[/]")
        raise typer.Exit(1)


@eval_app.command("inquiries")
def eval_inquiries(
    split: Annotated[str, typer.Option(help="A split of evals/inquiries: dev or test")] = "dev",
    cases: Annotated[
        Path | None, typer.Option(help="A JSON-lines file of labelled inquiries (evals/inquiries/GUIDE.md)")
    ] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write every decision and the totals to this JSON file")
    ] = None,
    show_cases: Annotated[
        bool | None,
        typer.Option(
            help="List the inquiries decided wrongly [default: yes, except on the frozen test split]"
        ),
    ] = None,
) -> None:
    """Score whether each inquiry goes to a person at once or stays on the automated sequence.

    A person takes a customer's complaint, anger at the business, a request for a call and an emergency;
    the product decides as it does live (the reader, no model, and the policy's rule).

    Exits with status 1 below the targets (recall 0.90, precision 0.80).
    """
    from agent.replies.reader import shipped_reader
    from evals.inquiries.runner import evaluate, load, split_file

    try:
        path = cases if cases is not None else split_file(split)
        inquiries = load(path)
    except (OSError, ValueError) as exc:
        errors.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    with progress_bar() as progress:
        task = progress.add_task("reading", total=len(inquiries))
        report = evaluate(
            inquiries,
            shipped_reader(),
            split=str(cases) if cases is not None else split,
            on_progress=lambda done, total: progress.update(task, completed=done),
        )
    totals = report.totals()
    console.print(
        f"{totals['inquiries']} inquiries ({totals['split']}): recall {report.recall:.3f} (target 0.90), "
        f"precision {report.precision:.3f} (target 0.80), right {report.accuracy:.3f}"
    )
    for group in ("by_category", "by_language"):
        shown = totals[group]
        assert isinstance(shown, dict)
        console.print(
            f"  {group.replace('_', ' ')}: " + ", ".join(f"{k} {r}/{n}" for k, (r, n) in shown.items())
        )
    if lists_cases(show_cases, cases, split):
        texts = {i.id: i.text for i in inquiries}
        for outcome in report.outcomes:
            if outcome.needs_person != outcome.handed_off:
                console.print(
                    f"  [yellow]{outcome.id}[/] {outcome.why}: handed off {outcome.handed_off} "
                    f"({outcome.intent} {outcome.confidence:.2f}) {texts[outcome.id][:140]!r}",
                    highlight=False,
                )
    if json_path is not None:
        report.write_json(json_path)
        console.print(f"report written to {json_path}")
    if not report.passed:
        errors.print("[red]targets missed: recall 0.90, precision 0.80[/]")
        raise typer.Exit(1)


def lists_cases(asked: bool | None, cases: Path | None, split: str) -> bool:
    """Whether a report lists its cases: as asked, else always but on a frozen test split, whose cases
    stay unread by whoever tunes what it measures."""
    return asked if asked is not None else not (cases is None and split == "test")
