"""An XLSX report for auditors who work in spreadsheets: findings, counts by rule and by unit, decisions,
incidents, rejected rows, the summary and the parameters used.

Written with XlsxWriter, which builds the workbook in memory and stamps every zip
entry with one fixed date (1980-01-01); the workbook's creation date is the
evaluation instant. So the file is byte-identical for the same input, rules and
``--as-of``, whatever else is installed (openpyxl's output changes with lxml).

A cell holds at most 32,767 characters (Excel's limit): a longer value (the
evidence of a period with thousands of events) is cut there with a note saying
how long it was and where the whole value is, never silently. A sheet holds at
most 1,048,576 rows: more findings go on to ``findings-2`` and so on.
"""

from __future__ import annotations

import io
import json
from datetime import timezone
from typing import Any

import xlsxwriter

from compliance.api import Evaluation
from compliance.findings import Finding, Status

_FINDING_COLUMNS = ("rule_id", "unit_id", "person_id", "subject_id", "period", "period_start", "period_end", "due",
                    "status", "expected", "actual", "evidence", "document", "article", "message")

CELL_LIMIT = 32_767
"""The most characters an XLSX cell holds."""

ROW_LIMIT = 1_048_576
"""The most rows a worksheet holds (the header included); more go on to a sheet ``name-2``, ``name-3``, …"""


def _cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        value = "; ".join(map(str, value))
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, default=str)
    elif not (value is None or isinstance(value, (int, float, str))):
        value = str(value)
    if isinstance(value, str) and len(value) > CELL_LIMIT:
        note = f"……（共{len(value)}字符，超出单元格上限，完整内容见同目录 jsonl/json 文件）"
        value = value[: CELL_LIMIT - len(note)] + note
    return value


def _summary_rows(summary: dict[str, Any]) -> Any:
    """``summary.json`` a key a row, less what has a sheet of its own (counts by rule and unit, parameters)."""
    for key, value in summary.items():
        if key == "findings":
            yield key, {name: part for name, part in value.items() if name not in ("by_rule", "by_unit")}
            yield "findings.by_rule", "见工作表 by_rule"
            yield "findings.by_unit", "见工作表 by_unit"
        elif key == "parameters":
            yield key, "见工作表 parameters"
        else:
            yield key, value


def render_xlsx(evaluation: Evaluation, findings: list[Finding], summary: dict[str, Any] | None = None) -> bytes:
    """The workbook's bytes: sheets findings, by_rule, by_unit (counts of every status), decisions, incidents,
    rejected, summary and parameters (from ``evaluation.summary()`` unless ``summary`` is given)."""
    raw = io.BytesIO()
    # Text stays text: no formulas from "=…", no links from "http…", no numbers from "00123".
    workbook = xlsxwriter.Workbook(raw, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})
    moment = evaluation.as_of.astimezone(timezone.utc).replace(tzinfo=None)  # core properties are UTC
    workbook.set_properties({"created": moment})

    def sheet(name: str, header: list[str], rows: Any) -> None:
        part, worksheet, number = 1, workbook.add_worksheet(name), 0
        worksheet.write_row(0, 0, header)
        for row in rows:
            number += 1
            if number == ROW_LIMIT:  # full: the rows go on, with the header again, on the next sheet
                part, number = part + 1, 1
                worksheet = workbook.add_worksheet(f"{name}-{part}")
                worksheet.write_row(0, 0, header)
            worksheet.write_row(number, 0, [_cell(value) for value in row])

    def finding_rows() -> Any:
        for finding in findings:
            data = finding.model_dump(mode="json")
            data["document"], data["article"] = finding.citation.document, finding.citation.article
            yield [data[column] for column in _FINDING_COLUMNS]

    summary = evaluation.summary() if summary is None else summary
    statuses = [status.value for status in Status]
    titles = {rule.id: rule for rule in evaluation.rules}
    sheet("findings", list(_FINDING_COLUMNS), finding_rows())
    sheet("by_rule", ["rule_id", "title", "document", "article", *statuses, "total"],
          ([rule_id, titles[rule_id].title if rule_id in titles else None,
            titles[rule_id].citation.document if rule_id in titles else None,
            titles[rule_id].citation.article if rule_id in titles else None,
            *(counts.get(status, 0) for status in statuses), sum(counts.values())]
           for rule_id, counts in ((rule_id, summary["findings"]["by_rule"].get(rule_id, {}))
                                   for rule_id in sorted(titles))))
    sheet("by_unit", ["unit_id", "name", *statuses, "total"],
          ([unit_id, evaluation.unit_names.get(unit_id), *(counts.get(status, 0) for status in statuses),
            sum(counts.values())] for unit_id, counts in summary["findings"]["by_unit"].items()))
    sheet("decisions", ["year", "unit_id", "person_id", "ladder", "level", "level_name", "consequences", "because"],
          ([decision.year, decision.unit_id, decision.person_id, decision.ladder, decision.level, decision.level_name,
            decision.consequences, json.dumps(decision.because, ensure_ascii=False)]
           for decision in evaluation.decisions))
    sheet("incidents", ["incident_id", "unit_id", "occurred_at", "grade", "grade_name", "message"],
          ([incident.incident_id, incident.unit_id, incident.occurred_at, incident.grade, incident.grade_name,
            incident.message] for incident in evaluation.incidents))
    sheet("rejected", ["file", "sheet", "line", "column", "reason"],
          ([item.file, item.sheet, item.line, item.column, item.reason] for item in evaluation.rejections))
    sheet("summary", ["key", "value"], _summary_rows(summary))
    sheet("parameters", ["rule_id", "name", "value", "policy", "overridden"],
          ([rule_id, name, json.dumps(given["value"], ensure_ascii=False), given["policy"], given["overridden"]]
           for rule_id, parameters in summary["parameters"].items() for name, given in parameters.items()))
    workbook.close()
    return raw.getvalue()
