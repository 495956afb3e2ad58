"""The eval gate: the quick suites on the bundled benchmark samples must stay at or above their floors.

Floors live in tests/fixtures/eval/floors.json beside the sha256 of the data they were measured on, so a change
of data is explicit and a drop in quality fails CI. Each floor is the measured value less a small margin
(see that file's "how" field).
"""

import json
from pathlib import Path

import pytest

from veracity import eval as evaluation
from veracity.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
FLOORS = json.loads((FIXTURES / "floors.json").read_text())


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    work = tmp_path_factory.mktemp("eval-work")
    out = []
    for suite, only in (("verdict", ("fever-symmetric", "liar2")), ("retrieval", ("checkthat2a",)),
                        ("endtoend", ("check-covid",)), ("grounded", ("factcheck_gpt_stance_dev",))):
        out += evaluation.run(suite, FIXTURES, work=work, only=only)
    return {r.dataset: r for r in out}


@pytest.mark.parametrize("dataset", sorted(FLOORS["floors"]))
def test_metric_at_or_above_floor(results, dataset):
    result = results[dataset]
    assert result.data_sha256 == FLOORS["floors"][dataset]["data_sha256"], "the gate data changed: re-measure floors"
    for name, floor in FLOORS["floors"][dataset]["metrics"].items():
        value = result.metric(name).value
        assert value >= floor, f"{dataset} {name} fell to {value} (floor {floor})"


def test_extractive_citation_precision_is_one(results):
    assert results["check-covid dev"].metric("citation_precision").value == 1.0


def test_results_render_to_markdown_and_json(results):
    listed = list(results.values())
    markdown = evaluation.to_markdown(listed)
    assert "| verdict | fever-symmetric |" in markdown and "0.818" in markdown
    assert {r["dataset"] for r in json.loads(evaluation.to_json(listed))} == set(results)


def test_unknown_suite_and_missing_data_are_clear_errors(tmp_path):
    with pytest.raises(InputError, match="unknown suite"):
        evaluation.run("speed", FIXTURES)
    with pytest.raises(InputError, match="not found"):
        evaluation.run("verdict", tmp_path, only=("healthver",))


def test_verdict_sets_report_a_baseline_and_honesty_metrics(results):
    fever = results["fever-symmetric"]
    names = {m.name for m in fever.metrics}
    assert {"majority_baseline", "accuracy", "macro_f1", "decisive_precision", "decisive_coverage",
            "precision_at_0.8", "ece"} <= names
    gold = json.loads((FIXTURES / "fever-symmetric" / "fever_symmetric_test.jsonl").read_text().splitlines()[0])
    assert gold["gold_label"] in ("SUPPORTS", "REFUTES")
    curve = fever.details["risk_coverage"]
    assert curve[0]["coverage"] == 1.0 and [p["coverage"] for p in curve] == sorted(
        (p["coverage"] for p in curve), reverse=True)
    assert "| verdict | fever-symmetric | 200 | majority_baseline |" in evaluation.to_markdown([fever])


def test_eval_writes_one_prediction_per_claim(results, tmp_path):
    fever = results["fever-symmetric"]
    assert evaluation.write_predictions([fever], tmp_path / "predictions.jsonl") == fever.rows
    lines = [json.loads(line) for line in (tmp_path / "predictions.jsonl").read_text().splitlines()]
    assert len(lines) == fever.rows == 200
    assert all(set(line) == {"dataset", "claim", "gold", "predicted", "confidence"} for line in lines)
    assert {line["gold"] for line in lines} <= {"supported", "refuted"}
    assert {line["predicted"] for line in lines} <= {"supported", "refuted", "not_enough_evidence"}
    accuracy = sum(line["gold"] == line["predicted"] for line in lines) / len(lines)
    assert accuracy == fever.metric("accuracy").value  # the file scores to the table's figure


def test_eval_verdict_skips_a_missing_dataset_with_one_line_and_goes_on(tmp_path):
    """Issue 24, item 23: a benchmark folder holding only some of the verdict sets scores those it holds."""
    import subprocess
    import sys

    from veracity.eval.verdict import SETS

    data = tmp_path / "bench"
    (data / "fever-symmetric").mkdir(parents=True)
    rows = (FIXTURES / "fever-symmetric" / "fever_symmetric_test.jsonl").read_text().splitlines()[:12]
    (data / "fever-symmetric" / "fever_symmetric_test.jsonl").write_text("\n".join(rows) + "\n")
    result = subprocess.run([sys.executable, "-m", "veracity.cli", "eval", "verdict", "--data", str(data),
                             "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped: ")]
    assert len(skipped) == len(SETS) - 1 and all("not found at" in line for line in skipped)
    assert any(line.startswith("skipped: verdict / healthver: ") for line in skipped)
    written = json.loads((tmp_path / "out" / "results.json").read_text())
    scored = [r for r in written if not r["skipped"]]
    assert [(r["dataset"], r["rows"]) for r in scored] == [("fever-symmetric", 12)]
    assert "verdict / healthver: skipped" in (tmp_path / "out" / "results.md").read_text()
    with pytest.raises(InputError, match="no benchmark of 'verdict' found"):
        evaluation.run("verdict", tmp_path / "out")
