"""Probes behind docs/performance.md's "Why 10× is out of reach": what the object model costs at least,
and what a columnar path would cost, on one export.

    python benchmarks/probes.py --data /tmp/bench/u10000-e1000000          # the probes that need nothing more
    pip install duckdb && python benchmarks/probes.py --data DIR    # ... and the DuckDB one (pyarrow is a dependency)

Each probe prints its figures (wall seconds, with the cyclic collector off as the loader has it):

* ``bare``: ``csv.reader`` over ``events.csv`` (the yardstick of run.py);
* ``floor``: the smallest object per row: a slotted class, ``datetime.fromisoformat``,
  ``json.loads`` of the attributes; no validation, no index;
* ``deal``: a million integers dealt, in time order, into per-(unit, type) and per-type lists
  by one Python loop, as the event index is built, with no event object touched;
* ``arrow``: Arrow reads, checks and orders the events, parses each distinct
  timestamp once, then one tight Python loop makes the events in index order (attributes as
  JSON, typed by the vocabulary; the object);
* ``duckdb`` (needs duckdb): DuckDB reads the file as text, trims, joins the units, parses
  the timestamps, checks the JSON, finds repeated ids, and counts every (unit, type) by month
  with its evidence list, fetched into Python.

They measure; they are not the loader. The Arrow probe's events are not checked the way the
loader checks them, and the DuckDB probe parses only the common timestamp forms.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def _timed(name: str, probe: Callable[[], Any]) -> None:
    began = time.perf_counter()
    detail = probe()
    print(f"{name:<8} {time.perf_counter() - began:6.2f} s  {detail or ''}")


def bare(events: Path) -> str:
    with events.open(newline="", encoding="utf-8") as handle:
        return f"{sum(1 for _ in csv.reader(handle)):,} rows"


class _Smallest:
    __slots__ = ("event_id", "unit_id", "type", "at", "actor_id", "target_id", "attributes")


def floor(events: Path) -> str:
    made = []
    with events.open(newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        next(rows)
        for row in rows:
            event = _Smallest()
            event.event_id, event.unit_id, event.type = row[0], row[1], row[2]
            try:
                event.at = datetime.fromisoformat(row[3])
            except ValueError:
                event.at = None
            event.actor_id, event.target_id = row[4] or None, row[5] or None
            event.attributes = json.loads(row[6]) if row[6].startswith("{") else {}
            made.append(event)
    return f"{len(made):,} objects"


def deal(events: Path) -> str:
    with events.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    units, types = [row[1] for row in rows], [row[2] for row in rows]
    # in time order (the text of the timestamps, near enough), as the index deals them
    order = sorted(range(len(rows)), key=[(row[3], row[0]) for row in rows].__getitem__)
    del rows
    began = time.perf_counter()
    by_unit_type: dict[tuple[str, str], list[int]] = {}
    by_type: dict[str, list[int]] = {}
    for position in order:
        key = (units[position], types[position])
        found = by_unit_type.get(key)
        if found is None:
            by_unit_type[key] = [position]
        else:
            found.append(position)
        found = by_type.get(types[position])
        if found is None:
            by_type[types[position]] = [position]
        else:
            found.append(position)
    return f"the loop alone {time.perf_counter() - began:.2f} s; {len(by_unit_type):,} (unit, type) lists"


def arrow(events: Path) -> str:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    from compliance.facts import Event, _record, event_builder
    from compliance.timeline import InstantError, parse_instant

    began = time.perf_counter()
    names = events.open(encoding="utf-8").readline().rstrip("\r\n").split(",")
    table = pcsv.read_csv(events, read_options=pcsv.ReadOptions(column_names=names, skip_rows=1),
                          convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                              strings_can_be_null=False))
    space = r"^[\s\x1c-\x1f\x85\xa0]|[\s\x1c-\x1f\x85\xa0]$"
    for name in names:
        pc.sum(pc.match_substring_regex(table[name], space))
    counts = pc.value_counts(table["event_id"])
    pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    moments = table["occurred_at"].combine_chunks().dictionary_encode()

    def instant(text: str) -> Any:
        try:
            return parse_instant(text)
        except InstantError:
            return None

    distinct = [instant(text) for text in moments.dictionary.to_pylist()]
    at = pc.take(pa.array([None if i is None else i.at for i in distinct], pa.timestamp("us", tz="UTC")),
                 moments.indices)
    order = pc.sort_indices(pa.table({"u": table["unit_id"], "t": table["type"], "at": at, "id": table["event_id"]}),
                            sort_keys=[("u", "ascending"), ("t", "ascending"), ("at", "ascending"),
                                       ("id", "ascending")])
    ordered = table.take(order)
    columns = [ordered[name].to_pylist() for name in ("event_id", "unit_id", "type", "actor_id", "target_id",
                                                      "attributes")]
    which = pc.take(moments.indices, order).to_pylist()
    arrow_part = time.perf_counter() - began

    began = time.perf_counter()
    build = event_builder()
    scan, intern, typing = json.JSONDecoder().scan_once, sys.intern, build.attributes
    fields = build.fields_set(("event_id", "unit_id", "type", "occurred_at", "attributes"))
    made = []
    for event_id, unit_id, kind, actor, target, text, moment in zip(*columns, which):
        attributes: dict[str, Any] = {}
        if text:
            given = scan(text, 0)[0]
            attributes = dict(zip(map(intern, given), given.values()))
            for name, coerce, _counted in typing.get(kind, ()):
                if name in attributes:
                    value = attributes[name] = coerce(attributes[name])
                    if value is None:
                        del attributes[name]
        made.append(_record(Event, {"event_id": event_id, "unit_id": unit_id, "type": kind,
                                    "occurred_at": distinct[moment], "actor_id": actor or None,
                                    "target_id": target or None, "attributes": attributes}, fields))
    return (f"Arrow's part {arrow_part:.2f} s ({len(distinct):,} distinct timestamps); "
            f"the loop making {len(made):,} events {time.perf_counter() - began:.2f} s")


def duckdb_probe(data: Path) -> str:
    import duckdb

    connection = duckdb.connect()
    steps = []

    def step(name: str, sql: str) -> Any:
        began = time.perf_counter()
        result = connection.execute(sql).fetchall()
        steps.append(f"{name} {time.perf_counter() - began:.2f} s")
        return result

    step("read", f"CREATE TABLE ev AS SELECT * FROM read_csv('{data / 'events.csv'}', all_varchar=true, header=true)")
    step("units", f"CREATE TABLE units AS SELECT * FROM read_csv('{data / 'units.csv'}', all_varchar=true, header=true)")
    step("check", """CREATE TABLE v AS SELECT trim(event_id) AS event_id, trim(e.unit_id) AS unit_id, trim(type) AS type,
        COALESCE(try_strptime(trim(occurred_at), '%Y-%m-%dT%H:%M:%S%z'),
                 try_strptime(trim(occurred_at) || '+08:00', '%Y-%m-%dT%H:%M:%S%z'),
                 try_strptime(trim(occurred_at) || ' +08:00', '%Y-%m-%d %z')) AS ts,
        json_valid(attributes) AS json_ok, attributes, u.unit_id IS NOT NULL AS known_unit
        FROM ev e LEFT JOIN units u ON trim(e.unit_id) = u.unit_id""")
    step("repeated ids", "SELECT count(*) FROM (SELECT event_id FROM v GROUP BY event_id HAVING count(*) > 1)")
    groups = step("monthly counts", """SELECT unit_id, type, strftime(ts, '%Y-%m') AS month, count(*),
        list(event_id ORDER BY ts, event_id) FROM v WHERE ts IS NOT NULL GROUP BY ALL""")
    step("hazard ids", """SELECT json_extract_string(attributes, '$.hazard_id'), count(*) FROM v
        WHERE type = 'hazard_found' GROUP BY ALL""")
    return "; ".join(steps) + f" ({len(groups):,} groups)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="an export made by benchmarks/generate.py")
    parser.add_argument("--only", action="append", choices=["bare", "floor", "deal", "arrow", "duckdb"],
                        help="run only these probes (repeatable)")
    args = parser.parse_args()
    gc.disable()
    events = args.data / "events.csv"
    probes: dict[str, Callable[[], Any]] = {
        "bare": lambda: bare(events), "floor": lambda: floor(events), "deal": lambda: deal(events),
        "arrow": lambda: arrow(events), "duckdb": lambda: duckdb_probe(args.data),
    }
    for name, probe in probes.items():
        if args.only and name not in args.only:
            continue
        try:
            _timed(name, probe)
        except ModuleNotFoundError as missing:
            print(f"{name:<8} skipped: {missing.name} is not installed")
        gc.collect()


if __name__ == "__main__":
    main()
