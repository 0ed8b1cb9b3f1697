"""``compliance watch``: findings as JSON Lines as decided; at the end of input, the rest at ``--until``.

Acceptance: for every fixture, ``watch --until`` the batch run's ``--as-of`` writes
the findings ``evaluate`` writes; a ``violated`` finding given at its due instant
is replaced by the ``late`` one given when the event comes (same slot). With
``--decisions`` it writes the decision changes too (lines with ``"record"``), and
the decisions they fold into are those of ``decisions.jsonl``.
"""

from __future__ import annotations

import io
import json
import sys

import pytest

pytest.importorskip("durable")

from compliance.cli import main
from compliance.timeline import parse_instant
from tests.streaming.helpers import event_lines, fixture_as_of, fixture_dirs, fold

FIXTURES = fixture_dirs()


def _watch(monkeypatch, capsys, lines, *args):
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(lines)))
    code = main(["watch", *map(str, args)])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def _evaluated(tmp_path, fixture, as_of, *extra):
    assert main(["evaluate", str(fixture), "--as-of", as_of, "--out", str(tmp_path), *extra]) == 0
    return [json.loads(line) for line in (tmp_path / "findings.jsonl").read_text(encoding="utf-8").splitlines()]


def _canonical(rows):
    return sorted(json.dumps(row, ensure_ascii=False, sort_keys=True) for row in rows)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[path.name for path in FIXTURES])
def test_watch_writes_what_evaluate_writes(fixture, tmp_path, monkeypatch, capsys):
    as_of = fixture_as_of(fixture)
    code, written, err = _watch(monkeypatch, capsys, event_lines(fixture), fixture, "--until", as_of)
    assert code == 0, err
    expected = _evaluated(tmp_path, fixture, as_of)
    assert _canonical(fold(written)) == _canonical(expected)
    replaced = len(written) - len(fold(written))
    assert {row["status"] for row in written} <= {"violated", "late", "at_risk"}
    assert not any("record" in row for row in written)  # decisions only with --decisions
    assert "未读入" in err and "拒绝 0" in err and "决定变更" not in err
    if fixture.name == "tonghua-2022":
        assert replaced == 8  # the 8 late findings were first given as violated at their due instants
        assert len(written) == len(expected) + 8


def _decided(changes):
    """The decisions a reader keeps: the last line of each (unit, person, year, ladder), none if withdrawn."""
    kept = {}
    for row in changes:
        key = (row["unit_id"], row["person_id"], row["year"], row["ladder"])
        if row["record"] == "decision_withdrawn":
            del kept[key]
        else:
            kept[key] = {name: value for name, value in row.items() if name != "record"}
    return list(kept.values())


@pytest.mark.parametrize("fixture", FIXTURES, ids=[path.name for path in FIXTURES])
def test_watch_decisions_fold_into_what_evaluate_decides(fixture, tmp_path, monkeypatch, capsys):
    as_of = fixture_as_of(fixture)
    code, written, err = _watch(monkeypatch, capsys, event_lines(fixture), fixture, "--until", as_of, "--decisions")
    assert code == 0, err
    findings = [row for row in written if "record" not in row]
    changes = [row for row in written if "record" in row]
    assert _canonical(fold(findings)) == _canonical(_evaluated(tmp_path, fixture, as_of))  # findings unchanged
    expected = [json.loads(line) for line in (tmp_path / "decisions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert _canonical(_decided(changes)) == _canonical(expected)
    assert {row["record"] for row in changes} <= {"decision", "decision_withdrawn"}
    assert f"决定变更 {len(changes)} 条" in err
    if fixture.name == "accidents-2022":  # decided as the accidents streamed, not at the end of input
        assert len(expected) == 48
        first = next(index for index, row in enumerate(written) if "record" in row)
        assert any("record" not in row for row in written[first:])
        assert written[first]["because"][0]["sanction"].startswith("tonghua-2022-10.t24")


def test_watch_all_writes_every_status(tmp_path, monkeypatch, capsys):
    fixture = next(path for path in FIXTURES if path.name == "tonghua-2022")
    code, written, _ = _watch(monkeypatch, capsys, event_lines(fixture), fixture, "--until", "2023-04-01", "--all")
    assert code == 0
    expected = _evaluated(tmp_path, fixture, "2023-04-01", "--all")
    assert _canonical(fold(written)) == _canonical(expected)
    assert {"satisfied", "open", "exempt"} <= {row["status"] for row in written}


def test_bad_lines_are_reported_with_their_line_and_counted(tmp_path, monkeypatch, capsys):
    fixture = next(path for path in FIXTURES if path.name == "tonghua-2022")
    lines = event_lines(fixture)
    late = lines[-1]
    first = json.loads(lines[0])
    bad = [
        "not json\n",
        "[1, 2]\n",
        json.dumps({**first, "event_id": "X1", "unit_id": "NOWHERE"}) + "\n",
        json.dumps({**first, "actor_id": "P999"}) + "\n",  # its id, other content
        lines[0],  # the same again: merged
        "\n",
        json.dumps({**first, "event_id": "X\ud800"}) + "\n",  # half a UTF-16 pair: no output could hold it
    ]
    old = json.dumps({**json.loads(lines[3]), "event_id": "OLD"}) + "\n"
    stream = [lines[0], *bad, *lines[1:-1], late, old]  # the last line goes back in time
    code, written, err = _watch(monkeypatch, capsys, stream, fixture, "--until", "2023-04-01")
    assert code == 0
    assert "<stdin>:2: not valid JSON" in err
    assert "<stdin>:3: not a JSON object" in err
    assert "<stdin>:4: unit_id: unit 'NOWHERE' does not exist in units" in err
    assert "<stdin>:5: event_id: duplicate of an earlier event with different content" in err
    assert f"<stdin>:{len(stream)}: event older than the monitor's clock" in err
    assert "<stdin>:8: event_id: not valid text: 'X\\ud800' holds \\ud800, half of a UTF-16 pair" in err
    assert "拒绝 6，重复 1" in err
    assert _canonical(fold(written)) == _canonical(_evaluated(tmp_path, fixture, "2023-04-01"))


def test_events_after_until_are_not_fed_and_are_counted(tmp_path, monkeypatch, capsys):
    fixture = next(path for path in FIXTURES if path.name == "tonghua-2022")
    code, written, err = _watch(monkeypatch, capsys, event_lines(fixture), fixture, "--until", "2022-10-01")
    assert code == 0
    until = parse_instant("2022-10-01").at
    after = sum(1 for line in event_lines(fixture) if parse_instant(json.loads(line)["occurred_at"]).at > until)
    assert after > 100 and f"晚于 --until 未处理 {after}" in err
    assert _canonical(fold(written)) == _canonical(_evaluated(tmp_path, fixture, "2022-10-01"))


def test_unusable_data_exits_2(tmp_path, monkeypatch, capsys):
    code, written, err = _watch(monkeypatch, capsys, [], tmp_path / "missing")
    assert code == 2 and not written
    assert "no such export" in err
