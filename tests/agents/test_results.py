import json
from pathlib import Path

import pytest

from aigentflow.agents.results import CaseOutcome, parse_jest_json, parse_junit_xml

JUNIT = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<testsuites><testsuite name="pytest" errors="1" failures="1" tests="4">\n'
    '<testcase classname="tests.test_calc" name="test_ok" file="tests/test_calc.py" line="3" time="0.01"/>\n'
    '<testcase classname="tests.test_calc.TestMul" name="test_mul[2-3]" '
    'file="tests/test_calc.py" line="10" time="0.02">\n'
    '<failure message="assert 7 == 6">def test_mul():\n'
    "&gt;       assert mul(2, 3) == 6\n"
    "E       assert 7 == 6</failure></testcase>\n"
    '<testcase classname="" name="tests.test_other" time="0">'
    '<error message="collection failure">E   SyntaxError: bad</error>'
    "</testcase>\n"
    '<testcase classname="tests.test_calc" name="test_skip" file="tests/test_calc.py" line="20">'
    '<skipped message="no"/></testcase>\n'
    "</testsuite></testsuites>\n"
)


def test_junit_cases_carry_pytest_node_ids_outcomes_and_one_based_lines(tmp_path: Path) -> None:
    path = tmp_path / "r.xml"
    path.write_text(JUNIT)
    cases = parse_junit_xml(path)
    assert [c.id for c in cases] == [
        "tests/test_calc.py::test_ok",
        "tests/test_calc.py::TestMul::test_mul[2-3]",
        "tests.test_other",
        "tests/test_calc.py::test_skip",
    ]
    assert [c.outcome for c in cases] == [
        CaseOutcome.PASSED,
        CaseOutcome.FAILED,
        CaseOutcome.ERROR,
        CaseOutcome.SKIPPED,
    ]
    assert cases[1].line == 11 and cases[1].message == "assert 7 == 6" and "mul(2, 3)" in cases[1].details


def test_a_file_that_is_not_junit_is_a_value_error(tmp_path: Path) -> None:
    path = tmp_path / "r.xml"
    path.write_text("<not closed")
    with pytest.raises(ValueError, match="not JUnit XML"):
        parse_junit_xml(path)


def test_jest_json_reports_give_cases_and_suites_that_failed_to_load(tmp_path: Path) -> None:
    report = {
        "testResults": [
            {
                "name": str(tmp_path / "calc.test.js"),
                "status": "failed",
                "assertionResults": [
                    {"fullName": "adds", "status": "passed", "failureMessages": [], "duration": 3},
                    {
                        "fullName": "multiplies",
                        "status": "failed",
                        "failureMessages": [
                            "Error: expect(received).toBe(expected)\n    at calc.test.js:9:5"
                        ],
                        "location": {"line": 8, "column": 3},
                    },
                ],
            },
            {
                "name": str(tmp_path / "broken.test.js"),
                "status": "failed",
                "message": "SyntaxError: Unexpected token",
                "assertionResults": [],
            },
        ]
    }
    path = tmp_path / "r.json"
    path.write_text(json.dumps(report))
    cases = parse_jest_json(path, tmp_path)
    assert [(c.id, c.outcome) for c in cases] == [
        ("calc.test.js > adds", CaseOutcome.PASSED),
        ("calc.test.js > multiplies", CaseOutcome.FAILED),
        ("broken.test.js", CaseOutcome.ERROR),
    ]
    failed = next(c for c in cases if c.outcome is CaseOutcome.FAILED)
    assert failed.line == 8 and failed.message.startswith("Error: expect(received)")
