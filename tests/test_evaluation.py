"""The reference evaluator at every boundary the contract names, kind by kind."""

from __future__ import annotations

import pytest

from compliance import evaluate
from compliance.findings import Status
from tests.conftest import event, unit

PC = unit("PC", name="某县委")


def findings(rule_id, *, as_of, units=(PC,), events=(), people=(), measures=(), **options):
    result = evaluate(units=list(units), events=list(events), people=list(people), measures=list(measures),
                      as_of=as_of, rules_only=[rule_id], **options)
    assert result.rejections == ()
    return result.findings


def by_period(found):
    return {f.period: (f.status, f.actual) for f in found}


# -- periods and time zone ---------------------------------------------------------
def test_last_second_of_september_in_shanghai_is_in_q3():
    found = findings("tonghua-2022-10.t02", as_of="2023-01-01",
                     events=[event("e1", "PC", "safety_study_session", "2022-09-30T23:59:59+08:00")])
    assert by_period(found) == {"2022-Q3": (Status.SATISFIED, 1), "2022-Q4": (Status.VIOLATED, 0)}
    assert found[0].evidence == ("e1",)


def test_utc_afternoon_of_30_september_is_q4_in_shanghai():
    found = findings("tonghua-2022-10.t02", as_of="2023-01-01",
                     events=[event("e1", "PC", "safety_study_session", "2022-09-30T16:30:00Z")])
    assert by_period(found) == {"2022-Q3": (Status.VIOLATED, 0), "2022-Q4": (Status.SATISFIED, 1)}


@pytest.mark.parametrize(("written", "period"), [
    ("2022-09-30 23:30", "2022-Q3"),  # naive: Shanghai time
    ("2022-10-01T00:00", "2022-Q4"),
    ("2022/9/30", "2022-Q3"),
    ("2022年10月1日", "2022-Q4"),
])
def test_naive_timestamps_and_bare_dates_are_shanghai_time(written, period):
    found = findings("tonghua-2022-10.t02", as_of="2023-01-01",
                     events=[event("e1", "PC", "safety_study_session", written)])
    assert by_period(found)[period] == (Status.SATISFIED, 1)


def test_a_period_not_over_is_open_never_violated():
    found = findings("tonghua-2022-10.t02", as_of="2022-12-31T23:59:59")
    assert by_period(found) == {"2022-Q3": (Status.VIOLATED, 0), "2022-Q4": (Status.OPEN, 0)}
    found = findings("tonghua-2022-10.t02", as_of="2023-01-01T00:00:00")
    assert by_period(found)["2022-Q4"] == (Status.VIOLATED, 0)


def test_events_after_the_evaluation_instant_are_not_known():
    found = findings("tonghua-2022-10.t02", as_of="2022-09-30T12:00",
                     events=[event("e1", "PC", "safety_study_session", "2022-09-30T15:00")])
    assert by_period(found) == {"2022-Q3": (Status.OPEN, 0)}


def test_open_period_is_at_risk_when_the_missing_events_no_longer_fit(make_pack):
    pack = make_pack("""\
      - id: demo.study
        title: 集中学习
        citation: {article: 一, text: 每月至少学习3次}
        applies_to: {kind: party_committee}
        in_force: {from: "2022-09-01"}
        obligation:
          kind: periodic
          event: {type: safety_study_session}
          period: month
          at_least: 3
          lead_time: P2D
    """)
    events = [event("e1", "PC", "safety_study_session", "2022-09-02")]
    # Two events missing, two days each: they fit in exactly 4 days left, not in less.
    still_open = evaluate(units=[PC], events=events, rules=[pack], as_of="2022-09-27T00:00:00").findings
    assert [(f.period, f.status) for f in still_open] == [("2022-09", Status.OPEN)]
    at_risk = evaluate(units=[PC], events=events, rules=[pack], as_of="2022-09-27T00:00:01").findings
    assert [(f.period, f.status) for f in at_risk] == [("2022-09", Status.AT_RISK)]


