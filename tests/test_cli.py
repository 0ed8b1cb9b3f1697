"""The command line: exit codes, output files, bad input and bad rules."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from compliance.cli import main
from compliance.findings import Status

UNITS = """unit_id,name,kind,level,parent_id,region,sectors,tags
PC,某县委,party_committee,county,,220521,,
D1,某县应急管理局,department,county,,220521,mining,
"""
EVENTS = """event_id,unit_id,type,occurred_at,actor_id,target_id,attributes
e1,PC,safety_study_session,2022-08-01T09:00,,,
e2,PC,safety_study_session,2022-13-01,,,
e3,NOPE,safety_study_session,2022-08-02,,,
,PC,safety_study_session,2022-08-03,,,
e1,PC,safety_study_session,2022-08-05T09:00,,,
e1,PC,safety_study_session,2022-08-01T09:00,,,
"""
MEASURES = """unit_id,metric,value,as_of
D1,enforcement_officers,-3,2022-09-30
D1,enforcement_vehicles,2,2022-09-30
"""


def _export(folder: Path, events: str = EVENTS, measures: str = MEASURES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "units.csv").write_text(UNITS, encoding="utf-8")
    (folder / "events.csv").write_text(events, encoding="utf-8")
    (folder / "measures.csv").write_text(measures, encoding="utf-8")
    return folder


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_bad_rows_are_rejected_counted_and_the_run_goes_on(tmp_path, capsys):
    data, out = _export(tmp_path / "data"), tmp_path / "out"
    assert main(["evaluate", str(data), "--as-of", "2023-01-01", "--out", str(out)]) == 0
    rejected = _lines(out / "rejected.jsonl")
    assert [(Path(r["file"]).name, r["line"], r["column"]) for r in rejected] == [
        ("events.csv", 3, "occurred_at"),
        ("events.csv", 4, "unit_id"),
        ("events.csv", 5, "event_id"),
        ("events.csv", 6, "event_id"),
        ("measures.csv", 2, "value"),
    ]
    reasons = [r["reason"] for r in rejected]
    assert "2022-13-01" in reasons[0]
    assert "NOPE" in reasons[1] and "does not exist" in reasons[1]
    assert "duplicate" in reasons[3] and "different content" in reasons[3]
    assert "negative" in reasons[4] or "greater than or equal to 0" in reasons[4]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["rejected"] == 5
    assert summary["records"]["events"]["rejected"] == 4 and summary["records"]["events"]["duplicates"] == 1
    assert summary["as_of"] == "2023-01-01T00:00:00+08:00"
    findings = _lines(out / "findings.jsonl")
    study = [f for f in findings if f["rule_id"] == "tonghua-2022-10.t02"]
    assert [(f["period"], f["status"]) for f in study] == [("2022-Q4", "violated")]  # Q3 met by e1
    assert "被拒记录 5 条" in capsys.readouterr().err


def test_strict_mode_stops_on_a_rejected_row(tmp_path, capsys):
    data = _export(tmp_path / "data")
    assert main(["evaluate", str(data), "--as-of", "2023-01-01", "--out", str(tmp_path / "o"), "--strict"]) == 2
    err = capsys.readouterr().err
    assert "events.csv:3:4" in err and "2022-13-01" in err
    assert not (tmp_path / "o").exists()


def test_fail_on_a_status(tmp_path):
    data = _export(tmp_path / "data")
    common = ["evaluate", str(data), "--as-of", "2023-01-01", "--out", str(tmp_path / "o")]
    assert main(common + ["--fail-on", "violated"]) == 1
    assert main(common + ["--fail-on", "at_risk"]) == 0


def test_all_writes_satisfied_findings_too(tmp_path):
    data = _export(tmp_path / "data")
    main(["evaluate", str(data), "--as-of", "2023-01-01", "--out", str(tmp_path / "o"), "--all"])
    statuses = {f["status"] for f in _lines(tmp_path / "o" / "findings.jsonl")}
    assert {"satisfied", "violated"} <= statuses


def test_outputs_are_byte_identical_across_runs(tmp_path):
    data = _export(tmp_path / "data")
    for name in ("a", "b"):
        time.sleep(1.1 if name == "b" else 0)  # cross a second: nothing may depend on the clock
        assert main(["evaluate", str(data), "--as-of", "2023-01-01", "--out", str(tmp_path / name), "--all"]) == 0
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == ["decisions.jsonl", "findings.jsonl", "incidents.jsonl", "rejected.jsonl", "report.html", "report.xlsx",
                     "summary.json"]
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_a_broken_rule_file_stops_with_every_error(tmp_path, capsys):
    pack = tmp_path / "bad.yaml"
    pack.write_text("""pack: demo
