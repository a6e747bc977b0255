"""The tone evaluation: honest measures, and the composer's drafts differ the way the tone profile intends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.domain import TouchPurpose
from evals.guardrails.cases import CaseFileError
from evals.tone.measures import has_figures, measure
from evals.tone.runner import DEFAULT_SITUATIONS, Contrast, ToneReport, evaluate, load_situations
from tests.evals.commands import run_cli, run_touchpoint

SITUATIONS = load_situations()
WITH_FIGURES = [
    s.purpose
    for s in SITUATIONS.situations
    if has_figures(" ".join(SITUATIONS.sources[i].text for i in s.sources))
]
# Where the composer (agent/drafting/composer.py, not this eval's to change) does not yet do what the
# profile intends. strict: the day it does, these fail, and the marker must go.
COMPOSER_GAPS = {
    ("data_first", TouchPurpose.CHECK_IN): "the source's one figure (160-character SMS) is in a sentence too "
    "long for the composer to quote",
}


def known_gap(direction: str, purposes: list[TouchPurpose]) -> list[object]:
    return [
        pytest.param(
            p,
            marks=pytest.mark.xfail(reason=COMPOSER_GAPS[direction, p], strict=True),
            id=p.value,
        )
        if (direction, p) in COMPOSER_GAPS
        else pytest.param(p, id=p.value)
        for p in purposes
    ]


class TestMeasure:
    FORMAL = (
        "Dear Richard,\n\nBright Smile Dental Group saw recall bookings up 27% in the first year. It moved "
        "four practices in one weekend.\n\nWhich figure matters most?\n\nKind regards,\nMaya Ortiz"
    )
    CASUAL = (
        "Hey Bella,\n\nIt's a pain, I know. Luna Hair Studio's owner didn't want deposits either, and "
        "then no-shows went down 38% in 90 days.\n\nWhat's your busiest day?\n\nCheers,\nMaya"
    )

    def test_greeting_and_sign_off_make_the_formality(self) -> None:
        assert (measure(self.FORMAL).greeting, measure(self.FORMAL).signoff) == (3, 3)
        assert (measure(self.CASUAL).greeting, measure(self.CASUAL).signoff) == (0, 0)
        assert measure("Hi Sam,\n\nA note.\n\nThanks,\nMaya").formality == 2

    def test_contractions_are_counted_but_possessives_are_not(self) -> None:
        casual = measure(self.CASUAL)

        # it's, didn't, what's; not "Studio's"; 24 words between the greeting and the sign-off
        assert casual.contractions_per_100 == pytest.approx(100 * 3 / 24)
        assert measure(self.FORMAL).contractions_per_100 == 0

    def test_words_before_the_first_figure_of_the_sources(self) -> None:
        source = "Luna Hair Studio: no-shows down 38% in 90 days."

        assert measure(self.CASUAL, source).first_figure == 18
        assert measure(self.CASUAL, "A source without figures.").first_figure is None
        assert measure("Hi,\n\nFor your 6 practices: 38% fewer no-shows.", source).first_figure == 4

    def test_length_counts_every_word_and_grade_needs_enough_text(self) -> None:
        assert measure(self.FORMAL).words == len(self.FORMAL.split())
        assert measure("Hi Sam,\n\nShort.\n\nThanks,\nMaya").grade is None


class TestSituations:
    def test_the_leads_the_issue_names_and_every_purpose(self) -> None:
        assert set(SITUATIONS.leads) == {
            "terse-cfo", "chatty-salon-owner", "formal-law-partner", "casual-trainer", "typo-one-liner"
        }  # fmt: skip
        assert {s.purpose for s in SITUATIONS.situations} == set(TouchPurpose)
        assert SITUATIONS.contrast == ("terse-cfo", "chatty-salon-owner")

    def test_the_profiles_intend_the_contrast(self) -> None:
        report = evaluate(SITUATIONS)
        profiles = {d.lead: d.profile for d in report.drafts}

        cfo, salon = profiles["terse-cfo"], profiles["chatty-salon-owner"]
        assert (cfo.formality.value, cfo.length.value, cfo.emphasis.value) == ("formal", "short", "data")
        assert (salon.formality.value, salon.length.value, salon.emphasis.value) == (
            "casual",
            "standard",
            "relationship",
        )

    def test_a_bad_file_names_the_file_and_the_field(self, tmp_path: Path) -> None:
        path = tmp_path / "situations.yaml"
        text = DEFAULT_SITUATIONS.read_text(encoding="utf-8").replace(
            "contrast: [terse-cfo", "contrast: [cfo"
        )
        path.write_text(text, encoding="utf-8")

        with pytest.raises(CaseFileError, match="contrast lead 'cfo' is not in `leads:`"):
            load_situations(path)


@pytest.fixture(scope="module")
def report() -> ToneReport:
    return evaluate(SITUATIONS)


def contrast(report: ToneReport, purpose: TouchPurpose) -> Contrast:
    return next(c for c in report.contrasts() if c.purpose is purpose)


class TestTheCfoAndTheSalonOwnerReadDifferently:
    """For every purpose: the CFO's draft is more formal, shorter, and puts the figures before the story."""

    @pytest.mark.parametrize("purpose", known_gap("more_formal", list(TouchPurpose)))
    def test_the_cfo_draft_is_more_formal(self, report: ToneReport, purpose: TouchPurpose) -> None:
        pair = contrast(report, purpose)

        assert pair.more_formal, (pair.first.formality, pair.second.formality)

    @pytest.mark.parametrize("purpose", known_gap("shorter", list(TouchPurpose)))
    def test_the_cfo_draft_is_shorter(self, report: ToneReport, purpose: TouchPurpose) -> None:
        pair = contrast(report, purpose)

        assert pair.shorter, (pair.first.words, pair.second.words)

    @pytest.mark.parametrize("purpose", known_gap("data_first", WITH_FIGURES))
    def test_the_cfo_draft_puts_the_figures_first(self, report: ToneReport, purpose: TouchPurpose) -> None:
        """Only where the sources carry a figure: with none to quote, no draft can lead with data."""
        pair = contrast(report, purpose)

        assert pair.data_first, (pair.first.first_figure, pair.second.first_figure)

    def test_the_other_leads_fall_where_their_profiles_put_them(self, report: ToneReport) -> None:
        summary = report.summary()

        assert summary["formal-law-partner"]["formality"] > summary["typo-one-liner"]["formality"]
        assert summary["typo-one-liner"]["formality"] > summary["casual-trainer"]["formality"]
        assert summary["casual-trainer"]["words"] > summary["formal-law-partner"]["words"]


class TestCommand:
    def test_prints_the_tables_and_writes_every_draft_to_json(self, tmp_path: Path) -> None:
        result = run_touchpoint("eval", "tone", "--json", str(tmp_path / "tone.json"), cwd=tmp_path)

        assert result.returncode == 0, result.stdout + result.stderr
        figures = json.loads((tmp_path / "tone.json").read_text(encoding="utf-8"))
        assert len(figures["drafts"]) == len(SITUATIONS.leads) * len(SITUATIONS.situations)
        assert {row["purpose"] for row in figures["contrasts"]} == {p.value for p in TouchPurpose}
        assert "terse-cfo vs chatty-salon-owner" in result.stdout and "more formal in" in result.stdout

    def test_has_help(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run_cli("eval", "tone", "--help") == 0
        assert "--situations" in capsys.readouterr().out