@pytest.mark.parametrize(("kind", "labels"), [
    ("half_month", ["2024-02-H1", "2024-02-H2"]),
    ("two_months", ["2024-B1"]),
    ("week", ["2024-W05", "2024-W06", "2024-W07", "2024-W08", "2024-W09"]),
])
def test_periodic_findings_carry_calendar_period_labels(make_pack, kind, labels):
    pack = make_pack(f"""\
      - id: demo.p
        title: 集中学习
        citation: {{article: 一, text: 定期学习}}
        applies_to: {{kind: party_committee}}
        in_force: {{from: "2024-02-01", to: "2024-02-29"}}
        obligation:
          kind: periodic
          event: {{type: safety_study_session}}
          period: {kind}
    """)
    events = [event("a", "PC", "safety_study_session", "2024-02-15T23:59:59"),
              event("b", "PC", "safety_study_session", "2024-02-16T00:00:00")]
    found = evaluate(units=[PC], events=events, rules=[pack], as_of="2024-04-01").findings
    assert [f.period for f in found] == labels
    if kind == "half_month":
        assert [(f.period_start.isoformat(), f.period_end.isoformat(), f.evidence) for f in found] == [
            ("2024-02-01", "2024-02-15", ("a",)), ("2024-02-16", "2024-02-29", ("b",))]
    if kind == "two_months":
        assert (found[0].period_start.isoformat(), found[0].period_end.isoformat()) == ("2024-01-01", "2024-02-29")
        assert found[0].actual == 2


# -- deadlines -------------------------------------------------------------------------
DUTY = {"mechanism": "duty_list"}


@pytest.mark.parametrize(("at", "status"), [
    ("2022-09-30T23:59:59+08:00", Status.SATISFIED),
    ("2022-10-01T00:00:00+08:00", Status.SATISFIED),  # 24:00 of 30 September is still "by" it
    ("2022-10-01T00:00:01+08:00", Status.LATE),
    ("2022-09-30T15:59:59Z", Status.SATISFIED),
    ("2022-09-30T16:00:01Z", Status.LATE),
    ("2022-09-30", Status.SATISFIED),  # a bare date: the whole day, on time
    ("2022-10-01", Status.LATE),
])
def test_by_30_september_includes_the_whole_day(at, status):
    found = findings("tonghua-2022-10.t06", as_of="2023-04-01",
                     events=[event("m1", "PC", "mechanism_established", at, attributes=DUTY)])
    assert [(f.status, f.evidence, f.due) for f in found] == [(status, ("m1",), "2022-10-01T00:00:00+08:00")]


def test_a_deadline_never_met_is_violated_after_it_and_open_before():
    assert [f.status for f in findings("tonghua-2022-10.t06", as_of="2022-10-01T00:00:01")] == [Status.VIOLATED]
    assert [f.status for f in findings("tonghua-2022-10.t06", as_of="2022-09-30T12:00")] == [Status.OPEN]


def test_late_deadline_message_says_how_late():
    found = findings("tonghua-2022-10.t06", as_of="2023-04-01",
                     events=[event("m1", "PC", "mechanism_established", "2022-10-08", attributes=DUTY)])
    assert found[0].message == ("某县委应于2022年9月30日前把安全生产纳入党委常委会及其成员职责清单，"
                                "于2022年10月8日完成，逾期8天（逾期落实）。")
    assert found[0].citation.document == "通安委〔2022〕10号"
    assert found[0].citation.article == "附件第6项；正文（三）"


def test_the_wrong_mechanism_does_not_meet_the_deadline():
    found = findings("tonghua-2022-10.t06", as_of="2023-04-01",
                     events=[event("m1", "PC", "mechanism_established", "2022-09-01",
                                   attributes={"mechanism": "zone_responsibility"})])
    assert [f.status for f in found] == [Status.VIOLATED]


# -- quota ---------------------------------------------------------------------------
DEPT = unit("D1", kind="department", name="某县应急管理局")


def _measures(officers, vehicles, day="2022-09-01"):
    return [{"unit_id": "D1", "metric": "enforcement_officers", "value": officers, "as_of": day},
            {"unit_id": "D1", "metric": "enforcement_vehicles", "value": vehicles, "as_of": day}]


@pytest.mark.parametrize(("officers", "vehicles", "status", "required"), [
    (10, 2, Status.SATISFIED, 2),
    (11, 2, Status.VIOLATED, 3),
    (15, 3, Status.SATISFIED, 3),
    (0, 0, Status.SATISFIED, 0),
])
def test_one_vehicle_per_five_officers(officers, vehicles, status, required):
    found = findings("tonghua-2022-10.t56", as_of="2022-10-01", units=[DEPT], measures=_measures(officers, vehicles))
    assert [(f.period, f.status, f.expected, f.actual) for f in found] == [("2022-09-30", status, required, vehicles)]


