"""The benchmark scripts run (on a tiny export): their figures are for docs/performance.md, not asserted here."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*arguments: str) -> str:
    done = subprocess.run([sys.executable, *arguments], capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_run_py_times_an_export_end_to_end_with_its_breakdown(tmp_path):
    shown = _run("benchmarks/run.py", "--units", "60", "--events", "3000", "--work", str(tmp_path))
    assert "| bare read (`csv.reader`, 3,000 events) |" in shown
    for step in ("load (`load_export`)", "evaluate (rules, indexes)", "write outputs", "in-process total",
                 "**`compliance evaluate` end to end**"):
        assert re.search(r"\| " + re.escape(step) + r" \| \**[0-9.]+\**", shown), step
    assert re.search(r"findings: [0-9]+ in all, [0-9]+ reported; rejected rows: [0-9]+; rules: [0-9]+", shown)


def test_run_py_without_a_breakdown_names_the_packs_it_was_given(tmp_path):
    shown = _run("benchmarks/run.py", "--units", "60", "--events", "3000", "--work", str(tmp_path), "--no-breakdown",
                 "--rules", "rules/national.yaml")
    assert re.search(r"\| \*\*`compliance evaluate` end to end\*\* \| \*\*[0-9.]+\*\*", shown)
    assert "load (`load_export`)" not in shown
    assert shown.rstrip().endswith("rules: rules/national.yaml")


def test_probes_py_measures_and_says_which_probes_it_could_not_run(tmp_path):
    _run("benchmarks/generate.py", "--units", "60", "--events", "3000", "--seed", "1", "--out", str(tmp_path))
    shown = _run("benchmarks/probes.py", "--data", str(tmp_path))
    assert re.search(r"^bare +[0-9.]+ s  3,001 rows$", shown, re.MULTILINE)
    assert re.search(r"^floor +[0-9.]+ s  3,000 objects$", shown, re.MULTILINE)
    assert re.search(r"^deal +[0-9.]+ s  the loop alone [0-9.]+ s; [0-9,]+ \(unit, type\) lists$", shown, re.MULTILINE)
    for probe, module in (("arrow", "pyarrow"), ("duckdb", "duckdb")):
        line = next(line for line in shown.splitlines() if line.startswith(probe))
        assert line.endswith(f"skipped: {module} is not installed") or re.search(r"[0-9.]+ s", line)
