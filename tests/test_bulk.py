"""Reading an events file in bulk (compliance.records.bulk) gives exactly what the row path gives.

The row path is the definition: for any events file, the facts (the events, in
file order, and the index of Facts), the rejections (file, line, column, reason,
record) and the counts must be the same whichever way the file is read. The
files drawn here are messy on purpose: stray spaces, aliases and unknown
names, times in every form and out of range, repeated ids, broken JSON and
attributes that do not type, short and long rows, blank lines, quoted commas,
quotes and line breaks, CRLF and a byte-order mark.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.records import assembly, bulk, load_export
from compliance.records.bulk import DAY_AND_CLOCK, DAY_ONLY, PLAIN_LINE, WHITESPACE
from compliance.timeline import parse_instant

UNITS = "unit_id,name,kind,level,region\nU1,通化市委,party_committee,city,220500\nU2,通化市政府,government,city,220500\n"
PEOPLE = "person_id,name,unit_id,role\nP1,张三,U1,principal\n"
HEADER = ["event_id", "unit_id", "type", "occurred_at", "actor_id", "target_id", "attributes", "deaths"]

_texts = st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=6)
_padding = st.sampled_from([""] * 12 + [" ", "\t", "\u3000", "\xa0"])
_ids = st.sampled_from(["E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9", ""])
_units = st.sampled_from(["U1"] * 4 + ["U2"] * 4 + ["U9", "", "u1"])
_types = st.sampled_from(["accident"] * 4 + ["生产安全事故", "safety_patrol", "safety_patrol", "hazard_found", "acident", ""])
_times = st.sampled_from(["2022-09-30", "2022-09-30T14:00:00+08:00", "2022-09-30 08:00:00"] * 8 + [
    "2022-09-30", "2022-09-30T23:59:59+08:00", "2022-09-30T16:30:00Z", "2022-09-30 14:00", "2022-09-30T14:00Z",
    "2022-09-30T14:00+08:00", "2022-02-30", "2022-02-29T10:00", "2024-02-29T10:00:00", "2022-09-30T24:00",
    "2022/9/30 14:05", "2022年9月30日", "1899-12-31T23:00:00", "1899-12-31T20:00:00Z", "2999-12-31T20:00:00Z",
    "2999-12-31T15:59:59Z", "1900-01-01", "2022-09-30T14:00:00.5", "2022-09-30t14:00", "01/02/2022", "",
    "2022-09-30T14:00:00+09:00", "2022-W39-5",
])
_attributes = st.sampled_from(["", "", "", '{"deaths": "2"}', '{"deaths": 1}'] * 3 + [
    "", '{"deaths": "2"}', '{"deaths": 3, "industry": "矿山"}', '{"deaths": "-1"}', '{"deaths": "two"}', "[1, 2]",
    '{"deaths": ', '{"note": "a,b"}', '{" deaths": 1}', "{}", '{"deaths": 1e400}', '{"hazard_id": "H1"}',
])


@st.composite
def _row(draw: st.DrawFn) -> list[str]:
    values = [
        draw(_padding) + draw(_ids) + draw(_padding), draw(_units) + draw(_padding), draw(_types),
        draw(_padding) + draw(_times), draw(st.sampled_from(["", "P1", " P2"])), draw(st.sampled_from(["", "U2", "U7"])),
        draw(_attributes), draw(st.sampled_from(["", "", "2", "3", "x"])),
    ]
    shape = draw(st.sampled_from(["full"] * 24 + ["short", "long", "trailing", "blank", "commas", "text"]))
    if shape == "short":
        values = values[:draw(st.integers(1, 7))]
    elif shape == "long":
        values = [*values, draw(st.sampled_from(["x", ""]))]
    elif shape == "trailing":
        values = [*values, "", ""]
    elif shape == "blank":
        values = []
    elif shape == "commas":
        values = [""] * len(values)
    elif shape == "text":
        values[draw(st.integers(0, 7))] = draw(_texts)
    return values


def _csv_text(rows: list[list[str]], quote_all: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(HEADER)
    for values in rows:
        if values:
            writer.writerow(values)
        else:
            out.write("\n")
    return out.getvalue()


@st.composite
def _events_file(draw: st.DrawFn) -> bytes:
    text = _csv_text(draw(st.lists(_row(), min_size=1, max_size=25)), draw(st.booleans()))
    lines = text.split("\n")
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):  # hand-made oddities the csv writer never writes
        where = draw(st.integers(1, max(1, len(lines) - 1)))
        lines.insert(where, draw(st.sampled_from([
            'E8,U1,accident,2022-09-30,,,"{""deaths"": 1}",', 'E9,U1,accident,2022-09-30,,,,"2',
            'E7,U1,accident,2022-09-30,,,"{""a"":',  # a value that goes on to the next line
            'E6,U1,acc"ident,2022-09-30,,,,', '"E5"x,U1,accident,2022-09-30,,,,', "   ", ",,,", "E4,U1\r,accident",
            'E3,U1,accident,2022-09-30,,,,\x00',
        ])))
    endings = draw(st.sampled_from(["\n", "\r\n", "mixed"]))  # mixed: some lines end in CRLF, some in LF
    if endings == "mixed":
        text = "".join(line + draw(st.sampled_from(["\n", "\r\n"])) for line in lines[:-1]) + lines[-1]
    else:
        text = endings.join(lines)
    data = text.encode()
    return b"\xef\xbb\xbf" + data if draw(st.booleans()) else data


def _load(folder: Path, in_bulk: bool, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(bulk, "BULK_FROM_BYTES", 0 if in_bulk else sys.maxsize)
    result = load_export(folder)
    facts = result.facts
    return (list(facts.events.items()), result.rejections, result.stats,
            facts._by_unit_type, facts._by_type)


_READ_AHEAD = assembly.Assembler.read_ahead


def _same_either_way(folder: Path, monkeypatch: pytest.MonkeyPatch, block: int | None = None,
                     ahead: bool = True) -> None:
    by_row = _load(folder, False, monkeypatch)
    if block is not None:  # the vouched rows made into events so many at a time
        monkeypatch.setattr(assembly, "PROGRESS_EVERY", block)
    # without the thread, the file is read, and its rows vouched for, when the events are taken
    monkeypatch.setattr(assembly.Assembler, "read_ahead", _READ_AHEAD if ahead else lambda self, sources: None)
    in_bulk = _load(folder, True, monkeypatch)
    for name, row, other in zip(("events", "rejections", "stats", "by_unit_type", "by_type"), by_row, in_bulk):
        assert other == row, name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_events_file(), block=st.sampled_from([1, 2, 3, 7, 1 << 16]), ahead=st.booleans())
def test_bulk_reads_any_events_file_as_the_row_path_does(tmp_path_factory, monkeypatch, data, block, ahead):
    folder = tmp_path_factory.mktemp("export")
    (folder / "units.csv").write_text(UNITS, encoding="utf-8")
    (folder / "people.csv").write_text(PEOPLE, encoding="utf-8")  # P1 is one of the people, P2 is not
    (folder / "events.csv").write_bytes(data)
    _same_either_way(folder, monkeypatch, block, ahead)


_plain_rows = st.lists(st.tuples(_units.filter(lambda unit: unit in ("U1", "U2")),
                                  st.sampled_from(["accident", "safety_patrol", "hazard_found"]),
                                  st.sampled_from(["2022-09-30", "2022-09-30T14:00:00+08:00", "2022-09-30T06:00:00Z",
                                                   "2022-09-29 23:59", "2022-10-01", "2022/9/30 14:00"])),
                        min_size=1, max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_plain_rows, numbers=st.randoms(use_true_random=False))
def test_an_events_file_of_plain_rows_is_indexed_on_the_reading_thread_as_the_row_path_indexes_it(
        tmp_path_factory, monkeypatch, rows, numbers):
    """When every row is vouched for and gives an event, the index is sorted on the reading thread while the
    attributes are typed: the same events in the same order as the row path's, ids and times shuffled."""
    folder = tmp_path_factory.mktemp("export")
    ids = [f"E{number}" for number in numbers.sample(range(1, 1000), len(rows))]
    (folder / "units.csv").write_text(UNITS, encoding="utf-8")
    (folder / "events.csv").write_text(",".join(HEADER[:4]) + "\n" + "".join(
        f"{event_id},{unit},{kind},{moment}\n" for event_id, (unit, kind, moment) in zip(ids, rows)), encoding="utf-8")
    sorts = []
    original = bulk._sorted
    monkeypatch.setattr(bulk, "_sorted", lambda *args: sorts.append(1) or original(*args))
    _same_either_way(folder, monkeypatch)
    assert len(sorts) == 1  # on the reading thread, not again when the facts were made
    assert len(load_export(folder).facts.events) == len(rows)


