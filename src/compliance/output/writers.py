"""The output folder (CONTRACT.md "Results out").

``findings.jsonl``, ``decisions.jsonl``, ``rejected.jsonl``, ``summary.json``,
``report.html`` and ``report.xlsx``. Every file is a pure function of the
evaluation: no clock, keys and lines in a fixed order, so the same input (named by
the same path: record positions name the files as given), rules and ``--as-of``
give byte-identical files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from compliance.api import Evaluation
from compliance.collector import collector_paused
from compliance.output.html import render_html
from compliance.output.xlsx import render_xlsx


def _line(value: Any) -> str:
    data = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _write_lines(path: Path, items: Iterable[Any]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as stream:
        for item in items:
            stream.write(_line(item) + "\n")


def write_results(evaluation: Evaluation, out: Path | str, *, include_all: bool = False) -> list[Path]:
    """Write every output file into ``out`` (created if needed); return their paths.

    The cyclic garbage collector is paused meanwhile (:func:`~compliance.collector.collector_paused`):
    the reports build many short-lived objects while the records are still held.
    """
    with collector_paused():
        return _write_all(evaluation, Path(out), include_all)


def _write_all(evaluation: Evaluation, folder: Path, include_all: bool) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    findings = evaluation.reported(include_all)
    paths = {name: folder / name for name in (
        "findings.jsonl", "decisions.jsonl", "incidents.jsonl", "rejected.jsonl", "summary.json", "report.html",
        "report.xlsx")}
    _write_lines(paths["findings.jsonl"], findings)
    _write_lines(paths["decisions.jsonl"], evaluation.decisions)
    _write_lines(paths["incidents.jsonl"], evaluation.incidents)
    _write_lines(paths["rejected.jsonl"], evaluation.rejections)
    summary = evaluation.summary()
    paths["summary.json"].write_text(
        json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8", newline="\n")
    paths["report.html"].write_text(render_html(evaluation, findings, summary), encoding="utf-8", newline="\n")
    paths["report.xlsx"].write_bytes(render_xlsx(evaluation, findings, summary))
    return list(paths.values())
