"""The command line as a user runs it: a real process, the real model."""

import json
import os
import subprocess
import sys
import time

import pytest

from conftest import ROOT


def run(*args, stdin=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=timeout, env=os.environ.copy())


def test_help_is_fast_and_does_not_import_heavy_libraries():
    started = time.perf_counter()
    result = run("--help")
    assert result.returncode == 0 and "ask" in result.stdout
    code = "import sys, assistant, ui; print(sorted(m for m in ('torch','sentence_transformers','gradio','faiss') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT).stdout.strip() == "[]"
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize("question", ["", "   ", "x" * 501])
def test_bad_single_question_exits_non_zero_with_a_message(question):
    result = run("ask", question)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("value", ["abc", "0", "999"])
def test_a_bad_top_k_is_a_clear_error(value):
    result = run("ask", "--top-k", value, "cáp quang")
    assert result.returncode == 2 and "--top-k: must be" in result.stderr and "_top_k" not in result.stderr


def test_missing_article_is_a_clear_error():
    result = run("ask", "--article", "/nonexistent.txt", "cáp quang")
    assert result.returncode == 2 and "no such article file" in result.stderr


@pytest.mark.model
def test_ask_json_and_readable():
    result = run("ask", "--json", "Toàn tỉnh có bao nhiêu tuyến cáp quang?")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["answered"] and "510 tuyến cáp quang" in answer["quotes"][0]["text"]
    assert set(answer["quotes"][0]) == {"text", "start", "end", "score", "paragraph"}
    readable = run("ask", "ty le nguoi dung internet")
    assert readable.returncode == 0 and "72%" in readable.stdout


@pytest.mark.model
def test_jsonl_contract_answers_in_order_and_reports_bad_lines():
    lines = [
        {"id": "a", "question": "Có bao nhiêu vị trí trạm BTS?"},
        {"id": "b", "question": "Trong đó bao nhiêu có 4G?", "history": ["Có bao nhiêu vị trí trạm BTS?"]},
        "{not json",
        {"id": "c", "question": "   "},
        {"id": "d", "question": "x" * 501},
        {"id": 7, "question": "How many 4G sites are there?"},
        {"id": "e", "question": "Giá vàng hôm nay bao nhiêu?"},
    ]
    stdin = "\n".join(l if isinstance(l, str) else json.dumps(l, ensure_ascii=False) for l in lines) + "\n"
    result = run("ask", "--jsonl", "--top-k", "2", stdin=stdin)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", None, "c", "d", 7, "e"]
    for o in out:
        if "error" in o:
            assert set(o) == {"id", "error"} and o["error"]
        else:
            assert set(o) == {"id", "answered", "answer", "quotes", "reason", "highlight"} and len(o["quotes"]) <= 2
    assert [("error" in o) for o in out] == [False, False, True, True, True, False, False]
    first = out[1]["quotes"][0]
    assert "825 vị trí có phủ sóng 4G" in first["text"]
    start, end = out[1]["highlight"]  # article offsets of the bold span, within the first quote
    assert first["text"][start - first["start"] : end - first["start"]] == "825"
    assert out[-1]["highlight"] is None
    assert out[-1]["answered"] is False


@pytest.mark.model
def test_index_and_eval_commands(tmp_path):
    result = run("index")
    assert result.returncode == 0 and "sentences" in result.stdout
    report = tmp_path / "r.json"
    result = run("eval", str(ROOT / "tests" / "data" / "followups.jsonl"), "--misses", "--report", str(report))
    assert result.returncode == 0, result.stderr
    assert "recall" in result.stdout.lower() or "R@1" in result.stdout
    assert json.loads(report.read_text())["overall"]["verbatim"] == 1.0