def test_quota_is_judged_at_every_snapshot_with_the_latest_values():
    measures = _measures(10, 2) + [
        {"unit_id": "D1", "metric": "enforcement_officers", "value": 11, "as_of": "2022-11-15"},
        {"unit_id": "D1", "metric": "enforcement_vehicles", "value": 3, "as_of": "2022-12-01"},
        {"unit_id": "D1", "metric": "enforcement_officers", "value": 30, "as_of": "2023-05-01"},  # after as-of
    ]
    found = findings("tonghua-2022-10.t56", as_of="2023-01-01", units=[DEPT], measures=measures)
    assert [(f.period, f.status, f.expected, f.actual) for f in found] == [
        ("2022-09-30", Status.SATISFIED, 2, 2),
        ("2022-11-15", Status.VIOLATED, 3, 2),
        ("2022-12-01", Status.SATISFIED, 3, 3),
    ]
    assert "执法人员11人、执法用车2辆" in found[1].message


# -- roles and people ------------------------------------------------------------------
def _person(person_id, role, start=None, end=None, unit_id="PC", **extra):
    return {"person_id": person_id, "name": person_id, "unit_id": unit_id, "role": role, "start": start,
            "end": end, **extra}


def test_actor_role_counts_only_the_principal_on_the_event_day():
    people = [_person("boss", "principal", end="2022-08-15"), _person("new", "principal", start="2022-08-16"),
              _person("member", "standing_member")]
    events = [event("m1", "PC", "standing_committee_safety_meeting", "2022-08-20", actor_id="boss"),
              event("m2", "PC", "standing_committee_safety_meeting", "2022-11-20", actor_id="member"),
              event("m3", "PC", "standing_committee_safety_meeting", "2023-02-01", actor_id="new")]
    found = findings("tonghua-2022-10.t07-a", as_of="2023-04-01", people=people, events=events)
    assert by_period(found) == {"2022-Q3": (Status.VIOLATED, 0), "2022-Q4": (Status.VIOLATED, 0),
                                "2023-Q1": (Status.SATISFIED, 1)}


def test_partial_tenure_majority_policy():
    # Q3 2022 has 92 days: 46 days served is not a majority, 47 is.
    people = [_person("a", "standing_member", end="2022-08-15"),   # 46 days: exempt
              _person("b", "standing_member", start="2022-08-16")]  # 46 days: exempt in Q3, owed in Q4
    found = findings("tonghua-2022-10.t10", as_of="2023-01-01", people=people)
    assert [(f.person_id, f.period, f.status) for f in found] == [
        ("a", "2022-Q3", Status.EXEMPT), ("b", "2022-Q3", Status.EXEMPT), ("b", "2022-Q4", Status.VIOLATED)]
    people = [_person("c", "standing_member", end="2022-08-16")]  # 47 days
    found = findings("tonghua-2022-10.t10", as_of="2023-01-01", people=people)
    assert [(f.person_id, f.period, f.status) for f in found] == [("c", "2022-Q3", Status.VIOLATED)]


def test_partial_tenure_policy_can_be_overridden_per_run():
    people = [_person("a", "standing_member", end="2022-08-15")]
    found = findings("tonghua-2022-10.t10", as_of="2023-01-01", people=people,
                     overrides={"tonghua-2022-10.t10": {"partial_tenure": "require"}})
    assert [(f.period, f.status) for f in found] == [("2022-Q3", Status.VIOLATED)]


def test_per_person_events_count_only_their_own():
    people = [_person("a", "standing_member"), _person("b", "standing_member")]
    events = [event("i1", "PC", "safety_inspection_led", "2022-08-01", actor_id="a")]
    found = findings("tonghua-2022-10.t10", as_of="2022-10-01", people=people, events=events)
    assert [(f.person_id, f.status, f.evidence) for f in found] == [
        ("a", Status.SATISFIED, ("i1",)), ("b", Status.VIOLATED, ())]


