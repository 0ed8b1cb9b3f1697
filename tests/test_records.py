"""Record readers: CSV (UTF-8, BOM, GB18030), JSON Lines and XLSX exports, mappings, rejections."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

import compliance.records as records
from compliance.errors import ErrorGroup, RecordError, RuleError
from compliance.facts import Event, Measure, Tenure, Unit
from compliance.records import LoadResult, Mapping, Rejection, facts_from_records, load_export
from compliance.timeline import parse_instant

# -- a small export, as rows ------------------------------------------------------------

UNITS = [
    ["unit_id", "name", "kind", "level", "parent_id", "region", "sectors", "tags", "phone"],
    ["220500-PC", "中共通化市委", "党委", "city", "", "220500", "", "", "0435-3201234"],
    ["220521-PC", "中共梅河口市委", "party_committee", "county", "220500-PC", "220521", "", "", ""],
    ["220521-R1", "梅河口某饭店", "生产经营单位", "county", "", "220521", "餐饮", "restaurant;人员密集场所", ""],
]
PEOPLE = [
    ["person_id", "name", "unit_id", "role", "start", "end", "employment", "post"],
    ["P1", "张三", "220500-PC", "主要负责人", "2021-01-01", "", "", ""],
    ["P1", "张三", "220500-PC", "standing_member", "2021-01-01", "", "", ""],
    ["P2", "李四", "220521-R1", "worker", "2022-03-01", "2022-12-31", "dispatched", "厨师"],
]
EVENTS = [
    ["event_id", "unit_id", "type", "occurred_at", "actor_id", "target_id", "deaths", "listed", "hazard_id"],
    ["E1", "220500-PC", "standing_committee_safety_meeting", "2022-09-30 14:00", "P1", "", "", "", ""],
    ["E2", "220521-R1", "生产安全事故", "2022年9月1日", "", "", "3", "", ""],
    ["E3", "220521-R1", "hazard_found", "2022/9/2", "", "", "", "是", "H1"],
]
MEASURES = [
    ["unit_id", "metric", "value", "as_of"],
    ["220500-PC", "enforcement_officers", "12", "2022-09-30"],
    ["220500-PC", "执法用车", "2", "2022-09-30"],
]
TABLES = {"units": UNITS, "people": PEOPLE, "events": EVENTS, "measures": MEASURES}


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_export(folder: Path, encoding: str = "utf-8", tables: dict[str, list[list[str]]] = TABLES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for kind, rows in tables.items():
        write_csv(folder / f"{kind}.csv", rows, encoding)
    return folder


def content(result: LoadResult) -> tuple:
    """Everything the facts hold, comparable across formats."""
    facts = result.facts
    return (
        sorted(facts.units.values(), key=lambda unit: unit.unit_id),
        sorted(facts.tenures, key=lambda tenure: (tenure.person_id, tenure.role)),
        sorted(facts.events.values(), key=lambda event: event.event_id),
        sorted(facts.measures, key=lambda measure: measure.metric),
    )


@pytest.fixture
def plain(tmp_path: Path) -> LoadResult:
    return load_export(write_export(tmp_path / "plain"))


# -- the public surface -----------------------------------------------------------------


def test_public_names_are_exactly_the_documented_ones():
    assert sorted(records.__all__) == ["LoadResult", "Mapping", "Rejection", "facts_from_records", "load_export"]
    for name in records.__all__:
        assert getattr(records, name) is not None


# -- CSV --------------------------------------------------------------------------------


def test_plain_csv_export_is_read_into_typed_facts(plain: LoadResult):
    facts = plain.facts
    assert plain.rejections == ()
    assert sorted(facts.units) == ["220500-PC", "220521-PC", "220521-R1"]
    restaurant = facts.units["220521-R1"]
    assert restaurant.kind == "enterprise"
    assert restaurant.sectors == ("catering",)
    assert restaurant.tags == ("crowded_place", "restaurant")
    assert facts.units["220500-PC"].attributes == {"phone": "0435-3201234"}
    assert facts.units["220521-PC"].attributes == {}  # an empty extra value is no value
    assert facts.units["220521-PC"].parent_id == "220500-PC"
    assert [tenure.role for tenure in facts.tenures_of("P1")] == ["principal", "standing_member"]
    worker = facts.tenures_of("P2")[0]
    assert worker.attributes == {"employment": "dispatched", "post": "厨师"}
    assert (worker.start, worker.end) == (date(2022, 3, 1), date(2022, 12, 31))
    assert facts.events["E1"].occurred_at == parse_instant("2022-09-30T14:00:00+08:00")
    assert facts.events["E1"].actor_id == "P1"
    assert facts.events["E2"].type == "accident"
    assert facts.events["E2"].attributes == {"deaths": 3}
    assert facts.events["E3"].attributes == {"listed": True, "hazard_id": "H1"}
    assert facts.events["E3"].occurred_at == parse_instant("2022-09-02")
    assert sorted((m.metric, m.value) for m in facts.measures) == [
        ("enforcement_officers", 12),
        ("enforcement_vehicles", 2),
    ]
    assert plain.stats["events"] == {
        "file": str(Path(plain.stats["events"]["file"])),
        "sheet": None,
        "encoding": "utf-8",
        "rows": 3,
        "accepted": 3,
        "rejected": 0,
        "duplicates": 0,
        "actors_not_in_people": {"events": 0, "first_ids": []},  # E1's actor P1 is in people
        "targets_not_in_units": {"events": 0, "first_ids": []},
    }
    assert plain.stats["events"]["file"].endswith("events.csv")


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030")],
)
def test_utf8_bom_and_gb18030_files_read_the_same(tmp_path: Path, plain: LoadResult, encoding: str, reported: str):
    result = load_export(write_export(tmp_path / encoding, encoding))
    assert result.rejections == ()
    assert content(result) == content(plain)
    assert result.facts.units["220500-PC"].name == "中共通化市委"
    assert {kind: stats["encoding"] for kind, stats in result.stats.items()} == {
        "units": reported, "people": reported, "events": reported, "measures": reported,
    }


def test_a_forced_encoding_is_used_and_reported(tmp_path: Path, plain: LoadResult):
    folder = write_export(tmp_path / "gbk", "gbk")
    result = load_export(folder, encoding="gbk")
    assert content(result) == content(plain)
    assert result.stats["units"]["encoding"] == "gbk"
    with pytest.raises(RecordError) as raised:
        load_export(folder, encoding="utf-8")
    assert "cannot decode the file as utf-8" in raised.value.what
    assert raised.value.where.file.endswith("units.csv")


def test_lines_are_physical_lines_with_blank_lines_and_multiline_values(tmp_path: Path):
    folder = write_export(tmp_path / "x", tables={"units": UNITS})
    (folder / "events.csv").write_text(
        "event_id,unit_id,type,occurred_at,measures\n"
        "\n"
        'E1,220521-R1,hazard_found,2022-09-02,"first line\nsecond line"\n'
        "E2,220521-R1,hazard_found,2022-09-02\n"  # fewer fields: the missing column is empty
        "E3,NOPE,hazard_found,2022-09-02,x\n",
        encoding="utf-8",
    )
    result = load_export(folder)
    assert result.facts.events["E1"].attributes == {"measures": "first line\nsecond line"}
    assert result.facts.events["E2"].attributes == {}
    assert [(r.line, r.column, r.column_number) for r in result.rejections] == [(6, "unit_id", 2)]


def test_a_row_longer_than_the_header_is_rejected_but_trailing_empty_fields_are_not(tmp_path: Path):
    folder = write_export(tmp_path / "x", tables={"units": UNITS})
    (folder / "measures.csv").write_text(
        "unit_id,metric,value,as_of\n"
        "220500-PC,enforcement_officers,12,2022-09-30,,\n"
        "220500-PC,enforcement_vehicles,2,2022-09-30,oops,again\n",
        encoding="utf-8",
    )
    result = load_export(folder)
    assert [m.metric for m in result.facts.measures] == ["enforcement_officers"]
    (rejection,) = result.rejections
    assert (rejection.line, rejection.column, rejection.column_number) == (3, None, 5)
    assert rejection.reason == "the row has 2 more fields than the header (6 fields, the header has 4 columns)"
    assert rejection.record["(field 5)"] == "oops"


# -- JSON Lines -------------------------------------------------------------------------


def to_jsonl(rows: list[list[str]]) -> str:
    header, *body = rows
    return "\n".join(
        json.dumps({name: value for name, value in zip(header, row) if value != ""}, ensure_ascii=False)
        for row in body
    ) + "\n"


def test_json_lines_read_the_same_as_csv(tmp_path: Path, plain: LoadResult):
    folder = tmp_path / "jsonl"
    folder.mkdir()
    for kind, rows in TABLES.items():
        (folder / f"{kind}.jsonl").write_text(to_jsonl(rows), encoding="utf-8")
    (folder / "measures.jsonl").unlink()
    (folder / "measures.ndjson").write_text(
        '{"unit_id": "220500-PC", "metric": "enforcement_officers", "value": 12, "as_of": "2022-09-30"}\n'
        '{"unit_id": "220500-PC", "metric": "执法用车", "value": 2, "as_of": "2022-09-30"}\n',
        encoding="utf-8",
    )
    result = load_export(folder)
    assert result.rejections == ()
    assert content(result) == content(plain)
    assert result.stats["measures"]["file"].endswith("measures.ndjson")


def test_json_lines_typed_values_and_an_attributes_object(tmp_path: Path):
    folder = write_export(tmp_path / "x", tables={"units": UNITS})
    (folder / "events.jsonl").write_text(
        '{"event_id": "E1", "unit_id": "220521-R1", "type": "accident", "occurred_at": "2022-09-01",'
        ' "attributes": {"deaths": 3, "category": "fire"}}\n'
        "\n"
        '{"event_id": "E2", "unit_id": "220521-R1", "type": "accident", "occurred_at": "2022-09-01",\n'
        '["not", "an", "object"]\n'
        '{"event_id": "E3", "unit_id": "220521-R1", "type": "accident", "occurred_at": "2022-09-01",'
        ' "attributes": [1, 2]}\n',
        encoding="utf-8",
    )
    result = load_export(folder)
    assert result.facts.events["E1"].attributes == {"deaths": 3, "category": "fire"}
    assert [(r.line, r.column, r.column_number) for r in result.rejections] == [
        (3, None, None), (4, None, None), (5, "attributes", None),
    ]
    bad_json, not_object, bad_attributes = result.rejections
    raw = '{"event_id": "E2", "unit_id": "220521-R1", "type": "accident", "occurred_at": "2022-09-01",'
    assert bad_json.reason == f"not valid JSON: Expecting property name enclosed in double quotes (column {len(raw) + 1})"
    assert bad_json.record == {"raw": raw}
    assert not_object.reason == "not a JSON object but an array"
    assert bad_attributes.reason == "attributes: expected a JSON object, found list [1, 2]"
    assert result.stats["events"] == {
        "file": str(folder / "events.jsonl"), "sheet": None, "encoding": "utf-8",
        "rows": 4, "accepted": 1, "rejected": 3, "duplicates": 0,
        "actors_not_in_people": {"events": 0, "first_ids": []}, "targets_not_in_units": {"events": 0, "first_ids": []},
    }


# -- XLSX -------------------------------------------------------------------------------


def write_workbook(path: Path, tables: dict[str, list[list]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for kind, rows in tables.items():
        sheet = workbook.create_sheet(kind)
        for row in rows:
            sheet.append([None if value == "" else value for value in row])
    workbook.save(path)
    return path


def test_xlsx_workbook_with_four_sheets_reads_the_same(tmp_path: Path, plain: LoadResult):
    tables = {kind: [list(row) for row in rows] for kind, rows in TABLES.items()}
    tables["events"][1][3] = datetime(2022, 9, 30, 14, 0)  # a date-time cell
    tables["events"][3][3] = date(2022, 9, 2)  # a date cell: a whole day, not midnight
    tables["people"][3][4] = date(2022, 3, 1)
    tables["measures"][1][2] = 12  # a number cell
    tables["measures"].append([])  # an empty row is skipped
    tables["measures"].append(["220500-PC", "enforcement_officers", -1, "2022-10-31"])
    path = write_workbook(tmp_path / "export.xlsx", tables)
    result = load_export(path)
    assert content(result)[:3] == content(plain)[:3]
    assert result.facts.events["E3"].occurred_at.date_only
    (rejection,) = result.rejections
    assert (rejection.file, rejection.sheet, rejection.line, rejection.column, rejection.column_number) == (
        str(path), "measures", 5, "value", 3,
    )
    assert rejection.reason == "value: a count cannot be negative (found -1)"
    assert str(rejection.position) == f"{path}[measures]:5:3"
    assert result.stats["measures"]["rows"] == 3
    assert result.stats["units"] == {
        "file": str(path), "sheet": "units", "encoding": None,
        "rows": 3, "accepted": 3, "rejected": 0, "duplicates": 0,
    }
    # A folder holding the one workbook reads the same.
    assert content(load_export(tmp_path)) == content(result)


def test_a_workbook_without_a_units_sheet_is_an_error(tmp_path: Path):
    path = write_workbook(tmp_path / "export.xlsx", {"unit": UNITS, "events": EVENTS})
    with pytest.raises(RecordError) as raised:
        load_export(path)
    assert raised.value.what == "the workbook has no units sheet"
    assert raised.value.suggestion == "unit"


# -- bad input --------------------------------------------------------------------------

BAD_EVENTS = (
    "event_id,unit_id,type,occurred_at,actor_id,target_id\n"
    "E1,220500-PC,standing_committee_safety_meeting,2022-09-30 14:00,P1,\n"  # 2: good
    "E2,220500-PC,standing_committee_safety_meeting,2022-13-01,P1,\n"  # 3: bad date
    "E3,999999-XX,safety_inspection_led,2022-09-30,P1,\n"  # 4: unknown unit
    ",220500-PC,safety_inspection_led,2022-09-30,P1,\n"  # 5: no id
    "E1,220500-PC,standing_committee_safety_meeting,2022-09-30 15:00,P1,\n"  # 6: conflicting duplicate
    "E1,220500-PC,standing_committee_safety_meeting,2022-09-30T14:00:00+08:00,P1,\n"  # 7: exact duplicate
    "E4,220500-PC,safety_inspection_lead,2022-09-30,P1,\n"  # 8: unknown type
    "E5,220500-PC,safety_patrol,2022-09-30,,440000-PC\n"  # 9: a target outside the export is fine
)
BAD_MEASURES = (
    "unit_id,metric,value,as_of,remark\n"
    "220500-PC,enforcement_officers,-3,2022-09-30,typo\n"  # 2: negative
    "220500-PC,enforcement_officers,12,2022-09-30,\n"  # 3: good
    "220500-PC,enforcement_officers,13,2022-09-30,\n"  # 4: same key, other value
)


@pytest.fixture
def bad_export(tmp_path: Path) -> Path:
    folder = write_export(tmp_path / "bad", tables={"units": UNITS})
    (folder / "events.csv").write_text(BAD_EVENTS, encoding="utf-8")
    (folder / "measures.csv").write_text(BAD_MEASURES, encoding="utf-8")
    (folder / "README.md").write_text("not an export file", encoding="utf-8")
    (folder / "expected").mkdir()
    return folder


def test_each_bad_row_is_rejected_with_its_place_and_reason(bad_export: Path):
    result = load_export(bad_export)
    events, measures = str(bad_export / "events.csv"), str(bad_export / "measures.csv")
    assert [(r.file, r.sheet, r.line, r.column, r.column_number, r.reason) for r in result.rejections] == [
        (events, None, 3, "occurred_at", 4,
         "occurred_at: cannot read '2022-13-01' as a date or time: month must be in 1..12"),
        (events, None, 4, "unit_id", 2, "unit_id: unit '999999-XX' does not exist in units"),
        (events, None, 5, "event_id", 1, "event_id: a value is required"),
        (events, None, 6, "event_id", 1, "event_id: duplicate of events.csv:2 with different content"),
        (events, None, 8, "type", 3,
         "type: unknown event type (found 'safety_inspection_lead'; did you mean 'safety_inspection_led'?)"),
        (measures, None, 2, "value", 3, "value: a count cannot be negative (found -3)"),
        (measures, None, 4, "value", 3, "value: duplicate of measures.csv:3 with a different value"),
    ]
    assert result.rejections[0].record == {
        "event_id": "E2", "unit_id": "220500-PC", "type": "standing_committee_safety_meeting",
        "occurred_at": "2022-13-01", "actor_id": "P1", "target_id": "",
    }
    assert isinstance(result.rejections[0], Rejection)
    assert sorted(result.facts.events) == ["E1", "E5"]
    assert result.facts.events["E1"].occurred_at == parse_instant("2022-09-30T14:00")
    assert result.facts.events["E5"].target_id == "440000-PC"
    assert [m.value for m in result.facts.measures] == [12]


def test_counts_add_up_and_ignored_measure_columns_are_listed(bad_export: Path):
    stats = load_export(bad_export).stats
    assert list(stats) == ["units", "people", "events", "measures"]
    assert {key: stats["events"][key] for key in ("rows", "accepted", "rejected", "duplicates")} == {
        "rows": 8, "accepted": 2, "rejected": 5, "duplicates": 1,
    }
    assert {key: stats["measures"][key] for key in ("rows", "accepted", "rejected", "duplicates")} == {
        "rows": 3, "accepted": 1, "rejected": 2, "duplicates": 0,
    }
    assert stats["measures"]["ignored_columns"] == ["remark"]
    assert stats["people"] == {
        "file": None, "sheet": None, "encoding": None, "rows": 0, "accepted": 0, "rejected": 0, "duplicates": 0,
    }
    for kind in stats.values():
        assert kind["rows"] == kind["accepted"] + kind["rejected"] + kind["duplicates"]


def test_strict_raises_every_rejection_with_its_position(bad_export: Path):
    with pytest.raises(ErrorGroup) as raised:
        load_export(bad_export, strict=True)
    errors = raised.value.errors
    assert len(errors) == 7
    assert all(isinstance(error, RecordError) for error in errors)
    assert [(e.where.line, e.where.column) for e in errors] == [(3, 4), (4, 2), (5, 1), (6, 1), (8, 3), (2, 3), (4, 3)]
    assert str(errors[1]) == (
        f"{bad_export / 'events.csv'}:4:2: unit_id: unit '999999-XX' does not exist in units"
    )


def test_the_load_is_deterministic(bad_export: Path):
    first, second = load_export(bad_export), load_export(bad_export)
    assert first.rejections == second.rejections
    assert first.stats == second.stats


def test_conflicting_units_and_people_duplicates(tmp_path: Path):
    units = UNITS + [
        ["220521-R1", "梅河口某饭店", "enterprise", "county", "", "220521", "catering", "crowded_place;restaurant", ""],
        ["220521-PC", "中共梅河口市委（改名）", "party_committee", "county", "220500-PC", "220521", "", "", ""],
    ]
    people = PEOPLE + [PEOPLE[1], ["P1", "张三", "220500-PC", "principal", "2021-01-01", "2020-12-31", "", ""]]
    result = load_export(write_export(tmp_path / "x", tables={"units": units, "people": people}))
    assert result.stats["units"]["duplicates"] == 1  # same content, other spelling
    assert result.stats["people"]["duplicates"] == 1
    assert len(result.facts.tenures) == 3  # one person, two roles: both kept
    assert [(r.line, r.column, r.reason) for r in result.rejections] == [
        (6, "unit_id", "unit_id: duplicate of units.csv:3 with different content"),
        (6, "end", "end: end 2020-12-31 is before start 2021-01-01"),
    ]
    assert result.facts.units["220521-PC"].name == "中共梅河口市委"


def test_people_with_an_unknown_unit_or_employment_are_rejected(tmp_path: Path):
    people = [
        PEOPLE[0],
        ["P3", "王五", "NOPE", "worker", "", "", "", ""],
        ["P4", "赵六", "220521-R1", "worker", "", "", "casual", ""],
        ["P5", "钱七", "220521-R1", "boss", "", "", "", ""],
    ]
    result = load_export(write_export(tmp_path / "x", tables={"units": UNITS, "people": people}))
    assert [(r.line, r.column, r.column_number, r.reason) for r in result.rejections] == [
        (2, "unit_id", 3, "unit_id: unit 'NOPE' does not exist in units"),
        (3, "employment", 7, "employment: 'casual' is not one of staff, dispatched, flexible"),
        (4, "role", 4, "role: unknown role (found 'boss'; expected one of deputy, member, principal, "
                       "standing_member, worker)"),
    ]


def test_an_export_without_units_or_with_two_files_for_a_kind_is_an_error(tmp_path: Path):
    folder = tmp_path / "x"
    folder.mkdir()
    write_csv(folder / "events.csv", EVENTS)
    with pytest.raises(RecordError, match="the export has no units"):
        load_export(folder)
    write_csv(folder / "units.csv", UNITS)
    (folder / "units.jsonl").write_text(to_jsonl(UNITS), encoding="utf-8")
    with pytest.raises(RecordError, match="two files for units: units.csv and units.jsonl"):
        load_export(folder)
    with pytest.raises(RecordError, match="no such export"):
        load_export(tmp_path / "missing")


def test_a_header_without_a_required_column_stops_the_file(tmp_path: Path):
    folder = write_export(tmp_path / "x", tables={"units": UNITS})
    write_csv(folder / "events.csv", [["event_id", "unit_id", "type", "occured_at"], ["E1", "220500-PC", "accident", "2022-09-01"]])
    with pytest.raises(RecordError) as raised:
        load_export(folder)
    assert raised.value.what == "the header has no occurred_at column"
    assert raised.value.suggestion == "occured_at"
    write_csv(folder / "events.csv", [["event_id", "unit_id", "unit_id"]])
    with pytest.raises(RecordError, match=r"column 'unit_id' appears twice in the header \(columns 2 and 3\)"):
        load_export(folder)


# -- attributes -------------------------------------------------------------------------


def test_event_attributes_from_extra_columns_and_from_an_attributes_column(tmp_path: Path):
    folder = write_export(tmp_path / "x", tables={"units": UNITS})
    write_csv(folder / "events.csv", [
        ["event_id", "unit_id", "type", "occurred_at", "attributes", "deadline"],
        ["E1", "220521-R1", "accident", "2022-09-01", '{"deaths": "3", "category": "fire"}', ""],
        ["E2", "220521-R1", "hazard_found", "2022-09-02", '{"listed": "是", "grade": "major"}', "2022年10月1日"],
        ["E3", "220521-R1", "hazard_found", "2022-09-02", '["listed"]', ""],
        ["E4", "220521-R1", "accident", "2022-09-01", '{"deaths": "three"}', ""],
        ["E5", "220521-R1", "hazard_found", "2022-09-02", "", "2022-13-01"],
    ])
    result = load_export(folder)
    assert result.facts.events["E1"].attributes == {"deaths": 3, "category": "fire"}
    assert result.facts.events["E2"].attributes == {"listed": True, "grade": "major", "deadline": "2022-10-01"}
    assert [(r.line, r.column, r.column_number, r.reason) for r in result.rejections] == [
        (4, "attributes", 5, "attributes: expected a JSON object, found list ['listed']"),
        (5, "attributes", 5, "deaths: 'three' is not a whole number"),
        (6, "deadline", 6, "deadline: cannot read '2022-13-01' as a date or time: month must be in 1..12"),
    ]


# -- mapping ----------------------------------------------------------------------------

MAPPING = """\
files:
  events: 活动记录
