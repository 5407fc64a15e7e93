"""A short load run in CI (the README gives the full 60-second run's figures): 16 clients, a
mixed stream with bad requests, no 5xx, nothing dropped, every response equal to its request's
response alone."""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.model
def test_sixteen_clients_for_a_few_seconds_change_no_answer(tmp_path, real_assistant):
    report_path = tmp_path / "load.json"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "load.py"), "--clients", "16", "--seconds", "8",
                           "--json", str(report_path)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    report = json.loads(report_path.read_text())
    assert done.returncode == 0, (report, done.stderr[-1500:])
    assert report["answered"] > 100 and report["refused_as_expected"] > 0
    assert report["mismatches"] == report["server_errors"] == report["dropped"] == report["busy"] == 0
