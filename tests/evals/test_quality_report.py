"""The HTML report and the JUnit XML: they render, link every case, need no network, match the verdict."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from playwright.sync_api import Route, sync_playwright

from evals.quality.junit import junit_xml
from evals.quality.report import marked, render_html
from tests.loopback import launch_chromium


class Anchors(HTMLParser):
    """Element ids, in-page links, and anything that would load from elsewhere."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.external: list[str] = []
        self.svgs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if tag == "svg":
            self.svgs += 1
        for name in ("src", "href"):
            value = found.get(name) or ""
            if tag in {"script", "img", "link", "iframe"} or (value and not value.startswith("#")):
                self.external.append(f"<{tag} {name}={value}>")


class TestHtmlReport:
    def test_it_links_every_case_to_its_own_section(self, default_result: dict[str, Any]) -> None:
        page = Anchors()
        page.feed(render_html(default_result))

        for case in default_result["cases"]:
            assert f"case-{case['id']}" in page.ids
            assert f"#case-{case['id']}" in page.links

    def test_it_loads_nothing_from_anywhere(self, default_result: dict[str, Any]) -> None:
        page = Anchors()
        page.feed(render_html(default_result))

        assert page.external == []
        assert page.svgs >= 8  # a chart per group of metrics and per coverage dimension

    def test_it_shows_every_draft_and_says_the_judge_did_not_run(
        self, default_result: dict[str, Any]
    ) -> None:
        html = render_html(default_result)
        bodies = [d["body"] for c in default_result["cases"] for d in c["drafts"]]

        assert "<strong>Not run</strong>: no LLM is configured" in html
        assert all(str(marked(body)) in html for body in bodies)

    def test_guardrail_findings_are_marked_in_the_text(self) -> None:
        violation = {"code": "grounded.number", "message": "invented", "start": 6, "end": 9}

        assert str(marked("Up by 83% <b>", [violation])) == (
            'Up by <mark title="grounded.number: invented">83%</mark> &lt;b&gt;'
        )

    def test_it_looks_right_in_a_real_browser(self, default_result: dict[str, Any], tmp_path: Path) -> None:
        report = tmp_path / "report.html"
        report.write_text(render_html(default_result), encoding="utf-8")
        requested: list[str] = []

        def only_the_file(route: Route) -> None:
            requested.append(route.request.url)
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                route.abort()

        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.route("**/*", only_the_file)
                page.goto(report.as_uri())
                verdict = page.locator("#verdict")
                assert verdict.inner_text().startswith("Exit code 0")
                bars = page.locator("svg.chart rect")
                assert bars.count() > 50
                assert page.locator("svg.chart").first.bounding_box()["width"] > 600  # type: ignore[index]
                case = default_result["cases"][-1]["id"]
                page.click(f"a[href='#case-{case}']")
                assert page.locator(f"#case-{case}").is_visible()
                assert page.evaluate("window.scrollY") > 1000
                page.goto(report.as_uri())
                page.screenshot(path=str(tmp_path / "report.png"))
            finally:
                browser.close()

        assert (tmp_path / "report.png").stat().st_size > 20_000
        assert [url for url in requested if not url.startswith("file://")] == []


class TestJunit:
    def test_thresholds_and_cases_are_test_cases_with_the_run_verdict(
        self, default_result: dict[str, Any]
    ) -> None:
        root = ET.fromstring(junit_xml(default_result))
        suites = {s.get("name"): s for s in root.iter("testsuite")}

        thresholds = suites["touchpoint-eval.default.thresholds"]
        cases = suites["touchpoint-eval.default.cases"]
        assert int(thresholds.get("tests", 0)) == len(default_result["thresholds"])
        assert thresholds.get("failures") == "0"  # exit code 0: nothing red
        assert int(thresholds.get("skipped", 0)) == 2  # the judge's thresholds: not measured
        assert int(cases.get("tests", 0)) == len(default_result["cases"])
        assert cases.get("errors") == "0"

    def test_a_threshold_below_its_limit_is_a_failure(self, default_result: dict[str, Any]) -> None:
        result = dict(default_result)
        result["thresholds"] = [
            {
                "metric": "groundedness",
                "limit": ">= 0.99",
                "value": 0.5,
                "passed": False,
                "status": "below threshold",
            }
        ]

        failure = ET.fromstring(junit_xml(result)).find(".//testcase[@name='groundedness']/failure")

        assert failure is not None and failure.get("message") == "0.5 is not >= 0.99"
