"""JUnit XML for CI systems, with the same verdict as the exit code.

One test case per threshold (a failure when the metric is on the wrong side of it; skipped when the run
did not measure it), one per scenario with a model or judge error (an error), and one per scenario that
ran cleanly or with findings (passed, its findings in ``system-out``): the gate is the thresholds, and a
CI page that turned red for a finding the thresholds allow would say something the exit code does not.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def junit_xml(result: Mapping[str, Any]) -> str:
    suite_name = f"touchpoint-eval.{result['suite']['name']}"
    root = ET.Element("testsuites", name=suite_name)
    thresholds = ET.SubElement(root, "testsuite", name=f"{suite_name}.thresholds")
    for row in result["thresholds"]:
        case = ET.SubElement(thresholds, "testcase", classname=f"{suite_name}.thresholds", name=row["metric"])
        if row["passed"] is None:
            ET.SubElement(case, "skipped", message=row["status"])
        elif not row["passed"]:
            failure = ET.SubElement(case, "failure", message=f"{row['value']:.4g} is not {row['limit']}")
            failure.text = f"{row['metric']} = {row['value']:.4g}, threshold {row['limit']}"
    cases = ET.SubElement(root, "testsuite", name=f"{suite_name}.cases")
    for found in result["cases"]:
        case = ET.SubElement(cases, "testcase", classname=f"{suite_name}.cases", name=found["id"])
        problems = found["errors"] + found["model_errors"]
        if problems:
            error = ET.SubElement(case, "error", message=problems[0][:300])
            error.text = "\n".join(problems)
        if found["failures"]:
            ET.SubElement(case, "system-out").text = "\n".join(found["failures"])
    for suite in (thresholds, cases):
        tests = suite.findall("testcase")
        suite.set("tests", str(len(tests)))
        suite.set("failures", str(sum(1 for t in tests if t.find("failure") is not None)))
        suite.set("errors", str(sum(1 for t in tests if t.find("error") is not None)))
        suite.set("skipped", str(sum(1 for t in tests if t.find("skipped") is not None)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(result: Mapping[str, Any], path: Path) -> None:
    path.write_text(junit_xml(result), encoding="utf-8")