def _reached(facts, first: str) -> dict[str, list]:
    """Every event of ``facts`` as each of its ways gives it (by id, by unit and type, by type), asking ``first``
    way first: the bulk reader makes an event when it is first asked for."""
    ways = {
        "id": lambda: [facts.events.get(event_id) for event_id in list(facts.events)],
        "unit_type": lambda: [event for key in list(facts._by_unit_type) for event in facts.events_of(*key)],
        "type": lambda: [event for kind in list(facts._by_type) for event in facts.events_of_type(kind)],
    }
    return {name: ways[name]() for name in [first, *sorted(set(ways) - {first})]}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_events_file(), first=st.sampled_from(["id", "unit_type", "type"]), scans=st.sampled_from([0, 3, 64]))
def test_an_event_read_in_bulk_is_one_object_whichever_way_it_is_reached(tmp_path_factory, monkeypatch, data, first,
                                                                           scans):
    folder = tmp_path_factory.mktemp("export")
    (folder / "units.csv").write_text(UNITS, encoding="utf-8")
    (folder / "events.csv").write_bytes(data)
    monkeypatch.setattr(bulk, "BULK_FROM_BYTES", 0)
    monkeypatch.setattr(bulk, "_SCANS", scans)  # look-ups by id scanned before the dictionary of ids is made
    facts = load_export(folder).facts
    reached = _reached(facts, first)
    by_id = {event.event_id: event for event in reached["id"]}
    assert len(by_id) == len(facts.events)
    assert facts.events.get("no such id") is None and "no such id" not in facts.events and facts.events.get(7) is None
    for name in ("unit_type", "type"):
        assert sorted(event.event_id for event in reached[name]) == sorted(by_id), name
        assert all(by_id[event.event_id] is event for event in reached[name]), name
    assert all(facts.events[event_id] is event for event_id, event in by_id.items())


