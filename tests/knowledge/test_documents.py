"""Tests for the knowledge format: the demo content, the parsed fields, and every error an author can make."""

from __future__ import annotations

import hashlib
import re
import textwrap
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from knowledge.documents import InvalidDocument, LoadResult, load_folder, parse_document
from knowledge.types import DocType

CONTENT = Path(__file__).resolve().parents[2] / "knowledge" / "content"
INDUSTRIES = {"beauty", "dental", "fitness", "home_services", "veterinary", "professional_services"}
SERVICES = {
    "online_booking",
    "reminders",
    "payments",
    "memberships",
    "intake_forms",
    "multi_location",
    "integrations",
    "reporting",
}
STAGES = {"new", "evaluating", "proposal", "customer", "dormant"}

FAQ = """\
---
type: faq
title: How much does it cost?
---

Three plans, all month-to-month.
"""

CASE_STUDY = """\
---
type: case_study
title: Luna Hair Studio cut no-shows
customer: Luna Hair Studio
problem: Saturday no-shows left chairs empty.
result: Reminders and deposits cut no-shows.
figures:
  - "no-shows down 38% in 90 days"
  - "$2,100 a month recovered"
industries: [Beauty]
services: [online-booking, Reminders]
stages: new
url: https://northstar-bookings.example/customers/luna
---

  Luna Hair Studio is a six-stylist salon.

It recovered revenue.
"""


def write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def only_error(result: LoadResult) -> tuple[str, int, str]:
    assert len(result.errors) == 1, result.errors
    error = result.errors[0]
    return error.path, error.line, error.message


def words(text: str) -> int:
    return len(text.split())


@pytest.fixture(scope="module")
def demo() -> LoadResult:
    return load_folder(CONTENT)


class TestDemoContent:
    def test_loads_without_errors(self, demo: LoadResult) -> None:
        assert [str(e) for e in demo.errors] == []

    def test_has_the_planned_counts(self, demo: LoadResult) -> None:
        counts = Counter(d.type for d in demo.documents)
        assert counts[DocType.CASE_STUDY] >= 14
        assert counts[DocType.FAQ] == 30
        assert counts[DocType.OBJECTION] == 10
        assert counts[DocType.RESOURCE] == 10
        assert counts[DocType.OFFER] == 2
        assert counts[DocType.COMPANY_FACT] >= 3

    def test_case_studies_cover_every_industry_twice(self, demo: LoadResult) -> None:
        cases = [d for d in demo.documents if d.type is DocType.CASE_STUDY]
        per_industry = Counter(i for d in cases for i in d.industries)
        assert set(per_industry) == INDUSTRIES
        assert min(per_industry.values()) >= 2

    def test_tags_use_the_shared_vocabulary(self, demo: LoadResult) -> None:
        for doc in demo.documents:
            assert set(doc.industries) <= INDUSTRIES, doc.id
            assert set(doc.services) <= SERVICES, doc.id
            assert set(doc.stages) <= STAGES, doc.id

    def test_case_study_figures_are_in_the_story(self, demo: LoadResult) -> None:
        for doc in (d for d in demo.documents if d.type is DocType.CASE_STUDY):
            assert 2 <= len(doc.figures) <= 4, doc.id
            assert 120 <= words(doc.body) <= 250, doc.id
            for figure in doc.figures:
                numbers = set(re.findall(r"\d[\d,.]*\d|\d", figure))
                assert numbers <= set(re.findall(r"\d[\d,.]*\d|\d", doc.body)), (doc.id, figure)

    def test_lengths_follow_the_brief(self, demo: LoadResult) -> None:
        ranges = {DocType.FAQ: (60, 150), DocType.RESOURCE: (60, 120)}
        for doc in demo.documents:
            low, high = ranges.get(doc.type, (1, 400))
            assert low <= words(doc.body) <= high, (doc.id, words(doc.body))

    def test_resources_have_links_and_offers_expire_in_2027(self, demo: LoadResult) -> None:
        for doc in demo.documents:
            if doc.type is DocType.RESOURCE:
                assert doc.url is not None, doc.id
            if doc.type is DocType.OFFER:
                assert doc.expires is not None and doc.expires.year == 2027, doc.id

    def test_every_address_is_an_example_domain(self, demo: LoadResult) -> None:
        for doc in demo.documents:
            for host in re.findall(r"https?://([^/\s)]+)", f"{doc.url or ''} {doc.body}"):
                assert host.rstrip(".").endswith(".example"), (doc.id, host)
            for domain in re.findall(r"[\w.+-]+@([\w.-]+\w)", doc.body):
                assert domain.endswith(".example"), (doc.id, domain)


