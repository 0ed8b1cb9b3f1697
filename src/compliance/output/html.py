"""A self-contained HTML report for auditors (Chinese headings): counts by rule, then one table per status."""

from __future__ import annotations

from html import escape
from typing import Any

from compliance.api import Evaluation
from compliance.findings import Finding, Status

_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:2em;font-size:14px}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3} .violated{color:#b00020} .late{color:#b36200} .at_risk{color:#8a6d00}
.satisfied{color:#2e7d32} .open,.exempt{color:#555} code{font-size:12px}
"""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return escape("、".join(map(str, value)))
    return escape(str(value))


def render_html(evaluation: Evaluation, findings: list[Finding], summary: dict[str, Any]) -> str:
    units = evaluation.unit_names
    counts = summary["findings"]["by_status"]
    rows = []
    for status in Status:
        group = [f for f in findings if f.status is status]
        if not group:
            continue
        rows.append(f"<h2 class=\"{status.value}\">{status.chinese}（{status.value}）：{len(group)}</h2>")
        rows.append("<table><tr><th>规则</th><th>单位</th><th>人员</th><th>期间</th><th>应</th><th>实</th>"
                    "<th>说明</th><th>依据</th><th>证据</th></tr>")
        for f in group:
            rows.append(
                "<tr>"
                f"<td><code>{_cell(f.rule_id)}</code></td><td>{_cell(units.get(f.unit_id, f.unit_id))}</td>"
                f"<td>{_cell(f.person_id)}</td><td>{_cell(f.period)}</td><td>{_cell(f.expected)}</td>"
                f"<td>{_cell(f.actual)}</td><td>{_cell(f.message)}</td>"
                f"<td>{_cell(f.citation.document)} {_cell(f.citation.article)}</td><td>{_cell(f.evidence)}</td>"
                "</tr>"
            )
        rows.append("</table>")
    rows[:0] = _by_rule(evaluation, summary)
    rows.extend(_incidents(evaluation))
    rows.extend(_decisions(evaluation, units))
    packs = "、".join(f"{escape(p['pack'])} {escape(p['version'])}" for p in summary["packs"])
    totals = "，".join(f"{Status(k).chinese} {v}" for k, v in counts.items())
    rejected = summary["rejected"]
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>安全生产责任落实核查报告</title><style>{_STYLE}</style></head><body>\n"
        "<h1>安全生产责任落实核查报告</h1>\n"
        f"<p>评估时点：{escape(summary['as_of'])}；规则包：{packs}；"
        f"被拒记录：{rejected} 条（见 rejected.jsonl）。</p>\n"
        f"<p>结论统计：{escape(totals)}。</p>\n"
        + _dangling(summary)
        + "\n".join(rows)
        + "\n</body></html>\n"
    )


def _dangling(summary: dict[str, Any]) -> str:
    """A line on events that name a person or a unit the export does not have (they may not count)."""
    events = (summary.get("records") or {}).get("events") or {}
    parts = []
    for key, what in (("actors_not_in_people", "所记人员不在人员名单中"), ("targets_not_in_units", "所记对象单位不在单位名单中")):
        found = events.get(key) or {}
        if found.get("events"):
            parts.append(f"{what}的事件 {found['events']} 条（如 {_cell(found['first_ids'][:3])}）")
    if not parts:
        return ""
    return f"<p>记录提示：{'；'.join(parts)}；这些事件在要求人员职务或对象单位的规则中不计入（见 summary.json）。</p>\n"


def _by_rule(evaluation: Evaluation, summary: dict[str, Any]) -> list[str]:
    """The findings of every status counted by rule (all of them, written or not): where to look first.

    Every rule evaluated has a row: one with no findings at all bound no unit or met no trigger in
    these records, which is not the same as complied with.
    """
    counted = summary["findings"]["by_rule"]
    rules = {rule.id: rule for rule in evaluation.rules}
    if not rules:
        return []
    counted = {rule_id: counted.get(rule_id, {}) for rule_id in sorted(rules)}  # a rule without findings too
    rows = ["<h2>按规则统计</h2>",
            "<table><tr><th>规则</th><th>名称</th><th>依据</th>"
            + "".join(f"<th class=\"{status.value}\">{status.chinese}</th>" for status in Status)
            + "<th>合计</th></tr>"]
    for rule_id, counts in counted.items():
        rule = rules.get(rule_id)
        title = rule.title if rule else ""
        cited = f"{_cell(rule.citation.document)} {_cell(rule.citation.article)}" if rule else ""
        rows.append(f"<tr><td><code>{_cell(rule_id)}</code></td><td>{_cell(title)}</td><td>{cited}</td>"
                    + "".join(f"<td>{counts.get(status.value, 0) or ''}</td>" for status in Status)
                    + f"<td>{sum(counts.values())}</td></tr>")
    rows.append("</table>")
    return rows


def _incidents(evaluation: Evaluation) -> list[str]:
    if not evaluation.incidents:
        return []
    rows = [f"<h2>事故分级：{len(evaluation.incidents)}</h2>",
            "<table><tr><th>事故</th><th>单位</th><th>时间</th><th>等级</th><th>说明</th></tr>"]
    for incident in evaluation.incidents:
        rows.append(f"<tr><td><code>{_cell(incident.incident_id)}</code></td><td>{_cell(incident.unit_id)}</td>"
                    f"<td>{_cell(incident.occurred_at)}</td><td>{_cell(incident.grade_name)}</td>"
                    f"<td>{_cell(incident.message)}</td></tr>")
    rows.append("</table>")
    return rows


def _decisions(evaluation: Evaluation, units: dict[str, str]) -> list[str]:
    if not evaluation.decisions:
        return []
    rows = [f"<h2>问责决定：{len(evaluation.decisions)}</h2>",
            "<table><tr><th>年度</th><th>单位</th><th>人员</th><th>等级</th><th>后果</th><th>依据</th></tr>"]
    for decision in evaluation.decisions:
        causes = "；".join(
            " ".join(str(cause.get(key)) for key in ("sanction", "finding", "event", "incident", "subject_id",
                                                   "period", "status") if cause.get(key))
            for cause in decision.because
        )
        rows.append(f"<tr><td>{decision.year}</td><td>{_cell(units.get(decision.unit_id, decision.unit_id))}</td>"
                    f"<td>{_cell(decision.person_id)}</td><td>{_cell(decision.level_name)}（{decision.level}）</td>"
                    f"<td>{_cell(decision.consequences)}</td><td>{_cell(causes)}</td></tr>")
    rows.append("</table>")
    return rows