columns:
  units: {单位编码: unit_id, 单位名称: name, 单位类型: kind, 层级: level, 上级单位: parent_id,
          行政区划: region, 行业: sectors, 标签: tags, 电话: phone}
  events: {编号: event_id, 单位编码: unit_id, 活动类型: type, 发生时间: occurred_at, 组织人: actor_id,
           对象单位: target_id, 死亡人数: deaths, 是否列入: listed, 隐患编号: hazard_id}
values:
  units:
    kind: {县委: party_committee, 市委: 党委}
    tags: {餐馆: restaurant}
  events:
    type: {党委常委会会议: standing_committee_safety_meeting}
"""


def test_a_mapping_reads_an_export_as_it_is(tmp_path: Path, plain: LoadResult):
    folder = tmp_path / "zh"
    units = [list(row) for row in UNITS]
    units[0] = ["单位编码", "单位名称", "单位类型", "层级", "上级单位", "行政区划", "行业", "标签", "电话"]
    units[1][2], units[2][2] = "市委", "县委"
    units[3][7] = "餐馆;人员密集场所"
    events = [list(row) for row in EVENTS]
    events[0] = ["编号", "单位编码", "活动类型", "发生时间", "组织人", "对象单位", "死亡人数", "是否列入", "隐患编号"]
    events[1][2] = "党委常委会会议"
    write_export(folder, "gb18030", {"units": units, "people": PEOPLE, "measures": MEASURES})
    write_csv(folder / "活动记录.csv", events, "gb18030")
    (folder / "mapping.yaml").write_text(MAPPING, encoding="utf-8")
    result = load_export(folder)
    assert result.rejections == ()
    assert content(result) == content(plain)
    assert result.stats["events"]["file"].endswith("活动记录.csv")


def test_rejections_name_the_column_as_it_is_called_in_the_file(tmp_path: Path):
    folder = write_export(tmp_path / "x", tables={"units": UNITS})
    write_csv(folder / "活动记录.csv", [
        ["编号", "单位编码", "活动类型", "发生时间"],
        ["E1", "220500-PC", "党委常委会会议", "2022-09-31"],
    ])
    mapping = Mapping.loads(MAPPING, "mapping.yaml")
    result = load_export(folder, mapping=mapping)
    (rejection,) = result.rejections
    assert (rejection.column, rejection.column_number) == ("发生时间", 4)
    assert rejection.reason == "occurred_at: cannot read '2022-09-31' as a date or time: day is out of range for month"
    assert rejection.record == {"编号": "E1", "单位编码": "220500-PC", "活动类型": "党委常委会会议", "发生时间": "2022-09-31"}


@pytest.mark.parametrize(
    ("text", "line", "at", "what", "suggestion"),
    [
        ("colums:\n  events: {}\n", 1, "colums", "colums: unknown key", "columns"),
        ("columns:\n  evnts: {编号: event_id}\n", 2, "evnts", "columns.evnts: unknown record kind", "events"),
        ("columns:\n  events:\n    编号: event_id\n    编号: type\n", 4, "编号",
         "duplicate key '编号' (first given at line 3)", None),
        ("columns:\n  measures: {数量: amount}\n", 2, "amount", "columns.measures.数量: not a column of measures", None),
        ("columns:\n  events: {时间: occured_at}\n", 2, "occured_at",
         "columns.events.时间: looks like a misspelled column of events", "occurred_at"),
        ("values:\n  events:\n    type: {党委常委会会议: standing_committee_safety_meting}\n", 3, "standing",
         "values.events.type.党委常委会会议: unknown event type", "standing_committee_safety_meeting"),
        ("columns:\n  events: {编号: event_id, 序号: event_id}\n", 2, "序号",
         "columns.events.序号: '编号' is already mapped to 'event_id'", None),
        ("values:\n  measures:\n    amount: {a: b}\n", 3, "amount", "values.measures.amount: not a column of measures",
         None),
    ],
)
def test_mapping_errors_carry_line_column_and_the_closest_name(text, line, at, what, suggestion):
    with pytest.raises(RuleError) as raised:
        Mapping.loads(text, "mapping.yaml")
    error = raised.value
    column = text.splitlines()[line - 1].index(at) + 1
    assert (error.where.file, error.where.line, error.where.column) == ("mapping.yaml", line, column)
    assert error.what == what
    assert error.suggestion == suggestion


def test_mapping_file_is_loaded_from_a_path(tmp_path: Path):
    (tmp_path / "m.yaml").write_text("files:\n  units: 单位\n", encoding="utf-8")
    assert Mapping.load(tmp_path / "m.yaml").stem("units") == "单位"
    (tmp_path / "bad.yaml").write_text("files:\n  units: [a]\n", encoding="utf-8")
    with pytest.raises(RuleError) as raised:
        Mapping.load(tmp_path / "bad.yaml")
    assert (raised.value.where.line, raised.value.where.column) == (2, 10)
    assert raised.value.what == "files.units: expected a name"


# -- records in memory ------------------------------------------------------------------


def test_facts_from_records_with_dicts_and_with_models(plain: LoadResult):
    units = [dict(zip(UNITS[0], row)) for row in UNITS[1:]]
    people = [dict(zip(PEOPLE[0], row)) for row in PEOPLE[1:]]
    events = [dict(zip(EVENTS[0], row)) for row in EVENTS[1:]]
    measures = [dict(zip(MEASURES[0], row)) for row in MEASURES[1:]]
    from_dicts = facts_from_records(units, people, events, measures)
    assert from_dicts.rejections == ()
    assert content(from_dicts) == content(plain)
    facts = plain.facts
    from_models = facts_from_records(
        list(facts.units.values()), facts.tenures, list(facts.events.values()), facts.measures
    )
    assert content(from_models) == content(plain)
    assert from_models.stats["events"]["file"] == "<memory>:events"


def test_records_in_memory_are_checked_like_files(plain: LoadResult):
    unit = plain.facts.units["220500-PC"]
    meeting = Event(event_id="E1", unit_id="220500-PC", type="standing_committee_safety_meeting",
                    occurred_at="2022-09-30 14:00")
    result = facts_from_records(
        units=[unit],
        events=[
            meeting,
            {"event_id": "E1", "unit_id": "220500-PC", "type": "standing_committee_safety_meeting",
             "occurred_at": "2022-09-30T14:00"},  # the same event: merged
            {"event_id": "E2", "unit_id": "nowhere", "type": "accident", "occurred_at": "2022-09-30"},
            Measure(unit_id="220500-PC", metric="enforcement_officers", value=1, as_of="2022-09-30"),
            {"event_id": "E3", "unit_id": "220500-PC", "type": "accident", "occurred_at": "2022-09-30",
             "deaths": -1},
        ],
        measures=[Measure(unit_id="nowhere", metric="enforcement_officers", value=1, as_of="2022-09-30")],
    )
    assert list(result.facts.events) == ["E1"]
    assert result.stats["events"]["duplicates"] == 1
    assert [(r.file, r.line, r.column, r.column_number, r.reason) for r in result.rejections] == [
        ("<memory>:events", 3, "unit_id", None, "unit_id: unit 'nowhere' does not exist in units"),
        ("<memory>:events", 4, None, None, "expected an Event or a dict, not Measure"),
        ("<memory>:events", 5, "deaths", None, "deaths: a count cannot be negative (-1)"),
        ("<memory>:measures", 1, "unit_id", None, "unit_id: unit 'nowhere' does not exist in units"),
    ]
    with pytest.raises(ErrorGroup) as raised:
        facts_from_records(units=[unit], measures=[{"unit_id": "220500-PC", "metric": "执法人员", "value": 1,
                                                     "as_of": "2022-09-30"}], strict=True)
    (error,) = raised.value.errors
    assert (error.where.file, error.where.line) == ("<memory>:measures", 1)
    assert error.what.startswith("metric: unknown metric (found '执法人员'")


def test_facts_from_records_applies_a_mapping():
    mapping = Mapping.from_dict({
        "columns": {"units": {"编码": "unit_id", "名称": "name", "类型": "kind"}},
        "values": {"units": {"kind": {"县委": "party_committee"}}},
    })
    result = facts_from_records(units=[{"编码": "U1", "名称": "县委", "类型": "县委", "网址": "http://x"}],
                                mapping=mapping)
    assert result.facts.units["U1"] == Unit(unit_id="U1", name="县委", kind="party_committee",
                                            attributes={"网址": "http://x"})
    assert isinstance(result.facts.tenures, tuple) and not result.facts.tenures
    assert Tenure  # the people model is what people rows become


def test_a_mapping_names_the_sheets_of_a_workbook(tmp_path: Path, plain: LoadResult):
    events = [list(row) for row in EVENTS]
    events[0] = ["编号", "单位编码", "活动类型", "发生时间", "组织人", "对象单位", "死亡人数", "是否列入", "隐患编号"]
    path = write_workbook(tmp_path / "export.xlsx", {"units": UNITS, "people": PEOPLE, "活动记录": events,
                                                      "measures": MEASURES, "说明": [["not", "records"]]})
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    result = load_export(path, mapping=tmp_path / "m.yaml")
    assert result.rejections == ()
    assert content(result) == content(plain)
    assert result.stats["events"]["sheet"] == "活动记录"


def test_either_chinese_name_of_a_role_is_accepted():
    from compliance.vocabulary import VOCABULARY

    assert VOCABULARY.normalise("roles", "分管负责人") == "deputy"
    assert VOCABULARY.normalise("roles", "其他领导干部") == "deputy"
    assert VOCABULARY.normalise("roles", "其他领导干部 / 分管负责人") == "deputy"


def test_loading_reports_its_progress_every_so_many_rows_and_at_the_end_of_each_file(tmp_path, monkeypatch):
    from compliance.records import assembly

    monkeypatch.setattr(assembly, "PROGRESS_EVERY", 2)
    (tmp_path / "units.csv").write_text("unit_id,name,kind\nU1,甲,enterprise\nU2,乙,enterprise\nU3,丙,enterprise\n",
                                        encoding="utf-8")
    events = "event_id,unit_id,type,occurred_at\n" + "".join(
        f"E{number},U1,safety_study_session,2022-09-{number:02d}\n" for number in range(1, 6))
    (tmp_path / "events.csv").write_text(events, encoding="utf-8")
    heard: list[tuple[str, int]] = []
    result = load_export(tmp_path, progress=lambda file, rows: heard.append((Path(file).name, rows)))
    assert len(result.facts.events) == 5
    assert heard == [("units.csv", 2), ("units.csv", 3), ("events.csv", 2), ("events.csv", 4), ("events.csv", 5)]


def test_a_lone_surrogate_is_rejected_where_it_is_read_and_the_run_goes_on(tmp_path):
    """JSON can write half of a UTF-16 pair (\\ud800) and Python reads it, but no output file can hold it:
    such a record is rejected with its line and key, kept as written; an escaped pair is one character."""
    from compliance.cli import main

    (tmp_path / "units.csv").write_text("unit_id,name,kind,level\nPC,某县委,party_committee,county\n", encoding="utf-8")
    lines = [
        '{"event_id": "e\\ud800x", "unit_id": "PC", "type": "safety_study_session", "occurred_at": "2022-08-01"}',
        '{"event_id": "e2", "unit_id": "PC", "type": "safety_study_session", "occurred_at": "2022-08-02",'
        ' "attributes": {"note": "a\\udfffb"}}',
        '{"event_id": "e3", "unit_id": "PC", "type": "safety_study_session", "occurred_at": "2022-08-03",'
        ' "note": "\\ud83d\\ude00 \\u5b66\\u4e60"}',
    ]
    (tmp_path / "events.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load_export(tmp_path)
    assert list(result.facts.events) == ["e3"] and result.facts.events["e3"].attributes == {"note": "\U0001F600 学习"}
    assert [(r.line, r.column, r.reason) for r in result.rejections] == [
        (1, "event_id", "event_id: not valid text: 'e\\ud800x' holds \\ud800, half of a UTF-16 pair "
                        "(the export's encoding is broken)"),
        (2, "attributes", "attributes: not valid text: 'a\\udfffb' holds \\udfff, half of a UTF-16 pair "
                          "(the export's encoding is broken)"),
    ]
    assert result.rejections[0].record == {"raw": lines[0]}
    out = tmp_path / "out"
    assert main(["evaluate", str(tmp_path), "--as-of", "2023-01-01", "--out", str(out), "--all"]) == 0
    assert len((out / "rejected.jsonl").read_text(encoding="utf-8").splitlines()) == 2


def test_a_lone_surrogate_in_a_record_held_in_memory_is_rejected():
    result = facts_from_records(
        units=[{"unit_id": "PC", "name": "某县委", "kind": "party_committee"}],
        events=[{"event_id": "E1", "unit_id": "PC", "type": "accident", "occurred_at": "2022-09-30",
                 "attributes": {"cause": "x\udc00"}}])
    assert not result.facts.events
    [rejection] = result.rejections
    assert (rejection.file, rejection.line, rejection.column) == ("<memory>:events", 1, "attributes")
    assert rejection.reason.startswith("attributes: not valid text: 'x\\udc00' holds \\udc00")


def _units_and_events(folder: Path, events: str, name: str = "events.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "units.csv").write_text("unit_id,name,kind,level\nPC,某县委,party_committee,county\n", encoding="utf-8")
    (folder / name).write_text(events, encoding="utf-8")
    return folder


def test_json_that_python_cannot_read_is_a_rejection_not_a_crash(tmp_path):
    """Well-formed JSON beyond Python's limits: an integer of more than 4,300 digits, nesting deeper than
    the recursion limit."""
    big, deep = "9" * 5000, "[" * 3000 + "]" * 3000
    csv_text = ("event_id,unit_id,type,occurred_at,attributes\n"
                f'e1,PC,accident,2022-08-01,"{{""deaths"": {big}}}"\n'
                f'e2,PC,accident,2022-08-02,"{{""x"": {deep}}}"\n'
                "e3,PC,accident,2022-08-03,\n")
    result = load_export(_units_and_events(tmp_path / "csv", csv_text))
    assert list(result.facts.events) == ["e3"]
    assert [(r.line, r.column, r.reason) for r in result.rejections] == [
        (2, "attributes", "attributes: cannot be read as JSON: Exceeds the limit (4300 digits) for integer string "
                          "conversion: value has 5000 digits"),
        (3, "attributes", "attributes: cannot be read as JSON: nested too deeply"),
    ]
    lines = [f'{{"event_id": "e1", "unit_id": "PC", "type": "accident", "occurred_at": "2022-08-01", "deaths": {big}}}',
             f'{{"event_id": "e2", "unit_id": "PC", "type": "accident", "occurred_at": "2022-08-02", "x": {deep}}}']
    result = load_export(_units_and_events(tmp_path / "jsonl", "\n".join(lines) + "\n", "events.jsonl"))
    assert not result.facts.events
    assert [(r.line, r.reason, r.record) for r in result.rejections] == [
        (1, "cannot be read as JSON: Exceeds the limit (4300 digits) for integer string conversion: value has 5000 "
            "digits", {"raw": lines[0]}),
        (2, "cannot be read as JSON: nested too deeply", {"raw": lines[1]}),
    ]


def test_a_value_longer_than_the_csv_modules_limit_is_read_and_the_limit_is_restored(tmp_path):
    import csv

    before = csv.field_size_limit()
    note = "长" * 200_000
    result = load_export(_units_and_events(
        tmp_path, f'event_id,unit_id,type,occurred_at,note\ne1,PC,accident,2022-08-01,{note}\n'))
    assert result.facts.events["e1"].attributes == {"note": note} and not result.rejections
    assert csv.field_size_limit() == before


def test_a_record_the_csv_module_cannot_read_is_rejected_and_reading_goes_on(tmp_path, monkeypatch):
    from compliance.records import bulk, readers

    monkeypatch.setattr(readers, "_FIELD_SIZE", 20)  # a limit the second record passes
    monkeypatch.setattr(bulk, "BULK_FROM_BYTES", sys.maxsize)  # the limit is the csv module's: the row path
    text = ("event_id,unit_id,type,occurred_at,note\n"
            "e1,PC,accident,2022-08-01,short\n"
            f"e2,PC,accident,2022-08-02,{'x' * 30}\n"
            "e3,PC,accident,2022-08-03,short\n")
    result = load_export(_units_and_events(tmp_path, text))
    assert list(result.facts.events) == ["e1", "e3"]
    assert [(r.line, r.column, r.reason) for r in result.rejections] == [
        (3, None, "not valid CSV: field larger than field limit (20)")]
    assert result.stats["events"]["rows"] == 3 and result.stats["events"]["rejected"] == 1


def test_events_naming_a_person_or_unit_absent_from_the_export_are_counted_in_the_summary(tmp_path):
    """Not errors (an inspector may come from another office), but such an event never counts where a rule
    asks for the actor's role or the target's kind: the summary says how many there are, and which ids."""
    from compliance.cli import main

    folder = _units_and_events(tmp_path / "data", "event_id,unit_id,type,occurred_at,actor_id,target_id\n"
                                                  "e1,PC,safety_study_session,2022-08-01,P1,\n"
                                                  "e2,PC,safety_study_session,2022-08-02,P9,\n"
                                                  "e3,PC,document_submitted,2022-08-03,P9,NOWHERE\n"
                                                  "e4,PC,document_submitted,2022-08-04,P8,PC\n"
                                                  "e5,PC,document_submitted,2022-08-05,,\n")
    (folder / "people.csv").write_text("person_id,name,unit_id,role\nP1,甲,PC,principal\n", encoding="utf-8")
    stats = load_export(folder).stats["events"]
    assert stats["actors_not_in_people"] == {"events": 3, "first_ids": ["P8", "P9"]}
    assert stats["targets_not_in_units"] == {"events": 1, "first_ids": ["NOWHERE"]}
    assert main(["evaluate", str(folder), "--as-of", "2023-01-01", "--out", str(tmp_path / "out")]) == 0
    written = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert written["records"]["events"]["actors_not_in_people"]["events"] == 3
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "记录提示：所记人员不在人员名单中的事件 3 条（如 P8、P9）；所记对象单位不在单位名单中的事件 1 条（如 NOWHERE）" in page


@pytest.mark.parametrize(("region", "kept"), [
    ("220521", True), (220521, True), ("220521101", True), ("220521101001", True),
    ("22O521", False), ("2205211", False), ("22052", False), ("通化县", False),
])
def test_a_region_must_be_an_administrative_division_code(region, kept):
    """A unit whose code is not one would bind no rule of a pack with a jurisdiction, silently: it is
    refused with its reason, and its events with it (the unit does not exist)."""
    result = facts_from_records(
        units=[{"unit_id": "U1", "name": "甲", "kind": "party_committee", "level": "county", "region": region}],
        events=[{"event_id": "E1", "unit_id": "U1", "type": "safety_study_session", "occurred_at": "2022-08-01"}])
    assert ("U1" in result.facts.units) is kept and ("E1" in result.facts.events) is kept
    if not kept:
        assert [(r.file, r.column, r.reason) for r in result.rejections] == [
            ("<memory>:units", "region", f"region: {str(region)!r} is not an administrative division code "
                                         "(GB/T 2260: 6 digits, or 9 or 12 for a township or a village)"),
            ("<memory>:events", "unit_id", "unit_id: unit 'U1' does not exist in units")]