class TestLoadFolder:
    def test_case_study_fields_are_parsed(self, tmp_path: Path) -> None:
        path = write(tmp_path, "case-studies/luna.md", CASE_STUDY)
        (doc,) = load_folder(tmp_path).documents
        assert doc.id == "case-studies/luna"
        assert doc.path == "case-studies/luna.md"
        assert doc.type is DocType.CASE_STUDY
        assert doc.title == "Luna Hair Studio cut no-shows"
        assert doc.customer == "Luna Hair Studio"
        assert doc.problem == "Saturday no-shows left chairs empty."
        assert doc.result == "Reminders and deposits cut no-shows."
        assert doc.figures == ("no-shows down 38% in 90 days", "$2,100 a month recovered")
        assert doc.url == "https://northstar-bookings.example/customers/luna"
        assert doc.body == "Luna Hair Studio is a six-stylist salon.\n\nIt recovered revenue."
        assert doc.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
        assert doc.expires is None

    def test_slugs_accept_a_list_or_a_string_and_are_normalised(self, tmp_path: Path) -> None:
        write(tmp_path, "luna.md", CASE_STUDY)
        write(
            tmp_path,
            "faq.md",
            FAQ.replace("---\n\n", "industries: Home Services\nstages: [New, new]\n---\n\n"),
        )
        faq, luna = load_folder(tmp_path).documents
        assert luna.industries == ("beauty",)
        assert luna.services == ("online_booking", "reminders")
        assert luna.stages == ("new",)
        assert faq.industries == ("home_services",)
        assert faq.stages == ("new",)
        assert faq.services == ()

    def test_offer_expiry_is_a_date(self, tmp_path: Path) -> None:
        write(tmp_path, "offer.md", "---\ntype: offer\ntitle: Half price\nexpires: 2027-03-31\n---\nTerms.\n")
        (doc,) = load_folder(tmp_path).documents
        assert doc.expires == date(2027, 3, 31)

    def test_an_offer_may_start_later_and_any_document_names_its_language(self, tmp_path: Path) -> None:
        text = "---\ntype: offer\ntitle: Ahorro de primavera\nstarts: 2027-02-01\nexpires: 2027-03-31\n"
        write(tmp_path, "oferta.md", text + "language: es\n---\nTérminos.\n")
        (doc,) = load_folder(tmp_path).documents
        assert (doc.starts, doc.expires, doc.language) == (date(2027, 2, 1), date(2027, 3, 31), "es")
        assert not doc.live_on(date(2027, 1, 31)) and doc.live_on(date(2027, 2, 1))

    def test_ids_are_sorted_and_stable_across_edits(self, tmp_path: Path) -> None:
        for rel in ("b/z.md", "a.md", "b/a/deep.md", "c.md"):
            write(tmp_path, rel, FAQ.replace("How much does it cost?", rel))
        first = load_folder(tmp_path).documents
        assert [d.id for d in first] == ["a", "b/a/deep", "b/z", "c"]
        write(tmp_path, "b/z.md", FAQ.replace("How much does it cost?", "b/z.md") + "\nMore detail.\n")
        second = load_folder(tmp_path).documents
        assert [d.id for d in second] == [d.id for d in first]
        assert first[2].content_hash != second[2].content_hash

    def test_ignores_drafts_hidden_files_readmes_and_other_extensions(self, tmp_path: Path) -> None:
        write(tmp_path, "faq.md", FAQ)
        for rel in ("_draft.md", ".hidden.md", "README.md", "sub/readme.md", "notes.txt"):
            write(tmp_path, rel, "not front matter")
        result = load_folder(tmp_path)
        assert [d.id for d in result.documents] == ["faq"]
        assert result.errors == []

    def test_byte_order_mark_and_crlf_are_tolerated(self, tmp_path: Path) -> None:
        write(tmp_path, "faq.md", b"\xef\xbb\xbf" + FAQ.replace("\n", "\r\n").encode())
        (doc,) = load_folder(tmp_path).documents
        assert doc.title == "How much does it cost?"
        assert doc.body == "Three plans, all month-to-month."

    def test_missing_folder_raises(self, tmp_path: Path) -> None:
        with pytest.raises(FileNotFoundError):
            load_folder(tmp_path / "nope")


