"""Generate a synthetic, believable export for benchmarking ``compliance evaluate``.

    python benchmarks/generate.py --units 10000 --events 1000000 --seed 1 --out /tmp/export

writes ``units.csv``, ``people.csv``, ``events.csv`` and ``measures.csv`` (CONTRACT.md
"Records in") for one year of records, 2022-07-01 .. 2023-06-30 (plus the few
document submissions that the rules date before July 2022, in June 2022):

* a hierarchy: one province, its cities and counties, each with a party committee
  (党委), a government (政府), a safety committee (安委会) and its office (安委会办公室)
  and seven departments with their supervised sectors; three townships per county
  (party committee and government); and enterprises (生产经营单位) with an industry
  and tags (restaurant, crowded_place, high_rise, mine, ...). At scale the units
  are mostly enterprises (about 92%) and departments.
* people: principals, standing members, deputies and workers (staff, dispatched,
  flexible; some underground in mines), some changing in the middle of the year.
* events: every type the shipped rules count (quarterly meetings and inspections
  of party committees and governments, per-person quarterly duties, yearly patrols
  and assessments of subordinates, deadlines, minutes forwarded within 15 days,
  gas alarms, training before work, blocked exits ordered rectified...), mostly
  compliant with gaps (about one obligation in ten missed or late); the remaining
  volume is enterprise activity (hazard found -> rectified -> accepted -> closed,
  confined-space work, training, self-inspections, rare accidents and reports).
  Instants come in mixed formats: ``+08:00`` offsets, ``Z``, naive local times,
  bare dates, and a few ``2022/9/30 14:05`` and ``2022年9月30日`` forms.
* measures: enforcement officers and vehicles of every department.

Event rows are in time order, oldest first, as an information system exports
them (``--order generated`` or ``random`` for others); ``--bad-rows`` rows the
loader must reject (an unknown unit, a date that does not parse) come last.
The number of units and of events is exact; the output is a pure function of
(--units, --events, --seed, --bad-rows, --order). Rows are written with
``csv.writer`` without building models: a million events take well under a minute.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
import time
from datetime import date, timedelta
from operator import itemgetter
from pathlib import Path

YEAR_START = date(2022, 7, 1)
DAYS = 365  # 2022-07-01 .. 2023-06-30
# Day indexes (0 = 2022-07-01) of the quarters Q3 2022 .. Q2 2023.
QUARTERS = ((0, 92), (92, 184), (184, 274), (274, 365))
SENSITIVE = (107, 114)  # 2022-10-16 .. 2022-10-22 (the rules' default sensitive window)
SEP30 = 91  # 2022-09-30
DEC31 = 183  # 2022-12-31
H1_2023 = 184  # 2023-01-01

# name suffix, code, sectors (a department's supervised sectors)
DEPARTMENTS = (
    ("应急管理局", "YJJ", "mining;hazardous_chemicals;fireworks;industry_trade"),
    ("住房和城乡建设局", "ZJJ", "construction;gas"),
    ("交通运输局", "JTJ", "road_transport;waterway_transport"),
    ("市场监督管理局", "SJJ", "special_equipment;catering"),
    ("消防救援支队", "XFJ", "fire"),
    ("文化广电和旅游局", "WLJ", "tourism"),
    ("工业和信息化局", "GXJ", "machinery;metallurgy"),
)
# industry, weight, name words, tag choices (tag, probability)
INDUSTRIES = (
    ("catering", 26, ("饭店", "火锅店", "农家菜馆", "烧烤店", "酒楼"), (("restaurant", 0.9), ("crowded_place", 0.1))),
    ("industry_trade", 14, ("商贸有限公司", "木业有限公司", "食品厂"), (("crowded_place", 0.05),)),
    ("construction", 10, ("建筑工程有限公司", "建设集团有限公司"), (("high_rise", 0.3),)),
    ("hazardous_chemicals", 7, ("化工有限公司", "加油站", "气体有限公司"), (("central_or_provincial_soe", 0.08),)),
    ("mining", 5, ("铁矿有限公司", "石灰石矿", "煤矿"), (("mine", 1.0), ("tailings_dam", 0.2))),
    ("road_transport", 8, ("客运有限公司", "物流有限公司"), (("passenger_vehicle", 0.4),)),
    ("gas", 3, ("燃气有限公司",), (("central_or_provincial_soe", 0.1),)),
    ("machinery", 8, ("机械制造有限公司", "汽车修理厂"), ()),
    ("metallurgy", 4, ("钢铁有限公司", "铸造厂"), (("central_or_provincial_soe", 0.2),)),
    ("tourism", 6, ("旅游景区", "酒店", "影城"), (("crowded_place", 0.7), ("high_rise", 0.2))),
    ("fireworks", 1, ("烟花爆竹批发部",), ()),
    ("", 8, ("商场", "购物中心", "医院", "养老院", "学校"), (("crowded_place", 0.9), ("high_rise", 0.4))),
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志远宏东海波晓文斌立新振"
PLACE_1 = "通梅集柳辉靖长抚安临江白松延珲和龙图汪敦舒桦蛟磐永德榆双农扶乾洮镇大"
PLACE_2 = "化河安南宁源山春平城丰兴吉林原顺宇阳泉台岭川石水门宁"
CATEGORIES = ("fire_safety", "electrical", "gas", "structural", "machinery_guard", "hazardous_storage",
              "blocked_exit", "blocked_evacuation_route", "confined_space", "lifting")


def place_name(index: int) -> str:
    return PLACE_1[index % len(PLACE_1)] + PLACE_2[(index // len(PLACE_1)) % len(PLACE_2)]


class Instants:
    """Formatted instants of the year, in mixed formats, for a day index and a time of day."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        days = [YEAR_START + timedelta(days=i) for i in range(-40, DAYS + 40)]
        self.offset = 40  # day index 0 is days[40]
        self.iso = [d.isoformat() for d in days]
        self.slash = [f"{d.year}/{d.month}/{d.day}" for d in days]
        self.chinese = [f"{d.year}年{d.month}月{d.day}日" for d in days]

    def at(self, day: int, hour: int | None = None) -> str:
        """An instant on ``day`` (index from 2022-07-01), in one of the mixed formats."""
        rng = self.rng
        i = day + self.offset
        if hour is None:
            hour = rng.randrange(8, 19)
        minute = rng.randrange(60)
        second = rng.randrange(60) if rng.random() < 0.3 else 0  # most systems record minutes
        self.key = ((day * 24 + hour) * 60 + minute) * 60 + second  # when it happened, for the order of rows
        r = rng.random()
        if r < 0.48:
            return f"{self.iso[i]}T{hour:02d}:{minute:02d}:{second:02d}+08:00"
        if r < 0.63:  # UTC: 8 hours earlier, same day for office hours
            return f"{self.iso[i]}T{hour - 8:02d}:{minute:02d}:{second:02d}Z"
        if r < 0.83:
            return f"{self.iso[i]} {hour:02d}:{minute:02d}:{second:02d}"
        if r < 0.97:
            self.key = day * 86400
            return self.iso[i]
        if r < 0.99:
            self.key -= second
            return f"{self.slash[i]} {hour:02d}:{minute:02d}"
        self.key = day * 86400
        return self.chinese[i]

    def date(self, day: int) -> str:
        return self.iso[day + self.offset]


