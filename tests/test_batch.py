"""The Python API and `summarize batch`: many documents, engines loaded once, sentences batched
across documents with the same results as one by one; resumable by id after SIGKILL; a bad
record becomes an error record."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from summarize import Pipeline
from summarize.cli import cli
from tests.corpus import SPANISH
from tests.helpers import without_timings

needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")


def _articles(count: int) -> list[str]:
    """Short Spanish articles of three sentences, each a different rotation of the corpus."""
    return [" ".join(SPANISH[(i + k) % len(SPANISH)] for k in range(3)) for i in range(count)]


def test_pipeline_batches_equal_one_by_one_on_neural_engines(tiny_models):
    pipeline = Pipeline(to="en", source="es", translator=str(tiny_models["marian"]), summarizer=str(tiny_models["bart"]))
    texts = _articles(5)
    one_by_one = [without_timings(pipeline.article(text)) for text in texts]
    together = [without_timings(result) for result in pipeline.articles(texts, batch_size=5)]
    assert together == one_by_one
    assert {r["metadata"]["translator"]["engine"] for r in together} == {"transformers"}


def test_pipeline_translations_equal_the_translate_command(tiny_models):
    pipeline = Pipeline(to="en", source="es", translator=str(tiny_models["marian"]))
    text = _articles(1)[0]
    shown = CliRunner().invoke(
        cli, ["translate", "--text", text, "--from", "es", "--model", str(tiny_models["marian"]), "--format", "json"]
    )
    assert shown.exit_code == 0, shown.output
    expected = without_timings(json.loads(shown.stdout))
    assert [without_timings(r) for r in pipeline.translations([text])] == [expected]
    assert without_timings(pipeline.translate(text)) == expected


def test_a_failing_document_is_an_error_record_not_a_stop(tiny_models):
    pipeline = Pipeline(to="en", translator=str(tiny_models["marian"]), summarizer="textrank")
    polish = "Rada miasta przyjęła wczoraj budżet na przyszły rok. Opozycja głosowała przeciw. Burmistrz był zadowolony."
    results = list(pipeline.articles([_articles(1)[0], "   ", polish, _articles(2)[1]]))
    assert [r.get("exit_code") for r in results] == [None, 2, 5, None]
    assert "Polish" in results[2]["error"] and results[3]["summary"]


def _write_inputs(folder, count: int) -> list[str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = _articles(count)
    (folder / "docs").mkdir()
    for i, text in enumerate(texts):
        (folder / "docs" / f"a{i:03d}.txt").write_text(text, encoding="utf-8")
    rows = [{"id": f"a{i:03d}", "text": text} for i, text in enumerate(texts)]
    pq.write_table(pa.Table.from_pylist(rows), folder / "articles.parquet")
    return texts


def _records(path) -> list[dict]:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@needs_apertium
def test_batch_over_a_folder_and_over_parquet_gives_the_same_records(tmp_path):
    _write_inputs(tmp_path, 12)
    for inputs, out in (([str(tmp_path / "docs")], "folder.jsonl"), ([str(tmp_path / "articles.parquet")], "table.parquet")):
        result = CliRunner().invoke(cli, ["batch", *inputs, "--out", str(tmp_path / out), "--batch-size", "5"])
        assert result.exit_code == 0, result.output
        assert "12 done, 0 skipped" in result.stderr
    from_folder = {r["id"].rsplit("/", 1)[1][:-4]: r["summary"] for r in _records(tmp_path / "folder.jsonl")}
    from_table = {r["id"]: r["summary"] for r in _records(tmp_path / "table.parquet")}
    assert from_folder == from_table and len(from_table) == 12
    assert not (tmp_path / "table.parquet.partial.jsonl").exists()


@needs_apertium
def test_a_malformed_record_in_the_middle_is_an_error_record(tmp_path):
    lines = [json.dumps({"id": f"r{i}", "text": text}) for i, text in enumerate(_articles(4))]
    lines.insert(2, "{not json")
    lines.insert(3, json.dumps({"id": "no-text", "body": "x"}))
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 9 and "2 record(s)" in result.output
    records = _records(tmp_path / "out.jsonl")
    assert [r["id"] for r in records] == ["r0", "r1", f"{tmp_path / 'in.jsonl'}:3", "no-text", "r2", "r3"]
    assert [r["error"] is None for r in records] == [True, True, False, False, True, True]
    assert "column 'text' is missing" in records[3]["error"] and records[3]["exit_code"] == 2


@pytest.mark.slow
@needs_apertium
def test_a_killed_batch_resumes_with_every_id_once_and_the_same_results(tmp_path):
    _write_inputs(tmp_path, 60)
    command = [sys.executable, "-m", "summarize", "batch", str(tmp_path / "articles.parquet"), "--batch-size", "2"]
    environment = {**os.environ, "HF_HUB_OFFLINE": "1"}
    uninterrupted = subprocess.run([*command, "--out", str(tmp_path / "whole.jsonl")], capture_output=True, env=environment)
    assert uninterrupted.returncode == 0, uninterrupted.stderr
    out = tmp_path / "killed.parquet"
    partial = tmp_path / "killed.parquet.partial.jsonl"
    process = subprocess.Popen([*command, "--out", str(out)], stderr=subprocess.DEVNULL, env=environment)
    deadline = time.time() + 120
    while time.time() < deadline and (not partial.exists() or partial.read_text().count("\n") < 10):
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    written = partial.read_text().count("\n")
    assert 10 <= written < 60 and not out.exists(), "the run must be killed halfway for this test to mean anything"
    resumed = subprocess.run([*command, "--out", str(out)], capture_output=True, text=True, env=environment)
    assert resumed.returncode == 0, resumed.stderr
    assert "skipped" in resumed.stderr
    records = _records(out)
    assert sorted(r["id"] for r in records) == [f"a{i:03d}" for i in range(60)]
    whole = {r["id"]: r["summary"] for r in _records(tmp_path / "whole.jsonl")}
    assert {r["id"]: r["summary"] for r in records} == whole


@pytest.mark.slow
@needs_apertium
def test_ray_gives_the_same_records_as_the_local_path(tmp_path):
    pytest.importorskip("ray")
    lines = [json.dumps({"id": f"r{i}", "text": text}) for i, text in enumerate(_articles(7))]
    lines.insert(3, "{not json")
    lines.append(json.dumps({"id": "r1", "text": "Otra noticia con un id ya usado."}))
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    outputs = {}
    for executor in ("local", "ray"):
        out = tmp_path / f"{executor}.jsonl"
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "summarize",
                "batch",
                str(tmp_path / "in.jsonl"),
                "--out",
                str(out),
                "--executor",
                executor,
                "--batch-size",
                "2",
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
            timeout=300,
        )
        assert result.returncode == 9, result.stderr
        # The run's own notes and its one-line error, nothing of Ray's.
        assert all(line.startswith(("note: ", "Error: ")) for line in result.stderr.splitlines()), result.stderr
        outputs[executor] = [without_timings(r) for r in _records(out)]
    assert outputs["ray"] == outputs["local"]
    assert [r["error"] is None for r in outputs["ray"]] == [True] * 3 + [False] + [True] * 4 + [False]
    assert outputs["ray"][-1]["error"] == "id 'r1' is used twice"


def test_an_output_that_cannot_be_written_is_refused_before_any_work(tmp_path):
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": "a", "text": _articles(1)[0]}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "missing" / "out.parquet")])
    assert result.exit_code == 8 and "does not exist" in result.output and "note:" not in result.stderr


def test_a_log_cut_by_a_kill_keeps_its_whole_records_on_lines_of_their_own(tmp_path):
    from summarize.corpora.output import Output

    log = tmp_path / "out.jsonl"
    log.write_text('{"id": "a", "error": null}\n{"id": "b", "error": null}', encoding="utf-8")  # newline lost
    with Output(log) as output:
        output.append([{"id": "c", "error": None}])
    assert [json.loads(line)["id"] for line in log.read_text().splitlines()] == ["a", "b", "c"]
    log.write_text(log.read_text() + '{"id": "d", "err', encoding="utf-8")  # a line cut short
    with Output(log) as output:
        assert output.done == {"a", "b", "c"} and log.read_text().endswith('"c", "error": null}\n')