def test_sensitive_window_needs_its_own_inspection():
    people = [_person("boss", "principal")]
    inside = event("i1", "PC", "safety_inspection_led", "2022-10-18", actor_id="boss")
    outside = event("i2", "PC", "safety_inspection_led", "2022-11-18", actor_id="boss")
    found = findings("tonghua-2022-10.t09", as_of="2023-01-01", people=people, events=[outside],
                     start="2022-10-01")
    assert by_period(found) == {"2022-Q4": (Status.SATISFIED, 1), "2022-10-16/2022-10-22": (Status.VIOLATED, 0)}
    found = findings("tonghua-2022-10.t09", as_of="2023-01-01", people=people, events=[inside],
                     start="2022-10-01")
    assert by_period(found) == {"2022-Q4": (Status.SATISFIED, 1), "2022-10-16/2022-10-22": (Status.SATISFIED, 1)}
    window = [f for f in found if f.period == "2022-10-16/2022-10-22"][0]
    assert (window.period_start.isoformat(), window.period_end.isoformat()) == ("2022-10-16", "2022-10-22")


def test_sensitive_windows_are_a_parameter():
    found = findings("tonghua-2022-10.t09", as_of="2023-01-01", start="2022-10-01",
                     overrides={"tonghua-2022-10.t09": {"sensitive": []}})
    assert [f.period for f in found] == ["2022-Q4"]


# -- levels, hierarchy, territory ---------------------------------------------------
def test_inspection_period_depends_on_level():
    city = unit("CD", kind="department", level="city")
    county = unit("KD", kind="department", level="county")
    province = unit("PD", kind="department", level="province")
    events = [event("c1", "CD", "sector_key_inspection", "2023-01-10"),
              event("k1", "KD", "sector_key_inspection", "2023-01-10"),
              event("k2", "KD", "sector_key_inspection", "2023-03-10")]
    found = findings("tonghua-2022-10.t18", as_of="2023-04-01", units=[city, county, province], events=events)
    assert [(f.unit_id, f.period, f.status) for f in found] == [
        ("CD", "2023-B1", Status.SATISFIED), ("CD", "2023-B2", Status.OPEN),  # March–April: not over
        ("KD", "2023-01", Status.SATISFIED), ("KD", "2023-02", Status.VIOLATED), ("KD", "2023-03", Status.SATISFIED)]


def test_coverage_of_each_subordinate_every_year():
    city = unit("CPC", level="city", name="市委")
    a, b = unit("A", parent_id="CPC", name="甲县委"), unit("B", parent_id="CPC", name="乙县委")
    gov = unit("G", kind="government", parent_id="CPC")  # another line: not a subordinate party committee
    events = [event("p1", "CPC", "safety_patrol", "2022-05-01", target_id="A")]
    found = findings("tonghua-2022-10.t04", as_of="2023-01-01", units=[city, a, b, gov], events=events)
    assert [(f.unit_id, f.subject_id, f.period, f.status) for f in found] == [
        ("CPC", "A", "2022", Status.SATISFIED), ("CPC", "B", "2022", Status.VIOLATED)]
    assert found[1].message == "市委2022年应至少1次对乙县委开展安全生产巡查，实际0次（未落实）。"


def _offices():
    return [
        unit("PROV", kind="safety_committee_office", level="province", region="220000"),
        unit("CITY", kind="safety_committee_office", level="city", region="220500", parent_id="PROV"),
        unit("OTHER", kind="safety_committee_office", level="city", region="220600", parent_id="PROV"),
        unit("PC", level="county", region="220521", name="通化县委"),
    ]


def test_minutes_go_to_the_superior_office_within_the_limit():
    meetings = [event(f"m{i}", "PC", "standing_committee_safety_meeting", day) for i, day in
                enumerate(["2022-08-01", "2022-08-02", "2022-08-03", "2022-08-04", "2022-12-25"], 1)]
    minutes = [
        event("f1", "PC", "minutes_forwarded", "2022-08-16", target_id="CITY", attributes={"meeting_id": "m1"}),
        event("f2", "PC", "minutes_forwarded", "2022-08-18", target_id="CITY", attributes={"meeting_id": "m2"}),
        event("f3", "PC", "minutes_forwarded", "2022-08-05", target_id="OTHER", attributes={"meeting_id": "m3"}),
    ]
    found = findings("tonghua-2022-10.t07-b", as_of="2023-01-01", units=_offices(), events=meetings + minutes)
    assert [(f.subject_id, f.status, f.evidence) for f in found] == [
        ("m1", Status.SATISFIED, ("m1", "f1")),  # 15 days: on the last day of the limit
        ("m2", Status.LATE, ("m2", "f2")),       # 16 days
        ("m3", Status.VIOLATED, ("m3",)),        # sent to another city's office: not the superior one
        ("m4", Status.VIOLATED, ("m4",)),
        ("m5", Status.OPEN, ("m5",)),            # limit not over at as-of
    ]
    assert found[0].due == "2022-08-17T00:00:00+08:00"


