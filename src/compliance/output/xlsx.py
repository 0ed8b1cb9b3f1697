"""An XLSX report for auditors who work in spreadsheets: findings, summary, rejected rows.

openpyxl stamps every zip entry, and the workbook's ``dcterms:modified`` property
(whatever it was set to), with the current time when it saves; the bytes are
re-packed with one fixed timestamp (the evaluation instant) so that the file is
byte-identical for the same input, rules and ``--as-of``.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import datetime, timezone
from typing import Any

from openpyxl import Workbook

from compliance.api import Evaluation
from compliance.findings import Finding

_FINDING_COLUMNS = ("rule_id", "unit_id", "person_id", "subject_id", "period", "period_start", "period_end", "due",
                    "status", "expected", "actual", "evidence", "document", "article", "message")


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    return json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, dict) else str(value)


def render_xlsx(evaluation: Evaluation, findings: list[Finding], summary: dict[str, Any] | None = None) -> bytes:
    """The workbook's bytes: sheets findings, decisions, incidents, rejected, summary (``evaluation.summary()``
    unless given).

    Written in openpyxl's write-only mode: rows are streamed out as they are appended,
    which takes less time and memory for tens of thousands of findings.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("findings")
    sheet.append(list(_FINDING_COLUMNS))
    for finding in findings:
        data = finding.model_dump(mode="json")
        data["document"], data["article"] = finding.citation.document, finding.citation.article
        sheet.append([_cell(data[column]) for column in _FINDING_COLUMNS])
    decisions = workbook.create_sheet("decisions")
    decisions.append(["year", "unit_id", "person_id", "ladder", "level", "level_name", "consequences", "because"])
    for decision in evaluation.decisions:
        decisions.append([decision.year, decision.unit_id, decision.person_id, decision.ladder, decision.level,
                          decision.level_name, _cell(decision.consequences),
                          json.dumps(decision.because, ensure_ascii=False)])
    incidents = workbook.create_sheet("incidents")
    incidents.append(["incident_id", "unit_id", "occurred_at", "grade", "grade_name", "message"])
    for incident in evaluation.incidents:
        incidents.append([incident.incident_id, incident.unit_id, incident.occurred_at, incident.grade,
                          incident.grade_name, incident.message])
    rejected = workbook.create_sheet("rejected")
    rejected.append(["file", "sheet", "line", "column", "reason"])
    for item in evaluation.rejections:
        rejected.append([item.file, item.sheet, item.line, item.column, item.reason])
    totals = workbook.create_sheet("summary")
    totals.append(["key", "value"])
    for key, value in (evaluation.summary() if summary is None else summary).items():
        totals.append([key, _cell(value)])
    moment = evaluation.as_of.astimezone(timezone.utc).replace(tzinfo=None)  # core properties are UTC
    workbook.properties.created = moment
    workbook.properties.modified = moment
    raw = io.BytesIO()
    workbook.save(raw)
    return _fixed_zip(raw.getvalue(), moment)


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _fixed_zip(data: bytes, moment: datetime) -> bytes:
    """Re-pack a zip with one fixed timestamp on every entry and in its core properties."""
    stamp = max(moment.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    fixed = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    target_bytes = io.BytesIO()
    with zipfile.ZipFile(target_bytes, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + fixed + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return target_bytes.getvalue()
