"""The labelled guardrail set: well-formed, hard enough, honestly scored, and the checks meet the targets."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from evals.guardrails.cases import CODES, DEFAULT_CASES_DIR, Case, CaseFileError, load_cases, load_company
from evals.guardrails.runner import (
    TARGET_FALSE_BLOCKS,
    TARGET_RECALL,
    CaseResult,
    Report,
    evaluate,
    run_case,
)
from tests.evals.commands import run_cli, run_touchpoint

HEADER = """\
now: 2026-11-23T15:00:00+00:00
leads:
  dana: {id: lead-dana, first_name: Dana, company: Luna Hair Studio, timezone: America/Chicago}
sources:
  guide:
    id: resources/guide
    type: resource
    title: The no-show guide
    url: https://northstar-bookings.example/guide
    text: Reminders the day before cut no-shows by 38%.
  offer:
    id: offers/spring
    type: offer
    title: Spring offer
    text: Half price until 2027-03-31.
cases:
"""
GOOD_BODY = (
    "Hi Dana,\\n\\nReminders the day before cut no-shows by 38%, as our no-show guide explains in two pages "
    "you can read over a coffee: https://northstar-bookings.example/guide. It walks through the wording "
    "clients answer, when to send each reminder, and what to do when someone still does not turn up, so "
    "you can set it up in an afternoon.\\n\\nWhich day of the week hurts most?\\n\\nBest,\\nMaya"
)


BLIND = DEFAULT_CASES_DIR.parent / "blind"


def case_file(tmp_path: Path, cases: str, name: str = "cases.yaml", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text(header + textwrap.indent(textwrap.dedent(cases), "  "), encoding="utf-8")
    return path


def good_case(case_id: str = "good", **fields: str) -> str:
    lines = {
        "id": case_id,
        "style": "llm",
        "channel": "email",
        "purpose": "value_add",
        "lead": "dana",
        "sources": "[guide]",
        "subject": "The no-show guide",
        "body": f'"{GOOD_BODY}"',
        "expect": "[]",
        **fields,
    }
    first, *rest = (f"{key}: {value}" for key, value in lines.items())
    return "\n".join([f"- {first}", *(f"  {line}" for line in rest)]) + "\n"


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_cases()


class TestTheLabelledSet:
    def test_it_has_at_least_80_drafts_about_40_percent_good(self, cases: list[Case]) -> None:
        good = sum(case.good for case in cases)

        assert len(cases) >= 80
        assert 0.35 <= good / len(cases) <= 0.5

    def test_every_check_code_is_labelled_somewhere(self, cases: list[Case]) -> None:
        blind_dev = load_cases(BLIND / "dev")
        labelled = {code for case in [*cases, *blind_dev] for code in case.expect}

        assert labelled == CODES

    def test_good_drafts_come_from_the_composer_and_from_a_model(self, cases: list[Case]) -> None:
        styles = Counter(case.model.style for case in cases if case.good)

        assert styles["composer"] >= 5 and styles["llm"] >= 20

    def test_the_tricky_kinds_the_issue_asks_for_are_there(self, cases: list[Case]) -> None:
        tags = Counter(tag for case in cases for tag in case.model.tags)
        wanted = {
            "restated-figure", "near-miss-name", "invented-person", "changed-url", "invented-date",
            "invented-contact", "invented-integration", "urgency", "re-subject", "rhetorical-question",
            "call-timing", "duplicate", "placeholder", "filler", "caps", "length", "jargon",
            "british-spelling", "name-at-sentence-start", "title-question", "sms",
        }  # fmt: skip

        assert {tag for tag in wanted if tags[tag] == 0} == set()

    def test_every_lead_is_drafted_to_by_email_and_by_sms(self, cases: list[Case]) -> None:
        channels = Counter(case.model.channel.value for case in cases)

        assert channels["email"] >= 60 and channels["sms"] >= 10


class TestLoading:
    def test_a_case_file_with_references_resolves_them(self, tmp_path: Path) -> None:
        path = case_file(tmp_path, good_case())

        [case] = load_cases(path)

        assert case.lead.first_name == "Dana"
        assert [s.id for s in case.sources] == ["resources/guide"]
        assert case.good and case.context().lead == case.lead

    def test_the_context_is_the_drafting_code_s_own(self, tmp_path: Path) -> None:
        path = case_file(tmp_path, good_case(live_offers="[offers/spring]", sources="[guide, offer]"))

        context = load_cases(path)[0].context()

        assert context.allowed_phrases == ("Tuesday at 10:00", "Wednesday at 14:00")  # the lead's own time
        assert context.live_offer_ids == frozenset({"offers/spring"})
        assert context.max_reading_grade == 11.0 and context.purpose == "value_add"
        assert context.company_facts and context.identity is not None
        assert context.is_reply is False

    @pytest.mark.parametrize(
        ("fields", "says"),
        [
            ({"expect": "[grounded.nmae]"}, "expect: Value error, unknown violation code(s) grounded.nmae"),
            ({"expcet": "[]"}, "expcet: Extra inputs are not permitted"),
            ({"lead": "bella"}, "lead 'bella' is not in this file's `leads:`"),
            ({"sources": "[guid]"}, "source 'guid' is neither in this file's `sources:`"),
            ({"live_offers": "[resources/guide]"}, "live offer 'resources/guide' must be the id of one"),
            ({"channel": "sms"}, "an SMS has no subject"),
            ({"now": "2026-11-23T15:00:00"}, "now: Value error, give a time zone"),
            ({"purpose": "follow_up"}, "purpose: Input should be"),
        ],
    )
    def test_a_bad_case_fails_with_the_file_the_case_and_the_field(
        self, tmp_path: Path, fields: dict[str, str], says: str
    ) -> None:
        path = case_file(tmp_path, good_case("broken", **fields))

        with pytest.raises(CaseFileError) as raised:
            load_cases(path)

        assert str(raised.value).startswith(f"{path}: case 'broken': ")
        assert says in str(raised.value)

    def test_a_case_id_used_twice_across_files_is_refused(self, tmp_path: Path) -> None:
        case_file(tmp_path, good_case("twice"), name="a.yaml")
        case_file(tmp_path, good_case("twice"), name="b.yaml")

        with pytest.raises(CaseFileError, match=r"b\.yaml: case 'twice' is also in .*a\.yaml"):
            load_cases(tmp_path)

    @pytest.mark.parametrize(
        ("text", "says"),
        [
            ("cases: [", "is not valid YAML"),
            ("- just a list", "must be a mapping"),
            ("leads: {}\ncases: []", "now: Field required"),
        ],
    )
    def test_a_bad_file_names_the_file(self, tmp_path: Path, text: str, says: str) -> None:
        path = tmp_path / "bad.yaml"
        path.write_text(text, encoding="utf-8")

        with pytest.raises(CaseFileError) as raised:
            load_cases(path)

        assert str(path) in str(raised.value) and says in str(raised.value)


class TestScoring:
    @pytest.fixture
    def three(self, tmp_path: Path) -> list[Case]:
        path = case_file(
            tmp_path,
            good_case("good-1")
            + good_case("good-2")
            + good_case("bad-1", expect="[grounded.number, cta.multiple]")
            + good_case("bad-2", expect="[grounded.number]"),
        )
        return load_cases(path)

    def test_precision_recall_and_support_per_code(self, three: list[Case]) -> None:
        good_1, good_2, bad_1, bad_2 = three
        report = Report(
            (
                CaseResult(good_1, frozenset()),
                CaseResult(good_2, frozenset({"grounded.number"})),  # a false block
                CaseResult(bad_1, frozenset({"grounded.number"})),  # cta.multiple missed
                CaseResult(bad_2, frozenset({"grounded.number", "spam.caps"})),
            )
        )

        number, cta, caps = (report.codes[c] for c in ("grounded.number", "cta.multiple", "spam.caps"))
        assert (number.support, number.precision, number.recall) == (2, 2 / 3, 1.0)
        assert (cta.support, cta.precision, cta.recall) == (1, None, 0.0)
        assert (caps.support, caps.precision, caps.recall) == (0, 0.0, None)
        assert report.recall == 2 / 3  # two of the three expected (case, code) pairs found
        assert report.false_block_rate == 0.5 and report.bad_blocked_rate == 1.0
        assert not report.passed

    def test_the_json_carries_every_figure_and_case(self, three: list[Case], tmp_path: Path) -> None:
        report = evaluate(three)
        path = tmp_path / "report.json"

        report.write_json(path)

        figures = json.loads(path.read_text(encoding="utf-8"))
        assert figures["cases"] == 4 and figures["good_cases"] == 2
        assert set(figures["by_code"]) >= CODES
        assert figures["results"][0]["id"] == "good-1" and figures["results"][0]["codes"] == []
        assert figures["results"][2]["missed"] == ["cta.multiple", "grounded.number"]

    def test_false_blocks_are_counted_per_language_the_lead_writes_in(self, three: list[Case]) -> None:
        spanish = three[0]
        spanish.lead = replace(spanish.lead, language="es")
        report = Report(
            (
                CaseResult(spanish, frozenset({"grounded.name"})),
                CaseResult(three[1], frozenset()),
            )
        )

        by_language = report.by_language()

        assert by_language["es"]["false_blocks"] == 1 and by_language["es"]["false_block_rate"] == 1.0
        assert by_language["en"]["false_blocks"] == 0

    def test_a_case_is_checked_by_every_guardrail(self, three: list[Case]) -> None:
        result = run_case(three[0])

        assert result.got == frozenset() and result.exact


class TestTheChecksOnTheLabelledSet:
    def test_recall_and_false_blocks_meet_the_targets(self, cases: list[Case]) -> None:
        report = evaluate(cases)

        disagreements = {
            r.case.id: (sorted(r.missed), sorted(r.extra)) for r in report.results if not r.exact
        }
        assert report.recall >= TARGET_RECALL == 0.95, disagreements
        assert report.false_block_rate <= TARGET_FALSE_BLOCKS == 0.05, disagreements


class TestCommand:
    def test_prints_the_table_and_writes_the_json(self, tmp_path: Path) -> None:
        result = run_touchpoint("eval", "guardrails", "--json", str(tmp_path / "report.json"), cwd=tmp_path)

        assert result.returncode == 0, result.stdout + result.stderr
        figures = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
        assert figures["cases"] == len(load_cases(DEFAULT_CASES_DIR))
        assert "grounded.number" in result.stdout and "precision" in result.stdout
        assert f"recall {figures['recall']:.3f}" in result.stdout
        assert f"false blocks {figures['false_block_rate']:.1%}" in result.stdout

    def test_exits_1_when_a_target_is_missed(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = case_file(tmp_path, good_case("mislabelled", expect="[spam.caps]"))

        assert run_cli("eval", "guardrails", "--cases", str(path)) == 1
        assert "targets missed" in capsys.readouterr().err

    def test_a_bad_case_file_is_one_line_without_a_traceback(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = case_file(tmp_path, good_case("broken", expect="[nonsense]"))

        assert run_cli("eval", "guardrails", "--cases", str(path)) == 2
        err = " ".join(capsys.readouterr().err.split())  # rich wraps long lines
        assert "case 'broken'" in err and "nonsense" in err and "Traceback" not in err

    def test_has_help(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run_cli("eval", "guardrails", "--help") == 0
        assert "--json" in capsys.readouterr().out


COMPANY_HEADER = """\
company: casa-verde
now: 2026-12-08T10:15:00-06:00
leads:
  rosa: {first_name: Rosa, town: Pasadena, language: es, timezone: America/Chicago, need: una regadera}
  kevin: {first_name: Kevin, town: Katy, language: en, timezone: America/Chicago}