def test_blocked_exit_ordered_rectified_within_24_hours_by_any_unit():
    mall = unit("MALL", kind="enterprise", tags="crowded_place")
    shop = unit("SHOP", kind="enterprise")
    fire = unit("FIRE", kind="department")
    events = [
        event("h1", "MALL", "hazard_found", "2022-08-01T10:00", attributes={"hazard_id": "H1", "category": "blocked_exit"}),
        event("h2", "MALL", "hazard_found", "2022-08-02T10:00", attributes={"hazard_id": "H2", "category": "blocked_exit"}),
        event("h3", "SHOP", "hazard_found", "2022-08-02T10:00", attributes={"hazard_id": "H3", "category": "blocked_exit"}),
        event("o1", "FIRE", "rectification_ordered", "2022-08-02T10:00", target_id="MALL", attributes={"hazard_id": "H1"}),
        event("o2", "FIRE", "rectification_ordered", "2022-08-03T10:00:01", target_id="MALL", attributes={"hazard_id": "H2"}),
    ]
    found = findings("tonghua-2022-10.t30", as_of="2023-01-01", units=[mall, shop, fire], events=events)
    assert [(f.unit_id, f.subject_id, f.status) for f in found] == [
        ("MALL", "H1", Status.SATISFIED), ("MALL", "H2", Status.LATE)]


def test_restaurant_gas_alarm_coverage_per_territory():
    county = unit("GOV", kind="government", region="220521")
    restaurants = [unit(f"R{i}", kind="enterprise", region="220521", sectors="catering") for i in range(4)]
    elsewhere = unit("RX", kind="enterprise", region="220502", sectors="catering")
    events = [event(f"g{i}", f"R{i}", "gas_alarm_installed", "2022-09-01") for i in range(3)]
    events.append(event("g3", "R3", "gas_alarm_installed", "2022-10-09"))
    found = findings("tonghua-2022-10.t44-b", as_of="2023-01-01", units=[county, *restaurants, elsewhere],
                     events=events)
    assert [(f.unit_id, f.status, f.expected, f.actual) for f in found] == [
        ("GOV", Status.VIOLATED, "100.0%", "75.0% (3/4)")]
    per_restaurant = findings("tonghua-2022-10.t44-a", as_of="2023-01-01", units=[*restaurants, elsewhere],
                              events=events)
    assert [(f.unit_id, f.status) for f in per_restaurant] == [
        ("R0", Status.SATISFIED), ("R1", Status.SATISFIED), ("R2", Status.SATISFIED), ("R3", Status.LATE),
        ("RX", Status.VIOLATED)]


def test_document_must_reach_the_city_office_of_its_territory():
    units = _offices()[:3] + [unit("GOV", kind="government", region="220521")]
    events = [event("d1", "GOV", "document_submitted", "2022-09-30", target_id="OTHER",
                    attributes={"document": "project_list"}),
              event("d2", "GOV", "document_submitted", "2022-10-02", target_id="CITY",
                    attributes={"document": "project_list"})]
    found = findings("tonghua-2022-10.t23", as_of="2023-01-01", units=units, events=events)
    assert [(f.unit_id, f.status, f.evidence) for f in found] == [("GOV", Status.LATE, ("d2",))]


# -- precondition and prohibition ------------------------------------------------------
MINE = unit("MINE", kind="enterprise", sectors="mining", tags="mine")


def test_dispatched_workers_work_only_after_training():
    people = [_person("w1", "worker", start="2022-07-01", unit_id="MINE", employment="dispatched"),
              _person("w2", "worker", start="2022-07-01", unit_id="MINE", employment="flexible"),
              _person("w3", "worker", start="2022-07-01", unit_id="MINE", employment="staff")]
    events = [event("t1", "MINE", "training_passed", "2022-07-01T08:00", actor_id="w1"),
              event("t2", "MINE", "training_passed", "2022-07-02", actor_id="w2")]
    found = findings("tonghua-2022-10.t40-a", as_of="2023-01-01", units=[MINE], people=people, events=events)
    assert [(f.person_id, f.status, f.evidence) for f in found] == [
        ("w1", Status.SATISFIED, ("t1",)), ("w2", Status.VIOLATED, ())]