def _export(tmp_path: Path, events: str) -> Path:
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "events.csv").write_text(events, encoding="utf-8")
    return tmp_path


def _vouched(tmp_path: Path, events: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """How many events the bulk reader made itself (the rest went the row path)."""
    monkeypatch.setattr(bulk, "BULK_FROM_BYTES", 0)
    made = []
    original = bulk.BulkEvents._check

    def spy(self):
        found = original(self)
        made.append(self.made)
        return found

    monkeypatch.setattr(bulk.BulkEvents, "_check", spy)
    load_export(_export(tmp_path, events))
    return made[0] if made else -1


def test_plain_rows_are_vouched_for_and_the_others_go_the_row_path(tmp_path, monkeypatch):
    events = (",".join(HEADER) + "\n"
              'E1,U1,accident,2022-09-30T14:00:00+08:00,,,"{""deaths"": ""2""}",\n'  # vouched
              "E2,U1,生产安全事故,2022-09-30,,,,1\n"  # vouched: an alias, made canonical
              "E3,U9,accident,2022-09-30,,,,\n"  # an unknown unit: the row path rejects it
              "E4,U1,accident,2022-02-30,,,,\n"  # no such day: the row path rejects it
              'E5,U1,accident,2022-09-30,,,"{""deaths"": ""-1""}",\n'  # does not type: the row path
              "E6,U1,accident,2022/9/30 14:05,,,,\n")  # another form, read by parse_instant: vouched
    assert _vouched(tmp_path, events, monkeypatch) == 3
    result = load_export(tmp_path)
    assert sorted(result.facts.events) == ["E1", "E2", "E6"]
    assert result.facts.events["E2"].type == "accident"
    assert result.facts.events["E2"].attributes == {"deaths": 1}
    assert [(r.line, r.column) for r in result.rejections] == [(4, "unit_id"), (5, "occurred_at"), (6, "deaths")]


def test_a_value_spanning_lines_sends_the_whole_file_the_row_path(tmp_path, monkeypatch):
    events = ",".join(HEADER) + '\nE1,U1,accident,2022-09-30,,,"{""note"":\n""two lines""}",\nE2,U1,accident,2022-09-30,,,,\n'
    assert _vouched(tmp_path, events, monkeypatch) == -1  # bulk_events declined: no event made in bulk
    assert sorted(load_export(tmp_path).facts.events) == ["E1", "E2"]


def test_whitespace_is_exactly_what_str_strip_strips():
    assert WHITESPACE == "".join(chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace())


@pytest.mark.parametrize("text", [
    "2022-09-30", "2022-09-30T23:59:59+08:00", "2022-09-30T16:30:00Z", "2022-09-30 14:00", "2022-09-30T14:00Z",
    "1900-01-01", "2999-12-31T23:59:59", "2024-02-29T00:00",
])
def test_the_times_read_in_arrow_are_read_exactly_as_parse_instant_reads_them(text, tmp_path, monkeypatch):
    import re

    assert re.fullmatch(DAY_ONLY.strip("^$"), text) or re.fullmatch(DAY_AND_CLOCK.strip("^$"), text)
    events = ",".join(HEADER[:4]) + f"\nE1,U1,accident,{text}\n"
    assert _vouched(tmp_path, events, monkeypatch) == 1
    assert load_export(tmp_path).facts.events["E1"].occurred_at == parse_instant(text)
    assert load_export(tmp_path).facts.events["E1"].occurred_at.date_only == parse_instant(text).date_only


def test_plain_line_is_what_the_csv_module_and_arrow_read_alike():
    import re

    plain = re.compile(PLAIN_LINE.strip("^$").replace(r"\x00", "\x00"))
    assert plain.fullmatch('a,"b,c","d""e",,""')
    for odd in ['a"b', '"a"b', ' "a"', '"a', "a\rb", "a\x00"]:
        assert not plain.fullmatch(odd), odd


@pytest.mark.parametrize("units", [UNITS, "unit_id,name,name\nU1,甲,乙\n"])
@pytest.mark.parametrize("rows", ["E1,U1,accident,2022-09-30,accident\n", "", "\n,,,,\n",
                                  'E1,U1,accident,2022-09-30,"acc\nident"\n'])
def test_an_events_file_read_ahead_stops_the_load_as_the_row_path_does(units, rows, tmp_path, monkeypatch):
    """The events file is read on another thread while the units are taken (Assembler.read_ahead): a broken
    header of the events file stops the load with its error, whatever rows follow (none, blank ones, a value
    over two lines), and a broken units file stops it first."""
    from compliance.errors import RecordError

    (tmp_path / "units.csv").write_text(units, encoding="utf-8")
    (tmp_path / "events.csv").write_text(",".join(HEADER[:4]) + ",type\n" + rows, encoding="utf-8")
    errors = []
    for size in (sys.maxsize, 0):  # row by row, then in bulk (read ahead)
        monkeypatch.setattr(bulk, "BULK_FROM_BYTES", size)
        with pytest.raises(RecordError) as raised:
            load_export(tmp_path)
        errors.append(str(raised.value))
    assert errors[0] == errors[1]
    assert ("units.csv" in errors[0]) == (units != UNITS) and ("events.csv" in errors[0]) == (units == UNITS)
    assert "appears twice in the header" in errors[0]


@pytest.mark.parametrize("busy", [True, False])  # the lines still being checked while every row is typed, or not
@pytest.mark.parametrize("spanning", [False, True])  # a value over two lines: the file goes the row path after all
def test_progress_is_told_every_so_many_rows_however_the_rows_were_typed(busy, spanning, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "BULK_FROM_BYTES", 0)
    monkeypatch.setattr(assembly, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(bulk, "_STEP", 1)
    monkeypatch.setattr(bulk.Reading, "busy", lambda self: busy)
    rows = [f"E{number},U1,safety_patrol,2022-09-{number:02d},,,," for number in range(1, 6)]
    if spanning:
        rows[2] = 'E3,U1,safety_patrol,2022-09-03,,,"{""note"":\n""two lines""}",'
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "events.csv").write_text(",".join(HEADER) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    heard: list[tuple[str, int]] = []
    result = load_export(tmp_path, progress=lambda file, count: heard.append((Path(file).name, count)))
    assert len(result.facts.events) == 5
    assert [count for name, count in heard if name == "events.csv"] == [2, 4, 5]


def test_rows_of_units_the_export_does_not_have_are_left_to_the_row_path_untyped(tmp_path, monkeypatch):
    """The bulk reader types the attributes of every row that could be vouched for while it finds out which
    can; a row whose unit is unknown cannot, and its attributes are not typed in bulk (the row path rejects it)."""
    from compliance import facts

    monkeypatch.setattr(bulk, "BULK_FROM_BYTES", 0)
    kinds = []
    original = facts._EventBuilder.typed
    monkeypatch.setattr(facts._EventBuilder, "typed",
                        lambda self, kind, given: kinds.append(kind) or original(self, kind, given))
    rows = ['E1,U1,accident,2022-09-30,,,"{""deaths"": ""2""}",'] + [
        f'E{number},U9,accident,2022-09-30,,,"{{""deaths"": ""{number}""}}",' for number in range(2, 5)]
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "events.csv").write_text(",".join(HEADER) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = load_export(tmp_path)
    assert kinds == ["accident"]
    assert list(result.facts.events) == ["E1"] and result.facts.events["E1"].attributes == {"deaths": 2}
    assert [(rejection.line, rejection.column) for rejection in result.rejections] == [(3, "unit_id"), (4, "unit_id"),
                                                                                      (5, "unit_id")]


_wanted = st.sampled_from([{"deaths": 2}, {"deaths": [1, 3]}, {"deaths": None}, {"industry": "矿山"},
                           {"deaths": 3, "industry": ("矿山", "化工")}, {"hazard_id": ["H1"]}, {"note": "a,b"}])


def _having(events: list, attributes: dict) -> list:
    """The events that have ``attributes``, as a selector's ``where`` reads them, written out plainly."""
    def has(event, name, expected):
        value = event.attributes.get(name)
        return value in expected if isinstance(expected, (list, tuple)) else value == expected

    return [event for event in events if all(has(event, name, expected) for name, expected in attributes.items())]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_events_file(), attributes=_wanted, whole_first=st.booleans())
def test_the_events_that_have_attributes_are_the_row_paths_and_only_they_are_made(tmp_path_factory, monkeypatch, data,
                                                                                 attributes, whole_first):
    """Facts.events_of_type and events_of with attributes: the same events either way, in order; read in bulk,
    only those are made (unless the key's whole list was asked for first)."""
    folder = tmp_path_factory.mktemp("export")
    (folder / "units.csv").write_text(UNITS, encoding="utf-8")
    (folder / "events.csv").write_bytes(data)
    monkeypatch.setattr(bulk, "BULK_FROM_BYTES", sys.maxsize)
    by_row = load_export(folder).facts
    monkeypatch.setattr(bulk, "BULK_FROM_BYTES", 0)
    in_bulk = load_export(folder).facts
    for kind in ("accident", "safety_patrol", "hazard_found"):
        if whole_first:
            in_bulk.events_of_type(kind)
        expected = _having(by_row.events_of_type(kind), attributes)
        assert by_row.events_of_type(kind, attributes) == expected
        assert in_bulk.events_of_type(kind, attributes) == expected
        for unit in ("U1", "U2"):
            expected = _having(by_row.events_of(unit, kind), attributes)
            assert by_row.events_of(unit, kind, attributes) == expected
            assert in_bulk.events_of(unit, kind, attributes) == expected
    rows = in_bulk._by_type._rows if isinstance(in_bulk._by_type, bulk.EventsIndex) else None
    if rows is not None and not whole_first:
        made = [event for event in rows._made[:rows._vouched] if event is not None]  # (the row path's are made)
        assert made == _having(made, attributes)


def test_the_events_that_have_attributes_are_asked_by_attributes_not_by_the_events_own_fields():
    from compliance.facts import Event, Facts, Unit

    facts = Facts(units=[Unit(unit_id="U1", name="甲", kind="enterprise")],
                  events=[Event(event_id="E1", unit_id="U1", type="accident", occurred_at="2022-09-30")])
    assert facts.events_of_type("accident", {}) == facts.events_of_type("accident")
    with pytest.raises(ValueError, match="unit_id"):
        facts.events_of_type("accident", {"unit_id": "U1"})