version: "1"
document: {title: 测试, issuer: 测试, date: "2022-01-01"}
effective: "2022-01-01"
rules:
  - id: demo.r1
    title: 学习
    citation: {article: 一, text: 每季度学习}
    applies_to: {kind: party_committee}
    in_force: {from: "2022-01-01"}
    frequency: quarterly
    obligation:
      kind: periodic
      event: {type: safety_study_sesion}
      period: quarter
      period: quarter
""", encoding="utf-8")
    data = _export(tmp_path / "data")
    assert main(["evaluate", str(data), "--rules", str(pack), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"{pack}:11:5: unknown key" in err
    assert f"{pack}:14:21: unknown event type (found 'safety_study_sesion'; did you mean 'safety_study_session'?)" in err
    assert f"{pack}:16:7: duplicate key 'period'" in err
    assert main(["check", str(pack)]) == 2
    assert main(["check", str(pack), "--format", "json"]) == 2
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    assert {(e["line"], e["column"]) for e in lines[-3:]} == {(11, 5), (14, 21), (16, 7)}


def test_unusable_data_is_exit_2(tmp_path, capsys):
    assert main(["evaluate", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]) == 2
    assert "no such export" in capsys.readouterr().err


def test_check_and_rules_on_the_shipped_packs(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "ok  national 1.0.0: 6 rules, 0 not checkable" in out
    assert "ok  tonghua-2022-10 1.0.0: 52 rules, 40 not checkable" in out
    assert main(["rules", "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert [p["pack"] for p in listing["packs"]] == ["district-2023", "henan-hkk-2022", "jilin-rf-2022-80", "national", "taonan-mz-2022", "tonghua-2022-10"]
    pack = listing["packs"][-1]
    rules = {rule["id"]: rule for rule in pack["rules"]}
    assert rules["tonghua-2022-10.t07-b"]["parameters"][0]["policy"] is True
    assert rules["tonghua-2022-10.t56"]["obligation"]["ratio"] == {
        "numerator": "enforcement_vehicles", "denominator": "enforcement_officers", "per": 5, "at_least": 1}
    assert main(["rules", "tonghua-2022-10.t07-b", "--param", "tonghua-2022-10.t07-b.within=P7D"]) == 0
    text = capsys.readouterr().out
    assert "参数 within = \"P7D\" [policy default (政策选择), overridden for this run]" in text
    assert "相关会议纪要抄报上级安委会办公室" in text


def test_explaining_an_unknown_rule_suggests_one(capsys):
    assert main(["rules", "tonghua-2022-10.t07b"]) == 2
    assert "did you mean 'tonghua-2022-10.t07-b'" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["evaluate", "x", "--as-of", "someday"], ["evaluate", "x", "--from", "2022/13/1"]])
def test_bad_instants_on_the_command_line_are_exit_2(tmp_path, argv, capsys):
    data = _export(tmp_path / "data")
    argv = [str(data) if a == "x" else a for a in argv] + ["--out", str(tmp_path / "o")]
    assert main(argv) == 2
    assert "cannot read" in capsys.readouterr().err


def test_rules_lists_the_ladders_with_sources_and_policy_defaults(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "  ladder territorial 属地党委政府问责阶梯" in out
    assert "    7. veto                   一票否决  — 通安委〔2022〕10号 正文（十二） 重大生产安全事故“一票否决”" in out
    assert "为政策选择" in out  # the orderings the documents do not give are marked as such
    assert "tonghua-2022-10.t24-a            sanction     重大以上事故一票否决 [policy defaults]" in out
    assert main(["rules", "--format", "json"]) == 0
    packs = {pack["pack"]: pack for pack in json.loads(capsys.readouterr().out)["packs"]}
    assert [ladder["ladder"] for ladder in packs["national"]["ladders"]] == [
        "territorial", "departmental", "enterprise", "person"]
    assert packs["tonghua-2022-10"]["jurisdiction"]["regions"] == ["220500"]


def test_the_workbook_holds_what_the_line_files_hold(tmp_path):
    """report.xlsx: one sheet per output, a header row, then one row per finding, decision, rejection."""
    from openpyxl import load_workbook

    data = _export(tmp_path / "data")
    out = tmp_path / "o"
    assert main(["evaluate", str(data), "--as-of", "2023-01-01", "--out", str(out), "--all"]) == 0
    workbook = load_workbook(out / "report.xlsx", read_only=True)
    assert workbook.sheetnames == ["findings", "by_rule", "by_unit", "decisions", "incidents", "rejected", "summary",
                                   "parameters"]
    rows = list(workbook["findings"].iter_rows(values_only=True))
    findings = _lines(out / "findings.jsonl")
    assert rows[0][:3] == ("rule_id", "unit_id", "person_id") and rows[0][-1] == "message"
    assert len(rows) == len(findings) + 1
    assert [(row[0], row[1], row[8], row[-1]) for row in rows[1:]] == [
        (f["rule_id"], f["unit_id"], f["status"], f["message"]) for f in findings]
    rejected = list(workbook["rejected"].iter_rows(values_only=True))
    assert rejected[0] == ("file", "sheet", "line", "column", "reason")
    assert [row[2] for row in rejected[1:]] == [r["line"] for r in _lines(out / "rejected.jsonl")]
    summary = {row[0]: row[1] for row in workbook["summary"].iter_rows(min_row=2, max_col=2, values_only=True)}
    assert summary["rejected"] == len(rejected) - 1
    assert summary["findings.by_rule"] == "见工作表 by_rule" and summary["parameters"] == "见工作表 parameters"
    written = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert json.loads(summary["findings"]) == {"total": 18, "by_status": written["findings"]["by_status"],
                                               "rules_without_findings": written["findings"]["rules_without_findings"]}
    statuses = [status.value for status in Status]
    by_rule = list(workbook["by_rule"].iter_rows(values_only=True))
    assert by_rule[0] == ("rule_id", "title", "document", "article", *statuses, "total")
    every_rule = sorted([*written["findings"]["by_rule"], *written["findings"]["rules_without_findings"]])
    assert len(every_rule) == sum(pack["rules"] for pack in written["packs"])  # every rule evaluated has a row
    assert {row[0]: dict(zip(statuses, row[4:10])) for row in by_rule[1:]} == {
        rule: {status: written["findings"]["by_rule"].get(rule, {}).get(status, 0) for status in statuses}
        for rule in every_rule}
    assert all(row[10] == sum(row[4:10]) and row[1] and row[2] for row in by_rule[1:])
    assert [row[10] for row in by_rule[1:] if row[0] in written["findings"]["rules_without_findings"]] == \
        [0] * len(written["findings"]["rules_without_findings"])
    by_unit = {row[0]: row[1:] for row in workbook["by_unit"].iter_rows(min_row=2, values_only=True)}
    assert by_unit["PC"][0] == "某县委" and sum(row[-1] for row in by_unit.values()) == 18
    parameters = list(workbook["parameters"].iter_rows(min_row=2, values_only=True))
    assert len(parameters) == sum(len(given) for given in written["parameters"].values())
    assert all(json.loads(row[2]) == written["parameters"][row[0]][row[1]]["value"] for row in parameters)


def test_the_command_exits_at_once_with_its_status_and_everything_written(tmp_path: Path) -> None:
    """``compliance`` (``cli.run``) ends with ``os._exit``: the exit status, the stderr summary and
    every output file must still be complete."""
    import subprocess
    import sys

    data = _export(tmp_path / "data")
    out = tmp_path / "out"
    command = [sys.executable, "-c", "from compliance.cli import run; run()", "evaluate", str(data),
               "--as-of", "2023-01-01", "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "已写出结果到" in done.stderr and "被拒记录 5 条" in done.stderr
    assert len(_lines(out / "rejected.jsonl")) == 5
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["records"]["events"]["rejected"] == 4
    failing = subprocess.run(command + ["--fail-on", "violated"], capture_output=True, text=True, check=False)
    assert failing.returncode == 1
    broken = subprocess.run(command[:4] + [str(tmp_path / "nowhere")] + command[5:], capture_output=True, text=True,
                            check=False)
    assert broken.returncode == 2 and broken.stderr.startswith("error:")


def test_main_keeps_nothing_once_it_returns(tmp_path: Path) -> None:
    """Only ``run()``, which exits at once, keeps the records referenced; ``main()`` lets them go."""
    from compliance import cli

    assert main(["evaluate", str(_export(tmp_path / "data")), "--as-of", "2023-01-01", "--out", str(tmp_path / "out")]) == 0
    assert cli._retained == [] and cli._exiting_at_once is False
    from compliance import collector

    assert collector._freezing is False


def test_a_value_longer_than_a_workbook_cell_is_cut_with_a_note_not_silently():
    from compliance.output.xlsx import CELL_LIMIT, _cell

    evidence = [f"E{number:07d}" for number in range(5000)]  # 5000 × 8 characters and 4999 separators: 49,998
    cell = _cell(evidence)
    assert len(cell) == CELL_LIMIT
    assert cell.startswith("E0000000; E0000001") and cell.endswith("共49998字符，超出单元格上限，完整内容见同目录 jsonl/json 文件）")
    assert _cell(evidence[:10]) == "; ".join(evidence[:10]) and _cell(None) is None and _cell(3) == 3


def test_rows_beyond_a_sheets_limit_go_on_to_the_next_sheet(tmp_path, monkeypatch):
    """Excel's row limit is a million; it is made 11 here (a header and 10 rows), so that the 18
    findings need two sheets: 10 rows, then 8."""
    import io

    from openpyxl import load_workbook

    from compliance.output import xlsx

    data = _export(tmp_path / "data")
    assert main(["evaluate", str(data), "--as-of", "2023-01-01", "--out", str(tmp_path / "whole"), "--all"]) == 0
    findings = _lines(tmp_path / "whole" / "findings.jsonl")
    assert len(findings) == 18
    monkeypatch.setattr(xlsx, "ROW_LIMIT", 11)
    assert main(["evaluate", str(data), "--as-of", "2023-01-01", "--out", str(tmp_path / "split"), "--all"]) == 0
    workbook = load_workbook(io.BytesIO((tmp_path / "split" / "report.xlsx").read_bytes()), read_only=True)
    assert workbook.sheetnames[:3] == ["findings", "findings-2", "by_rule"]
    parts = [list(workbook[name].iter_rows(values_only=True)) for name in ("findings", "findings-2")]
    assert [len(rows) for rows in parts] == [11, 9] and parts[0][0] == parts[1][0]  # each: the header, then rows
    assert [(row[0], row[1], row[4]) for rows in parts for row in rows[1:]] == [
        (finding["rule_id"], finding["unit_id"], finding["period"]) for finding in findings]


def test_progress_shows_on_a_terminal_while_reading_and_evaluating_and_is_cleared(tmp_path, monkeypatch, capsys):
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["evaluate", str(_export(tmp_path / "data")), "--as-of", "2023-01-01", "--out", str(tmp_path / "o")]) == 0
    shown = capsys.readouterr().err
    assert "\r读入 units.csv 2 行" in shown and "\r读入 events.csv 6 行" in shown
    assert "\r评估规则 1/" in shown
    assert shown.index("读入 events.csv") < shown.index("评估规则") < shown.index("\r" + " " * 60 + "\r") \
        < shown.index("已写出结果到")


def test_progress_is_quiet_when_piped(tmp_path, capsys):
    assert main(["evaluate", str(_export(tmp_path / "data")), "--as-of", "2023-01-01", "--out", str(tmp_path / "o")]) == 0
    shown = capsys.readouterr().err
    assert "\r" not in shown and shown.startswith("已写出结果到")


def test_the_html_report_counts_by_rule_then_lists_the_written_findings_by_status(tmp_path):
    data = _export(tmp_path / "data")
    out = tmp_path / "o"
    assert main(["evaluate", str(data), "--as-of", "2023-01-01", "--out", str(out)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    written = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    findings = _lines(out / "findings.jsonl")
    assert page.startswith("<!DOCTYPE html>") and "<h1>安全生产责任落实核查报告</h1>" in page
    assert "被拒记录：5 条" in page
    assert page.index("<h2>按规则统计</h2>") < page.index('<h2 class="violated">未落实（violated）')
    overview = page[page.index("<h2>按规则统计</h2>"):page.index("</table>")]
    rules = sum(pack["rules"] for pack in written["packs"])
    assert overview.count("<tr>") == 1 + rules  # every rule evaluated, with findings written or not, or none
    assert len(written["findings"]["by_rule"]) + len(written["findings"]["rules_without_findings"]) == rules
    for rule_id in written["findings"]["rules_without_findings"]:
        row = overview[overview.index(f"<code>{rule_id}</code>"):]
        assert row[:row.index("</tr>") + 5].endswith("<td>0</td></tr>")
    for rule_id, counts in written["findings"]["by_rule"].items():
        assert f"<code>{rule_id}</code>" in overview
        row = overview[overview.index(f"<code>{rule_id}</code>"):]
        assert f"<td>{sum(counts.values())}</td></tr>" in row[:row.index("</tr>") + 5]
    violated = [finding for finding in findings if finding["status"] == "violated"]
    assert f'<h2 class="violated">未落实（violated）：{len(violated)}</h2>' in page
    assert all(finding["message"] in page for finding in findings)


def test_control_characters_from_the_records_do_not_stop_the_workbook(tmp_path):
    """XML cannot hold most control characters; XlsxWriter writes them as Excel's _xHHHH_ escapes
    (openpyxl raised IllegalCharacterError, and no report was written)."""
    from openpyxl import load_workbook

    events = "event_id,unit_id,type,occurred_at,actor_id,target_id,attributes\ne\x07bell,PC,safety_study_session,2022-08-01,,,\n"
    data = _export(tmp_path / "data", events=events)
    out = tmp_path / "o"
    assert main(["evaluate", str(data), "--as-of", "2023-01-01", "--out", str(out), "--all"]) == 0
    assert any("e\x07bell" in finding["evidence"] for finding in _lines(out / "findings.jsonl"))
    rows = list(load_workbook(out / "report.xlsx", read_only=True)["findings"].iter_rows(values_only=True))
    assert any(row[11] and "e_x0007_bell" in row[11] for row in rows[1:])