def test_no_dispatched_worker_underground_in_a_mine():
    people = [_person("w1", "worker", unit_id="MINE", employment="dispatched", post="underground"),
              _person("w2", "worker", unit_id="MINE", employment="dispatched", post="surface"),
              _person("w3", "worker", unit_id="MINE", employment="staff", post="underground")]
    found = findings("tonghua-2022-10.t40-b", as_of="2023-01-01", units=[MINE], people=people)
    assert [(f.person_id, f.status) for f in found] == [("w1", Status.VIOLATED)]
    found = findings("tonghua-2022-10.t40-b", as_of="2023-01-01", units=[MINE], people=people[1:])
    assert [(f.person_id, f.status) for f in found] == [(None, Status.SATISFIED)]


# -- kinds without a shipped rule yet: window, completeness, precondition on events ------
def test_window_completeness_and_event_preconditions(make_pack):
    pack = make_pack("""\
      - id: demo.window
        title: 开展排查
        citation: {article: 四, text: 8月28日至9月5日开展排查}
        applies_to: {kind: enterprise}
        in_force: {from: "2022-08-01"}
        obligation: {kind: window, event: {type: hazard_found}, from: "2022-08-28", to: "2022-09-05"}
      - id: demo.ledger
        title: 隐患台账
        citation: {article: 五, text: 明确责任人和整改时限}
        applies_to: {kind: enterprise}
        in_force: {from: "2022-08-01"}
        obligation: {kind: completeness, event: {type: hazard_found}, required: [owner, deadline]}
      - id: demo.confined
        title: 有限空间作业
        citation: {article: 六, text: 七不准}
        applies_to: {kind: enterprise}
        in_force: {from: "2022-08-01"}
        obligation:
          kind: precondition
          event: {type: confined_space_work}
          requires: {attributes: {approved: true, watcher_present: true}}
    """)
    units = [unit("E1", kind="enterprise"), unit("E2", kind="enterprise"), unit("E3", kind="enterprise")]
    events = [
        event("h1", "E1", "hazard_found", "2022-09-05T23:00", attributes={"hazard_id": "A", "owner": "张三",
                                                                           "deadline": "2022-10-01"}),
        event("h2", "E2", "hazard_found", "2022-09-06", attributes={"hazard_id": "B", "owner": "李四"}),
        event("c1", "E1", "confined_space_work", "2022-09-01", attributes={"approved": "是", "watcher_present": True}),
        event("c2", "E2", "confined_space_work", "2022-09-01", attributes={"approved": True}),
    ]
    result = evaluate(units=units, events=events, rules=[pack], as_of="2022-12-01")
    assert [(f.rule_id, f.unit_id, f.status, f.actual) for f in result.findings] == [
        ("demo.confined", "E1", Status.SATISFIED, []),
        ("demo.confined", "E2", Status.VIOLATED, ["watcher_present"]),
        ("demo.ledger", "E1", Status.SATISFIED, []),
        ("demo.ledger", "E2", Status.VIOLATED, ["deadline"]),
        ("demo.window", "E1", Status.SATISFIED, 1),
        ("demo.window", "E2", Status.LATE, 0),
        ("demo.window", "E3", Status.VIOLATED, 0),
    ]


# -- determinism and the library surface -------------------------------------------------
def test_same_input_gives_same_findings_in_any_record_order():
    events = [event(f"e{i}", "PC", "safety_study_session", f"2022-{m:02d}-0{i % 9 + 1}") for i, m in
              enumerate([7, 8, 10, 11, 1], 1)]
    one = evaluate(units=[PC], events=events, as_of="2023-04-01").findings
    two = evaluate(units=[PC], events=list(reversed(events)), as_of="2023-04-01").findings
    assert one == two
    assert [f.rule_id for f in one] == sorted(f.rule_id for f in one)


def test_every_finding_names_rule_citation_and_message():
    from compliance.language import load_packs

    documents = {pack.id: pack.spec.document.number or pack.spec.document.title for pack in load_packs()}
    result = evaluate(units=[PC, DEPT], as_of="2023-04-01")
    assert {f.rule_id.split(".")[0] for f in result.findings} >= {"tonghua-2022-10"}
    for finding in result.findings:
        pack = finding.rule_id.split(".")[0]
        assert finding.citation.document == documents[pack] or pack == "national"
        assert finding.citation.article and finding.citation.text
        assert finding.message.endswith("。")