class Generator:
    def __init__(self, units: int, events: int, seed: int, bad_rows: int, order: str = "time") -> None:
        self.order = order
        self.rng = random.Random(seed)
        self.target_units = units
        self.target_events = events
        self.bad_rows = bad_rows
        self.instants = Instants(self.rng)
        self.units: list[list[str]] = []
        self.people: list[list[str]] = []
        self.measures: list[list[str]] = []
        self.person_seq = 0
        self.event_seq = 0
        self.hazard_seq = 0
        # kind -> [(unit_id, level, region, parent_id, leaders)]
        self.party: list[dict] = []
        self.government: list[dict] = []
        self.committees: list[dict] = []
        self.departments: list[dict] = []
        self.enterprises: list[dict] = []
        self.by_county_departments: dict[str, list[dict]] = {}

    # -- units and people ----------------------------------------------------------
    def person(self, unit_id: str, role: str, start: int | None = None, end: int | None = None,
               employment: str = "", post: str = "") -> dict:
        """A tenure; ``start``/``end`` are day indexes of the year (None: before / after it)."""
        rng = self.rng
        self.person_seq += 1
        pid = f"P{self.person_seq:07d}"
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        if start is None:
            start_text = (YEAR_START - timedelta(days=rng.randrange(30, 2500))).isoformat()
            if rng.random() < 0.1:
                d = YEAR_START - timedelta(days=rng.randrange(30, 2500))
                start_text = f"{d.year}/{d.month}/{d.day}"
        else:
            start_text = self.instants.date(start)
        end_text = "" if end is None else self.instants.date(end)
        self.people.append([pid, name, unit_id, role, start_text, end_text, employment, post])
        return {"id": pid, "start": start, "end": end}

    def add_unit(self, unit_id: str, name: str, kind: str, level: str, parent: str, region: str,
                 sectors: str = "", tags: str = "") -> None:
        self.units.append([unit_id, name, kind, level, parent, region, sectors, tags])

    def leaders(self, unit_id: str, members_role: str, members: int) -> dict:
        """A principal (sometimes replaced mid-year) and members (some joining or leaving mid-year)."""
        rng = self.rng
        principals = []
        if rng.random() < 0.06:
            change = rng.randrange(30, DAYS - 30)
            principals.append(self.person(unit_id, "principal", None, change - 1))
            principals.append(self.person(unit_id, "principal", change, None))
        else:
            principals.append(self.person(unit_id, "principal"))
        others = []
        for _ in range(members):
            r = rng.random()
            if r < 0.08:
                others.append(self.person(unit_id, members_role, None, rng.randrange(20, DAYS - 20)))
            elif r < 0.16:
                others.append(self.person(unit_id, members_role, rng.randrange(20, DAYS - 20), None))
            else:
                others.append(self.person(unit_id, members_role))
        return {"principals": principals, "members": others}

    def build_units(self) -> None:
        rng = self.rng
        per_county = 4 + len(DEPARTMENTS) + 3 * 2
        counties = max(1, round(self.target_units * 0.08 / per_county))
        cities = max(1, math.ceil(counties / 7))
        province = "220000"
        self.gov_level(province, "吉林省", "province", None)
        county_codes = []
        for c in range(cities):
            city = f"22{c + 1:02d}00"
            self.gov_level(city, place_name(c) + "市", "city", province)
        for k in range(counties):
            c = k % cities
            city = f"22{c + 1:02d}00"
            county = f"22{c + 1:02d}{k // cities + 1:02d}"
            self.gov_level(county, place_name(100 + k) + "县", "county", city)
            county_codes.append(county)
            for t in range(3):
                township = f"{county}{t + 1:03d}"
                tname = place_name(500 + k * 3 + t) + "镇"
                pc, gv = f"{township}-DW", f"{township}-ZF"
                self.add_unit(pc, f"中共{tname}委员会", "party_committee", "township", f"{county}-XW", township)
                self.add_unit(gv, f"{tname}人民政府", "government", "township", f"{county}-ZF", township)
                self.party.append({"id": pc, "level": "township", "region": township, "county": county,
                                   "city": city, "children": [],
                                   **self.leaders(pc, "standing_member", 3)})
                self.government.append({"id": gv, "level": "township", "region": township, "county": county,
                                        "city": city, "children": [], **self.leaders(gv, "deputy", 2)})
        # children for the coverage rules (patrols of subordinate committees and governments)
        index = {u["id"]: u for u in self.party + self.government}
        for unit_id, _name, kind, _level, parent, *_rest in self.units:
            if parent and parent in index and kind in ("party_committee", "government"):
                index[parent]["children"].append(unit_id)
        # enterprises
        remaining = self.target_units - len(self.units)
        if remaining < 0:
            print(f"warning: {len(self.units)} government units exceed --units {self.target_units}", file=sys.stderr)
        weights = [w for _i, w, _n, _t in INDUSTRIES]
        for e in range(max(0, remaining)):
            county = county_codes[rng.randrange(len(county_codes))]
            region = county if rng.random() < 0.8 else f"{county}{rng.randrange(1, 4):03d}"
            industry, _w, words, tag_choices = rng.choices(INDUSTRIES, weights)[0]
            tags = sorted({tag for tag, p in tag_choices if rng.random() < p})
            unit_id = f"QY-{county}-{e + 1:06d}"
            name = place_name(rng.randrange(2000)) + rng.choice(words)
            self.add_unit(unit_id, name, "enterprise", "", "", region, industry, ";".join(tags))
            principal = self.person(unit_id, "principal")
            workers = []
            for _ in range(rng.randrange(2, 9)):
                r = rng.random()
                employment = "staff" if r < 0.7 else "dispatched" if r < 0.9 else "flexible"
                post = ("underground" if industry == "mining" and rng.random() < 0.5
                        else rng.choice(("workshop", "office", "driver", "kitchen", "warehouse")))
                if employment == "dispatched" and post == "underground" and rng.random() < 0.9:
                    employment = "staff"  # t40-b: only a few mines break the ban
                start = rng.randrange(0, DAYS - 10) if rng.random() < 0.25 else None
                worker = self.person(unit_id, "worker", start, None, employment, post)
                worker["employment"] = employment
                workers.append(worker)
            self.enterprises.append({"id": unit_id, "county": county, "industry": industry, "tags": tags,
                                     "principal": principal, "workers": workers})

    def gov_level(self, region: str, place: str, level: str, superior: str | None) -> None:
        """The party committee, government, safety committee, office and departments of one territory."""
        rng = self.rng
        pc_suffix = {"province": "SW", "city": "SW", "county": "XW"}[level]
        sup_pc = None if superior is None else f"{superior}-{'SW'}"
        parent = (lambda code: "" if superior is None else f"{superior}-{code}")
        pc = f"{region}-{pc_suffix}"
        self.add_unit(pc, f"中共{place}委员会", "party_committee", level, sup_pc or "", region)
        self.add_unit(f"{region}-ZF", f"{place}人民政府", "government", level, parent("ZF"), region)
        self.add_unit(f"{region}-AW", f"{place}安全生产委员会", "safety_committee", level, parent("AW"), region)
        self.add_unit(f"{region}-AWB", f"{place}安全生产委员会办公室", "safety_committee_office", level,
                      parent("AWB"), region)
        city = region if level == "city" else (superior if level == "county" else None)
        county = region if level == "county" else None
        self.party.append({"id": pc, "level": level, "region": region, "county": county, "city": city,
                           "children": [], **self.leaders(pc, "standing_member", rng.randrange(5, 9))})
        self.government.append({"id": f"{region}-ZF", "level": level, "region": region, "county": county,
                                "city": city, "children": [], **self.leaders(f"{region}-ZF", "deputy",
                                                                               rng.randrange(3, 7))})
        self.committees.append({"id": f"{region}-AW", "level": level, "city": city})
        self.person(f"{region}-AW", "principal")
        self.person(f"{region}-AWB", "principal")
        for name, code, sectors in DEPARTMENTS:
            unit_id = f"{region}-{code}"
            self.add_unit(unit_id, f"{place}{name}", "department", level, parent(code), region, sectors)
            dept = {"id": unit_id, "level": level, "city": city, "county": county, "sectors": sectors,
                    **self.leaders(unit_id, "deputy", 2)}
            self.departments.append(dept)
            if county:
                self.by_county_departments.setdefault(county, []).append(dept)
            officers = rng.randrange(4, 40)
            vehicles = math.ceil(officers / 5) if rng.random() < 0.85 else max(0, math.ceil(officers / 5) - 1)
            self.measures.append([unit_id, "enforcement_officers", str(officers), "2022-06-30"])
            self.measures.append([unit_id, "enforcement_vehicles", str(vehicles), "2022-06-30"])
            if rng.random() < 0.3:
                later = self.instants.date(rng.randrange(1, DAYS))
                self.measures.append([unit_id, "enforcement_officers", str(officers + rng.randrange(1, 6)), later])

    # -- events --------------------------------------------------------------------
    def write_events(self, writer, order: str) -> int:
        """Make the events, then write them in ``order``: ``time`` (as a system exports them,
        oldest first), ``generated`` (unit by unit, then the enterprises' activity) or ``random``."""
        self.rows: list[tuple[int, list[str]]] = []
        self.written = 0
        self.governance()
        governance = self.written
        self.activity()
        if order == "time":
            self.rows.sort(key=itemgetter(0))  # stable: events at the same moment keep their order
        elif order == "random":
            self.rng.shuffle(self.rows)
        writer.writerows(row for _key, row in self.rows)
        del self.rows
        return governance

    def emit(self, unit_id: str, type_: str, when: str, actor: str = "", target: str = "",
             attributes: dict | None = None) -> str | None:
        if self.written >= self.target_events:
            return None
        self.event_seq += 1
        event_id = f"E{self.event_seq:08d}"
        rng = self.rng
        remark = "补录" if rng.random() < 0.03 else ""
        self.rows.append((self.instants.key, [event_id, unit_id, type_, when, actor, target,
                          json.dumps(attributes, ensure_ascii=False) if attributes else "", remark]))
        self.written += 1
        return event_id

    def holder(self, people: list[dict], day: int) -> dict | None:
        for person in people:
            if (person["start"] is None or person["start"] <= day) and (person["end"] is None or day <= person["end"]):
                return person
        return None

    def quarterly(self, unit_id: str, type_: str, actor_of, p: float, attributes: dict | None = None) -> list:
        """One event per quarter with probability ``p`` (sometimes two); actor chosen for its day."""
        rng = self.rng
        done = []
        for lo, hi in QUARTERS:
            for _ in range(2 if rng.random() < 0.1 else 1):
                if rng.random() >= p:
                    continue
                day = rng.randrange(lo, hi)
                actor = actor_of(day) if actor_of else ""
                if actor is None:
                    continue
                event_id = self.emit(unit_id, type_, self.instants.at(day), actor, "", attributes)
                done.append((event_id, day))
        return done

    def person_quarterly(self, unit_id: str, type_: str, person: dict, p: float) -> None:
        rng = self.rng
        for lo, hi in QUARTERS:
            first = lo if person["start"] is None else max(lo, person["start"])
            last = hi - 1 if person["end"] is None else min(hi - 1, person["end"])
            if first > last or rng.random() >= p:
                continue
            self.emit(unit_id, type_, self.instants.at(rng.randrange(first, last + 1)), person["id"])

    def principal_of(self, unit: dict, wrong: float = 0.05):
        """The actor of a principal's duty: usually the principal of the day, sometimes a member."""
        rng = self.rng

        def actor(day: int) -> str | None:
            if unit["members"] and rng.random() < wrong:
                return rng.choice(unit["members"])["id"]
            person = self.holder(unit["principals"], day)
            return person["id"] if person else None
        return actor

    def deadline(self, unit_id: str, type_: str, due: int, attributes: dict, target: str = "",
                 p_on_time: float = 0.85, p_late: float = 0.08) -> None:
        rng = self.rng
        r = rng.random()
        if r < p_on_time:
            day = max(-35, due - rng.randrange(1, 60))
        elif r < p_on_time + p_late:
            day = min(DAYS - 1, due + rng.randrange(1, 45))
        else:
            return
        self.emit(unit_id, type_, self.instants.at(day), "", target, attributes)

    def coverage(self, unit_id: str, type_: str, children: list[str], actor_pool: list[dict]) -> None:
        rng = self.rng
        for child in children:
            for lo, hi in ((0, 184), (184, 365)):  # the rest of 2022, and the first half of 2023
                if rng.random() < 0.9:
                    actor = rng.choice(actor_pool)["id"] if actor_pool else ""
                    self.emit(unit_id, type_, self.instants.at(rng.randrange(lo, hi)), actor, child)

    def governance(self) -> None:
        rng = self.rng
        at = self.instants.at
        for pc in self.party:
            unit_id = pc["id"]
            self.quarterly(unit_id, "safety_study_session", self.principal_of(pc, 0.0), 0.92)
            meetings = self.quarterly(unit_id, "standing_committee_safety_meeting", self.principal_of(pc), 0.9)
            superior_office = {"township": f"{pc['county']}-AWB", "county": f"{pc['city']}-AWB",
                               "city": "220000-AWB"}.get(pc["level"])
            for meeting_id, day in meetings:
                if superior_office is None or meeting_id is None:
                    continue
                r = rng.random()
                if r < 0.85:
                    later = day + rng.randrange(1, 15)
                elif r < 0.93:
                    later = day + rng.randrange(16, 40)
                else:
                    continue
                if later < DAYS:
                    self.emit(unit_id, "minutes_forwarded", at(later), "", superior_office,
                              {"meeting_id": meeting_id})
            self.quarterly(unit_id, "safety_inspection_led", self.principal_of(pc), 0.9)
            if rng.random() < 0.7:
                day = rng.randrange(*SENSITIVE)
                person = self.holder(pc["principals"], day)
                self.emit(unit_id, "safety_inspection_led", at(day), person["id"] if person else "")
            for member in pc["members"]:
                self.person_quarterly(unit_id, "safety_inspection_led", member, 0.88)
            self.deadline(unit_id, "mechanism_established", SEP30, {"mechanism": "duty_list"})
            if pc["level"] != "township":
                self.deadline(unit_id, "mechanism_established", SEP30, {"mechanism": "zone_responsibility"})
                self.coverage(unit_id, "safety_patrol", [c for c in pc["children"] if "-ZF" not in c],
                              pc["members"])
        for gv in self.government:
            unit_id = gv["id"]
            self.quarterly(unit_id, "executive_safety_meeting", self.principal_of(gv), 0.9)
            self.quarterly(unit_id, "safety_inspection_led", self.principal_of(gv), 0.9)
            if rng.random() < 0.7:
                day = rng.randrange(*SENSITIVE)
                person = self.holder(gv["principals"], day)
                self.emit(unit_id, "safety_inspection_led", at(day), person["id"] if person else "")
            for deputy in gv["members"]:
                for type_ in ("report_to_principal", "sector_safety_meeting", "sector_safety_inspection"):
                    self.person_quarterly(unit_id, type_, deputy, 0.88)
            self.deadline(unit_id, "mechanism_established", SEP30, {"mechanism": "duty_list"})
            self.deadline(unit_id, "mechanism_established", SEP30, {"mechanism": "annual_task_list"})
            if gv["level"] in ("province", "city", "county"):
                children = [c for c in gv["children"] if c.endswith("-ZF")]
                self.coverage(unit_id, "safety_patrol", children, gv["members"])
                self.coverage(unit_id, "safety_assessment", children, gv["members"])
            if gv["level"] in ("city", "county"):
                self.documents(unit_id, gv["city"], ("implementation_plan", "progress_report", "summary_report",
                                                     "project_list"))
        for committee in self.committees:
            unit_id = committee["id"]
            self.deadline(unit_id, "mechanism_established", DEC31, {"mechanism": "safety_committee_operational"})
            if committee["level"] in ("city", "county"):
                self.documents(unit_id, committee["city"], ("responsibility_list", "major_hazard_list"))
        for dept in self.departments:
            unit_id = dept["id"]
            self.quarterly(unit_id, "department_safety_meeting", None, 0.92)
            for month in range(12):
                if rng.random() < 0.9:
                    day = rng.randrange(round(month * 30.4), round((month + 1) * 30.4))
                    self.emit(unit_id, "sector_key_inspection", at(day), rng.choice(dept["principals"])["id"])
            self.deadline(unit_id, "mechanism_established", SEP30, {"mechanism": "delegated_items_assessed"})
            if dept["level"] in ("city", "county"):
                self.documents(unit_id, dept["city"], ("implementation_plan", "progress_report", "summary_report",
                                                       "project_list", "responsibility_list", "major_hazard_list"))
                for month in range(12):
                    self.emit(unit_id, "document_submitted", at(round(month * 30.4) + rng.randrange(0, 8)), "",
                              f"{dept['city']}-AWB", {"document": "monthly_report"})
        for ent in self.enterprises:
            unit_id = ent["id"]
            if ent["industry"] == "catering":
                self.deadline(unit_id, "gas_alarm_installed", SEP30, {}, p_on_time=0.9, p_late=0.06)
            for worker in ent["workers"]:
                if worker["start"] is not None and worker["employment"] != "staff":
                    r = rng.random()
                    if r < 0.9:
                        day = max(-30, worker["start"] - rng.randrange(0, 15))
                    elif r < 0.95:
                        day = min(DAYS - 1, worker["start"] + rng.randrange(1, 10))
                    else:
                        continue
                    self.emit(unit_id, "training_passed", at(day), worker["id"])

    def documents(self, unit_id: str, city: str, documents: tuple[str, ...]) -> None:
        due = {"implementation_plan": -21, "progress_report": -3, "summary_report": 89, "project_list": SEP30,
               "responsibility_list": -1, "major_hazard_list": SEP30}
        for document in documents:
            self.deadline(unit_id, "document_submitted", due[document], {"document": document}, f"{city}-AWB")

    def activity(self) -> None:
        """Enterprise activity up to the number of events asked for."""
        rng = self.rng
        at = self.instants.at
        enterprises = self.enterprises or [{"id": d["id"], "county": d["county"], "industry": "", "tags": [],
                                            "principal": d["principals"][0], "workers": d["members"]}
                                           for d in self.departments]
        crowded = [e for e in enterprises if "crowded_place" in e["tags"] or "high_rise" in e["tags"]]
        kinds = ("hazard", "confined", "training", "inspection", "blocked", "accident")
        weights = (38, 16, 22, 20, 3, 1)
        while self.written < self.target_events:
            kind = rng.choices(kinds, weights)[0]
            ent = rng.choice(crowded if kind == "blocked" and crowded else enterprises)
            unit_id = ent["id"]
            day = rng.randrange(0, DAYS)
            if kind in ("hazard", "blocked"):
                self.hazard_seq += 1
                hazard = f"H{self.hazard_seq:07d}"
                category = (rng.choice(("blocked_exit", "blocked_evacuation_route")) if kind == "blocked"
                            else rng.choice(CATEGORIES[:6] + CATEGORIES[8:]))
                grade = "major" if rng.random() < 0.03 else "general"
                deadline = min(DAYS + 30, day + rng.randrange(3, 45))
                source = "inspection" if rng.random() < 0.4 else "self_report"
                hour = rng.randrange(8, 13)
                found = self.emit(unit_id, "hazard_found", at(day, hour), "", "", {
                    "hazard_id": hazard, "grade": grade, "source": source,
                    "listed": "是" if rng.random() < 0.9 else "否", "deadline": self.instants.date(deadline),
                    "category": category, "owner": rng.choice(SURNAMES) + rng.choice(GIVEN),
                    "measures": "限期整改"})
                if found is None:
                    break
                if kind == "blocked":
                    departments = self.by_county_departments.get(ent["county"]) or self.departments
                    r = rng.random()
                    if r < 0.97:  # the same day a few hours later; sometimes two days later (late)
                        self.emit(rng.choice(departments)["id"], "rectification_ordered",
                                  at(day if r < 0.9 else min(DAYS - 1, day + 2), hour + rng.randrange(1, 6)),
                                  "", unit_id,
                                  {"hazard_id": hazard})
                steps = ("hazard_rectified", "hazard_accepted", "hazard_closed")
                done = day
                for step in steps:
                    if rng.random() < 0.08 or done >= DAYS - 1:
                        break
                    done = min(DAYS - 1, done + rng.randrange(1, 20))
                    self.emit(unit_id, step, at(done), "", "", {"hazard_id": hazard})
            elif kind == "confined":
                checks = ("risk_identified", "ventilated_and_tested", "ppe_worn", "watcher_present",
                          "electrical_compliant", "approved", "workers_trained")
                worker = rng.choice(ent["workers"]) if ent["workers"] else ent["principal"]
                self.emit(unit_id, "confined_space_work", at(day), worker["id"], "",
                          {name: ("true" if rng.random() < 0.97 else "false") for name in checks})
            elif kind == "training":
                worker = rng.choice(ent["workers"]) if ent["workers"] else ent["principal"]
                self.emit(unit_id, "training_passed", at(day), worker["id"])
            elif kind == "inspection":
                self.emit(unit_id, "safety_inspection_led", at(day), ent["principal"]["id"])
            else:
                deaths = 1 if rng.random() < 0.1 else 0
                accident = self.emit(unit_id, "accident", at(day), "", "", {
                    "deaths": deaths, "serious_injuries": rng.randrange(0, 3),
                    "direct_loss_yuan": rng.randrange(1000, 500000), "industry": ent["industry"] or "industry_trade",
                    "category": rng.choice(("fire", "road_traffic", "mechanical_injury", "fall", "electric_shock"))})
                self.emit(unit_id, "accident_reported", at(day), "", f"{ent['county']}-ZF",
                          {"accident_id": accident, "deaths": deaths})

    # -- writing -------------------------------------------------------------------
    def write(self, out: Path) -> dict:
        out.mkdir(parents=True, exist_ok=True)
        self.build_units()
        with (out / "units.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["unit_id", "name", "kind", "level", "parent_id", "region", "sectors", "tags"])
            writer.writerows(self.units)
        with (out / "people.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["person_id", "name", "unit_id", "role", "start", "end", "employment", "post"])
            writer.writerows(self.people)
        with (out / "measures.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["unit_id", "metric", "value", "as_of"])
            writer.writerows(self.measures)
        with (out / "events.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["event_id", "unit_id", "type", "occurred_at", "actor_id", "target_id", "attributes",
                             "remark"])
            bad = min(self.bad_rows, self.target_events)
            self.target_events -= bad
            governance = self.write_events(writer, self.order)
            for k in range(bad):  # rows the loader must reject: an unknown unit, a date that does not parse
                self.event_seq += 1
                if k % 2:
                    writer.writerow([f"E{self.event_seq:08d}", "QY-UNKNOWN", "training_passed", "2022-09-31",
                                     "", "", "", ""])
                else:
                    writer.writerow([f"E{self.event_seq:08d}", "QY-999999-000000", "training_passed",
                                     "2022-09-30", "", "", "", ""])
                self.written += 1
        return {"units": len(self.units), "people": len(self.people), "events": self.written,
                "governance_events": governance, "measures": len(self.measures)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=10_000, help="number of units (default 10000)")
    parser.add_argument("--events", type=int, default=1_000_000, help="number of events (default 1000000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--bad-rows", type=int, default=10,
                        help="rows the loader must reject (unknown unit, bad date), included in --events (default 10)")
    parser.add_argument("--order", choices=("time", "generated", "random"), default="time",
                        help="order of the event rows: time (oldest first, as systems export them; default), "
                             "generated (unit by unit) or random")
    parser.add_argument("--out", type=Path, required=True, help="output folder (created)")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    counts = Generator(args.units, args.events, args.seed, args.bad_rows, args.order).write(args.out)
    elapsed = time.perf_counter() - began
    print(f"wrote {args.out}: {counts['units']} units, {counts['people']} people, {counts['events']} events "
          f"({counts['governance_events']} for the rules' duties), {counts['measures']} measures "
          f"in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