class TestLoadErrors:
    """Each bad file is reported at the line to fix, and the good file beside it still loads."""

    def load(self, root: Path, rel: str, text: str | bytes) -> tuple[str, int, str]:
        write(root, "good.md", FAQ)
        write(root, rel, text)
        result = load_folder(root)
        assert [d.id for d in result.documents] == ["good"]
        return only_error(result)

    def test_yaml_syntax_error_points_at_the_line(self, tmp_path: Path) -> None:
        path, line, message = self.load(
            tmp_path, "bad.md", "---\ntype: faq\ntitle: Why: because\n---\nBody.\n"
        )
        assert (path, line) == ("bad.md", 3)
        assert "not valid YAML" in message and "quote" in message

    def test_unclosed_bracket_names_where_it_opened(self, tmp_path: Path) -> None:
        text = "---\ntype: faq\nstages: [new\ntitle: Q\n---\nBody.\n"
        path, line, message = self.load(tmp_path, "bad.md", text)
        assert (path, line) == ("bad.md", 4)
        assert "line 3" in message

    def test_missing_title_is_reported_on_line_1(self, tmp_path: Path) -> None:
        path, line, message = self.load(tmp_path, "faqs/bad.md", "---\ntype: faq\n---\nBody.\n")
        assert (path, line) == ("faqs/bad.md", 1)
        assert message.startswith("missing `title`")

    def test_case_study_without_figures_says_what_to_add(self, tmp_path: Path) -> None:
        text = re.sub(r"figures:\n(  - .*\n)+", "", CASE_STUDY)
        path, line, message = self.load(tmp_path, "cs.md", text)
        assert (path, line) == ("cs.md", 1)
        assert message.startswith("case_study needs `figures`: a list of the result's figures, e.g.")

    def test_figures_must_be_concrete(self, tmp_path: Path) -> None:
        text = CASE_STUDY.replace('"$2,100 a month recovered"', '"a lot happier clients"')
        path, line, message = self.load(tmp_path, "cs.md", text)
        assert (path, line) == ("cs.md", 7)
        assert "has no number" in message

    def test_unknown_type_points_at_its_line(self, tmp_path: Path) -> None:
        path, line, message = self.load(tmp_path, "bad.md", "---\ntitle: Q\ntype: blog\n---\nBody.\n")
        assert (path, line) == ("bad.md", 3)
        assert "case_study" in message and "company_fact" in message

    def test_unknown_key_suggests_the_right_one(self, tmp_path: Path) -> None:
        text = FAQ.replace("---\n\n", "industy: [dental]\n---\n\n")
        assert self.load(tmp_path, "bad.md", text) == (
            "bad.md",
            4,
            "unknown key `industy`: did you mean `industries`?",
        )

    def test_key_of_another_type_is_rejected(self, tmp_path: Path) -> None:
        text = FAQ.replace("---\n\n", "expires: 2027-01-01\n---\n\n")
        path, line, message = self.load(tmp_path, "bad.md", text)
        assert (path, line) == ("bad.md", 4)
        assert "only applies to offer" in message

    def test_url_must_be_http(self, tmp_path: Path) -> None:
        text = FAQ.replace("---\n\n", "url: northstar-bookings.example/pricing\n---\n\n")
        path, line, message = self.load(tmp_path, "bad.md", text)
        assert (path, line) == ("bad.md", 4)
        assert "http(s)" in message

    @pytest.mark.parametrize("value", ["'2027-03-31'", "31/03/2027", "2027-02-30"])
    def test_expires_must_be_a_real_date(self, tmp_path: Path, value: str) -> None:
        text = f"---\ntype: offer\ntitle: Half price\nexpires: {value}\n---\nTerms.\n"
        path, line, message = self.load(tmp_path, "offer.md", text)
        assert (path, line) == ("offer.md", 4)
        assert "expires" in message

    def test_an_offer_that_starts_after_it_expires_is_an_error(self, tmp_path: Path) -> None:
        text = "---\ntype: offer\ntitle: Half price\nstarts: 2027-04-01\nexpires: 2027-03-31\n---\nTerms.\n"
        path, line, message = self.load(tmp_path, "offer.md", text)
        assert (path, line) == ("offer.md", 4)
        assert "after `expires`" in message

    def test_a_language_is_a_two_letter_code(self, tmp_path: Path) -> None:
        text = FAQ.replace("---\n\n", "language: Spanish\n---\n\n")
        path, line, message = self.load(tmp_path, "bad.md", text)
        assert (path, line) == ("bad.md", 4)
        assert "ISO 639-1" in message

    def test_bad_slug_points_at_its_key(self, tmp_path: Path) -> None:
        text = FAQ.replace("---\n\n", "services:\n  - reminders\n  - {a: 1}\n---\n\n")
        path, line, message = self.load(tmp_path, "bad.md", text)
        assert (path, line) == ("bad.md", 4)
        assert "not a slug" in message

    def test_non_utf8_file_is_an_error_not_a_crash(self, tmp_path: Path) -> None:
        data = FAQ.replace("Three", "Caf\xe9 three").encode("latin-1")
        path, line, message = self.load(tmp_path, "latin.md", data)
        assert (path, line) == ("latin.md", 6)
        assert "UTF-8" in message

    def test_missing_front_matter(self, tmp_path: Path) -> None:
        path, line, message = self.load(tmp_path, "bad.md", "# Just a heading\n")
        assert (path, line) == ("bad.md", 1)
        assert "`---`" in message

    def test_unclosed_front_matter(self, tmp_path: Path) -> None:
        path, line, message = self.load(tmp_path, "bad.md", "---\ntype: faq\ntitle: Q\n\nBody.\n")
        assert (path, line) == ("bad.md", 1)
        assert "never closed" in message

    def test_empty_body(self, tmp_path: Path) -> None:
        path, line, message = self.load(tmp_path, "bad.md", "---\ntype: faq\ntitle: Q\n---\n\n")
        assert (path, line) == ("bad.md", 5)
        assert "body is empty" in message

    def test_key_written_twice(self, tmp_path: Path) -> None:
        path, line, message = self.load(tmp_path, "bad.md", "---\ntype: faq\ntitle: Q\ntitle: R\n---\nB.\n")
        assert (path, line) == ("bad.md", 4)
        assert "set twice" in message and "line 3" in message

    def test_duplicate_title_and_type_reports_the_second(self, tmp_path: Path) -> None:
        path, line, message = self.load(tmp_path, "z/copy.md", FAQ.replace("How much", "how  much"))
        assert (path, line) == ("z/copy.md", 3)
        assert "good.md" in message

    def test_same_title_with_another_type_is_fine(self, tmp_path: Path) -> None:
        write(tmp_path, "a.md", FAQ)
        write(tmp_path, "b.md", FAQ.replace("type: faq", "type: objection"))
        result = load_folder(tmp_path)
        assert result.errors == []
        assert len(result.documents) == 2

    def test_every_problem_in_a_file_is_reported(self, tmp_path: Path) -> None:
        write(tmp_path, "bad.md", "---\ntype: case_study\ntitle: X\nindusty: dental\nurl: ftp://x\n---\nB.\n")
        result = load_folder(tmp_path)
        lines = [e.line for e in result.errors]
        assert lines == [1, 1, 1, 1, 4, 5]
        assert result.documents == []


class TestParseDocument:
    def test_returns_the_document(self, tmp_path: Path) -> None:
        path = write(tmp_path, "faqs/price.md", FAQ)
        assert parse_document(path, tmp_path).id == "faqs/price"

    def test_raises_with_every_error(self, tmp_path: Path) -> None:
        path = write(tmp_path, "bad.md", "---\ntype: faq\ntitle: ''\ncustomer: X\n---\nB.\n")
        with pytest.raises(InvalidDocument) as caught:
            parse_document(path, tmp_path)
        assert [(e.path, e.line) for e in caught.value.errors] == [("bad.md", 3), ("bad.md", 4)]