def test_coverage_counts_an_event_at_24_00_of_the_due_day():
    county = unit("GOV", kind="government", region="220521")
    restaurants = [unit(f"R{i}", kind="enterprise", region="220521", sectors="catering") for i in range(2)]
    events = [event("g0", "R0", "gas_alarm_installed", "2022-10-01T00:00:00+08:00"),
              event("g1", "R1", "gas_alarm_installed", "2022-09-30")]
    found = findings("tonghua-2022-10.t44-b", as_of="2023-01-01", units=[county, *restaurants], events=events)
    assert [(f.status, f.actual, f.evidence) for f in found] == [(Status.SATISFIED, "100.0% (2/2)", ("g0", "g1"))]
    events[0] = event("g0", "R0", "gas_alarm_installed", "2022-10-01T00:00:01+08:00")
    found = findings("tonghua-2022-10.t44-b", as_of="2023-01-01", units=[county, *restaurants], events=events)
    assert [(f.status, f.actual) for f in found] == [(Status.VIOLATED, "50.0% (1/2)")]


@pytest.mark.parametrize(("meeting", "minutes", "status"), [
    ("2022-08-01T09:00", "2022-08-16", Status.SATISFIED),        # day 15, a bare date: in time
    ("2022-08-01T09:00", "2022-08-16T23:59:59", Status.SATISFIED),
    ("2022-08-01T23:59", "2022-08-17T00:00:01", Status.LATE),
    ("2022-08-01", "2022-08-17", Status.LATE),
])
def test_a_limit_in_days_ends_at_24_00_of_the_last_day(meeting, minutes, status):
    events = [event("m1", "PC", "standing_committee_safety_meeting", meeting),
              event("f1", "PC", "minutes_forwarded", minutes, target_id="CITY", attributes={"meeting_id": "m1"})]
    found = findings("tonghua-2022-10.t07-b", as_of="2023-01-01", units=_offices(), events=events)
    assert [(f.status, f.due) for f in found] == [(status, "2022-08-17T00:00:00+08:00")]


@pytest.mark.parametrize(("ordered", "status"), [("2022-08-02T10:00:00", Status.SATISFIED),
                                                  ("2022-08-02T10:00:01", Status.LATE)])
def test_a_limit_in_hours_runs_between_instants(ordered, status):
    mall, fire = unit("MALL", kind="enterprise", tags="high_rise"), unit("FIRE", kind="department")
    events = [event("h1", "MALL", "hazard_found", "2022-08-01T02:00:00Z",  # 10:00 in Shanghai
                    attributes={"hazard_id": "H1", "category": "blocked_evacuation_route"}),
              event("o1", "FIRE", "rectification_ordered", ordered, attributes={"hazard_id": "H1"})]
    found = findings("tonghua-2022-10.t30", as_of="2023-01-01", units=[mall, fire], events=events)
    assert [(f.status, f.due, f.evidence) for f in found] == [(status, "2022-08-02T10:00:00+08:00", ("h1", "o1"))]


def test_other_members_exclude_the_days_a_person_is_principal():
    # The secretary is recorded as principal and as standing member: t10 binds "other" members only.
    people = [_person("sec", "principal", start="2022-08-16"), _person("sec", "standing_member"),
              _person("m", "standing_member")]
    found = findings("tonghua-2022-10.t10", as_of="2023-01-01", people=people)
    assert [(f.person_id, f.period, f.status) for f in found] == [
        ("m", "2022-Q3", Status.VIOLATED), ("m", "2022-Q4", Status.VIOLATED),
        ("sec", "2022-Q3", Status.EXEMPT)]  # 46 of 92 days as a member only: not a majority


def test_deadline_boundaries_at_the_evaluation_instant():
    # At 24:00 of the due day nothing more can be on time: violated, as a period is at its end.
    assert [f.status for f in findings("tonghua-2022-10.t06", as_of="2022-10-01T00:00:00")] == [Status.VIOLATED]
    assert [f.status for f in findings("tonghua-2022-10.t06", as_of="2022-09-30T23:59:59")] == [Status.OPEN]
    # An event at exactly the evaluation instant is known.
    found = findings("tonghua-2022-10.t06", as_of="2022-09-30T12:00:00",
                     events=[event("m1", "PC", "mechanism_established", "2022-09-30T12:00:00", attributes=DUTY)])
    assert [(f.status, f.evidence) for f in found] == [(Status.SATISFIED, ("m1",))]