history:
  rosa-ack: &rosa-ack {purpose: acknowledgment, channel: email, subject: Hola, body: "Gracias, Rosa."}
cases:
"""
COMPANY_CASE = """\
- id: cv-1
  lead: rosa
  channel: email
  purpose: value_add
  sources: [offers/fall-kitchen-event-2026]
  offered_slots: ["martes 15 de diciembre a las 10:00"]
  previous: [*rosa-ack]
  subject: Su regadera
  body: "Hola, Rosa: ..."
  expect: []
"""


class TestAnotherCompany:
    def test_a_case_file_names_its_company_and_cites_its_knowledge_base_by_id(self, tmp_path: Path) -> None:
        path = case_file(tmp_path, COMPANY_CASE, header=COMPANY_HEADER)

        [case] = load_cases(path)
        context = case.context()

        assert context.identity is not None and context.identity.name == "Casa Verde Remodeling"
        assert [s.id for s in context.sources] == ["offers/fall-kitchen-event-2026"]
        assert "$1,500 off a Full Kitchen Remodel" in context.sources[0].text
        assert any("6120 Westview Drive" in fact or "Houston" in fact for fact in context.company_facts)

    def test_the_lead_s_town_language_and_the_other_leads_reach_the_checks(self, tmp_path: Path) -> None:
        [case] = load_cases(case_file(tmp_path, COMPANY_CASE, header=COMPANY_HEADER))
        context = case.context()

        assert context.lead is not None and (context.lead.town, context.lead.language) == ("Pasadena", "es")
        assert [lead.first_name for lead in context.other_leads] == ["Kevin"]
        assert context.previous[0].purpose == "acknowledgment"

    def test_offered_slots_are_the_only_call_times_and_offers_carry_their_window(
        self, tmp_path: Path
    ) -> None:
        [case] = load_cases(case_file(tmp_path, COMPANY_CASE, header=COMPANY_HEADER))
        context = case.context()

        assert context.allowed_phrases == ("martes 15 de diciembre a las 10:00",)
        fall = next(o for o in context.offers if o.id == "offers/fall-kitchen-event-2026")
        assert not fall.live_on(case.now.date())  # expired on November 30
        assert "offers/fall-kitchen-event-2026" not in context.live_offer_ids

    def test_a_case_study_source_carries_its_problem_and_result_lines(self, tmp_path: Path) -> None:
        """The labellers read the whole document: its one-line problem and result are facts it states."""
        case = COMPANY_CASE.replace("offers/fall-kitchen-event-2026", "case-studies/nguyen-family-katy")
        [loaded] = load_cases(case_file(tmp_path, case, header=COMPANY_HEADER))
        document = loaded.company.documents["case-studies/nguyen-family-katy"]

        [source] = loaded.context().sources
        assert document.problem and document.problem in source.text
        assert document.result and document.result in source.text
        assert document.body in source.text

    def test_an_unknown_company_names_the_companies_there_are(self, tmp_path: Path) -> None:
        header = COMPANY_HEADER.replace("company: casa-verde", "company: casa-roja")

        with pytest.raises(CaseFileError, match=r"casa-roja.*alta-vista, birchwood-books, casa-verde"):
            load_cases(case_file(tmp_path, COMPANY_CASE, header=header))

    def test_the_blind_dev_split_loads_with_both_companies(self) -> None:
        cases = load_cases(BLIND / "dev")

        assert len(cases) >= 150
        assert {case.company.identity.name for case in cases} == {
            "Casa Verde Remodeling",
            "Alta Vista Physical Therapy",
        }

    def test_company_option_sends_every_case_as_that_company(self, tmp_path: Path) -> None:
        profile = tmp_path / "company.yaml"
        profile.write_text(
            "name: Harbor Dental\npostal_address: 1 Quay St\n"
            "sender: {name: Ana Silva, email: ana@harbor.example}\n",
            encoding="utf-8",
        )
        body = GOOD_BODY.replace("Maya", "Ana")  # signed by the profile's sender, not the demo's
        path = case_file(tmp_path, good_case("harbor", body=f'"{body}"'))
        out = tmp_path / "report.json"

        code = run_cli(
            "eval", "guardrails", "--cases", str(path), "--company", str(profile), "--json", str(out)
        )

        [result] = json.loads(out.read_text(encoding="utf-8"))["results"]
        assert code == 0 and result["id"] == "harbor" and result["codes"] == []
        identity = load_cases(path, load_company(profile))[0].context().identity
        assert identity is not None and identity.name == "Harbor Dental"


class TestTheDevSplits:
    """A regression gate on the dev splits, worked on openly: each holds what it reached, so a later change
    that undoes a generalisation shows. Measured after the claim and the form/ask work on dev6 (Tidewater
    Insurance, Summit Heating & Cooling; 2026-12-07): dev6 98.8% of bad drafts flagged, 0.0% of clean ones
    blocked, recall 0.972 (before: 92.6%, 12.8%, 0.818); dev5 100%, 0.0%, 0.967 (90.7%, 0.0%, 0.900);
    dev4 95.2%, 0.0%, 0.952 (90.5%, 0.0%, 0.905); dev and dev2 unchanged. No dev split may block a clean
    draft it did not block. dev7 (Ironbridge Fleet, Lakeshore Pools; 2026-12-08): 86.8% flagged, 6.4% of
    clean drafts blocked (4.3% after a size was read as its nearest figure's), recall 0.822 (before the
    work on it: 88.2%, 21.3%, 0.822)."""

    @pytest.mark.parametrize(
        ("split", "flagged", "blocked", "recall"),
        [
            ("dev", 0.97, 0.0, 0.98),
            ("dev2", 1.0, 0.0, 1.0),
            ("dev4", 0.95, 0.0, 0.95),
            ("dev5", 0.98, 0.0, 0.96),
            ("dev6", 0.98, 0.0, 0.97),
            ("dev7", 0.86, 0.05, 0.82),
        ],
    )
    def test_the_checks_hold_their_level(
        self, split: str, flagged: float, blocked: float, recall: float
    ) -> None:
        report = evaluate(load_cases(BLIND / split))

        assert report.bad_blocked_rate >= flagged
        assert report.false_block_rate <= blocked
        assert report.recall >= recall


class TestTheFrozenBlindTestSplit:
    """A regression gate on drafts for two companies nobody tuned the checks on, written and labelled
    blind. Measured 2026-12-07: 91.9% of bad drafts flagged, 19.6% of clean ones blocked, recall 0.872;
    after the generalisation work 91.9%, 17.6% (9 of 51) and 0.872 (the issue's targets, 97% and 3%, are
    not met); the gate holds what was reached. Once more after the work of 2026-12-07 (the split is no longer
    blind, see evals/README): 93.7%, 15.7% (8 of 51), 0.884. After the evidence-based grounding and
    urgency of the next session: 93.7%, 11.8% (6 of 51), 0.890."""

    def test_the_checks_hold_their_measured_level(self) -> None:
        report = evaluate(load_cases(BLIND / "test"))

        assert len(report.results) >= 150
        assert report.bad_blocked_rate >= 0.93
        assert report.false_block_rate <= 0.12
        assert report.recall >= 0.89

    def test_on_a_fifth_company_written_later_the_checks_hold_their_measured_level(self) -> None:
        """``blind/test2`` (125 drafts: Birchwood Books, a company nobody tuned to, and Alta Vista), written
        blind and frozen before the work of 2026-12-07. Measured before it: 85.7% flagged, 24.6% of clean
        drafts blocked (17 of 69), recall 0.774; after: 89.3%, 26.1% (18 of 69), 0.823. The false blocks did
        not fall: the fixes made on dev2 did not carry over. After the next session's grounding by
        evidence (values in any written form, subjects only when another named subject holds the value,
        deadlines backed by a source, an offer or the lead): 83.9%, 11.6% (8 of 69), 0.806; fewer false
        blocks, and three bad drafts fewer flagged. The gate holds what was reached."""
        report = evaluate(load_cases(BLIND / "test2"))

        assert len(report.results) == 125
        assert report.bad_blocked_rate >= 0.83
        assert report.false_block_rate <= 0.12
        assert report.recall >= 0.80

    def test_on_two_more_companies_frozen_before_the_work_the_checks_hold_their_measured_level(
        self,
    ) -> None:
        """``blind/test3`` (118 drafts: Northgate Commercial Cleaning and Riverbend Event Hall, two companies
        written blind with their drafts, frozen before any check changed). Measured before: 85.7% flagged,
        17.7% of clean drafts blocked (11 of 62), recall 0.782; after: 85.7%, 12.9% (8 of 62), 0.833. Per
        language after: English 15.4% of 39 clean blocked, Spanish 8.7% of 23."""
        report = evaluate(load_cases(BLIND / "test3"))

        assert len(report.results) == 118
        assert report.bad_blocked_rate >= 0.85
        assert report.false_block_rate <= 0.13
        assert report.recall >= 0.83
        assert report.by_language()["es"]["false_block_rate"] <= 0.09

    def test_on_the_fourth_blind_test_split_the_checks_hold_their_measured_level(self) -> None:
        """``blind/test4`` (106 drafts: Tidewater Insurance and Summit Heating & Cooling, the same authors
        and companies as dev6, other files; frozen before any check changed). Measured before: 80.3%
        flagged, 8.6% of clean drafts blocked (3 of 35), recall 0.744; after the dev6 work, once: 80.3%,
        5.7% (2 of 35), 0.756. dev6 rose to 98.8% flagged in the same work: the rules carried to the
        files of the same authors only for the clean drafts."""
        report = evaluate(load_cases(BLIND / "test4"))

        assert len(report.results) == 106
        assert report.bad_blocked_rate >= 0.80
        assert report.false_block_rate <= 0.06
        assert report.recall >= 0.75

    def test_on_the_fifth_blind_test_split_the_checks_hold_their_measured_level(self) -> None:
        """``blind/test5`` (111 drafts: Ironbridge Fleet and Lakeshore Pools, two companies and two
        authors new on 2026-12-08; frozen before any check changed). Measured before: 89.4% flagged,
        24.4% of clean drafts blocked (11 of 45; English 6 of 27, Spanish 5 of 18), recall 0.826; after
        the dev7 work (a rep's arithmetic, wrapped paragraphs, a live offer's own terms): 87.9%, 20.0%
        (9 of 45), 0.826. dev7 fell from 21.3% to 6.4% blocked in the same work."""
        report = evaluate(load_cases(BLIND / "test5"))

        assert len(report.results) == 111
        assert report.bad_blocked_rate >= 0.87
        assert report.false_block_rate <= 0.20
        assert report.recall >= 0.82