def test_prior_event_needs_an_actor(make_pack):
    pack = make_pack("""\
      - id: demo.trained
        title: 有限空间作业
        citation: {article: 六, text: 作业人员经培训}
        applies_to: {kind: enterprise}
        in_force: {from: "2022-08-01"}
        obligation:
          kind: precondition
          event: {type: confined_space_work}
          requires: {prior: {type: training_passed}}
    """)
    units = [unit("E1", kind="enterprise")]
    events = [event("t1", "E1", "training_passed", "2022-08-01", actor_id="w1"),
              event("c1", "E1", "confined_space_work", "2022-09-01", actor_id="w1"),
              event("c2", "E1", "confined_space_work", "2022-09-01"),
              event("c3", "E1", "confined_space_work", "2022-09-01", actor_id="w2")]
    result = evaluate(units=units, events=events, rules=[pack], as_of="2022-12-01")
    assert [(f.person_id, f.subject_id, f.status, f.evidence) for f in result.findings] == [
        (None, "c2", Status.VIOLATED, ("c2",)),  # findings sort by person: none first
        ("w1", "c1", Status.SATISFIED, ("c1", "t1")),
        ("w2", "c3", Status.VIOLATED, ("c3",))]


def test_response_message_shows_bare_dates_as_days():
    events = [event("m1", "PC", "standing_committee_safety_meeting", "2022-08-01"),
              event("f1", "PC", "minutes_forwarded", "2022-08-20", target_id="CITY", attributes={"meeting_id": "m1"})]
    (found,) = findings("tonghua-2022-10.t07-b", as_of="2023-01-01", units=_offices(), events=events)
    assert found.message == ("通化县委党委常委会专题研究安全生产（m1，2022年8月1日）后应在15日内将会议纪要抄报上级安委会办公室，"
                             "于2022年8月20日完成（逾期落实）。")


def test_rules_sharing_a_selection_get_equal_but_separate_lists():
    """all_events is shared per context (Context.memo); a caller changing its list changes no other's."""
    from compliance.evaluation.context import Context, all_events
    from compliance.facts import Event, Facts, Unit
    from compliance.language.schema import Selector
    from compliance.timeline import parse_instant

    units = [Unit(**unit("A", kind="enterprise")), Unit(**unit("B", kind="enterprise"))]
    events = [Event(**event(f"h{i}", "AB"[i % 2], "hazard_found", f"2022-08-0{i + 1}T10:00",
                            attributes={"hazard_id": f"H{i}", "grade": "major" if i < 3 else "general"}))
              for i in range(5)]
    context = Context(Facts(units, (), events), parse_instant("2023-01-01").at)
    major = Selector(type=["hazard_found"], where={"grade": "major"})
    first = all_events(context, major)
    assert [e.event_id for e in first] == ["h0", "h1", "h2"]
    first.clear()
    assert [e.event_id for e in all_events(context, major)] == ["h0", "h1", "h2"]
    assert [e.event_id for e in all_events(context, major, units[:1])] == ["h0", "h2"]
    later = Context(context.facts, parse_instant("2022-08-02T12:00").at)  # another as-of: its own answers
    assert [e.event_id for e in all_events(later, major)] == ["h0", "h1"]


def test_at_risk_compares_whole_microseconds_without_overflow():
    """What is missing × the lead time against the time left: exact at the boundary, and a count of a
    billion events of a century each (which overflowed timedelta) is simply at risk."""
    from datetime import datetime, timedelta

    from compliance.evaluation.context import count_status
    from compliance.timeline import SHANGHAI

    as_of = datetime(2022, 9, 30, 0, 0, tzinfo=SHANGHAI)
    end = as_of + timedelta(days=2)
    assert count_status(0, 2, end, as_of, timedelta(days=1)) is Status.OPEN  # exactly fits
    assert count_status(0, 2, end, as_of, timedelta(days=1, microseconds=1)) is Status.AT_RISK
    assert count_status(1, 3, end, as_of, timedelta(days=1)) is Status.OPEN
    assert count_status(0, 10**9, end, as_of, timedelta(days=36_525)) is Status.AT_RISK
    assert count_status(0, 10**9, end, as_of, None) is Status.OPEN
    assert count_status(0, 1, as_of, as_of, timedelta(days=1)) is Status.VIOLATED  # over at as-of
