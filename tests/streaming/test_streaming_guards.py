"""Each measured limit of durable-rules has a guard, and each guard is tested at its limit.

``../shared/notes/durable-rules.md``: fact identity is a 32-bit hash; errors in
actions are swallowed; at most 1024 live sessions per ruleset; past ~511 literal
values on one field it hangs; a message no rule takes raises; a posted event is
consumed by the first rule. And one found here: deleting a session in which no
action ever ran crashes the process.
"""

from __future__ import annotations

import gc
import importlib.util
import itertools
import subprocess
import sys
from datetime import datetime, timedelta
from textwrap import dedent

import pytest

pytest.importorskip("durable")

from compliance.api import evaluate
from compliance.errors import RecordError
from compliance.language import load_packs
from compliance.language.schema import OBLIGATION_KINDS
from compliance.records import (
    facts_from_records,
    load_export,
)
from compliance.streaming import Monitor, OutOfOrderEvent, StreamingError
from compliance.streaming.desk import finding_order
from compliance.streaming.engine import (
    HARD_SESSION_LIMIT,
    SLOT_NAMES,
    Engine,
    Session,
    engine,
    fnv1a32,
)
from compliance.streaming.followers import FOLLOWERS, RetainedFollower
from compliance.streaming.network import (
    KNOWN_FIELDS,
    LITERAL_BUDGET,
    Network,
    Role,
    check_literals,
)
from tests.conftest import ROOT, event, unit
from tests.streaming.helpers import FIXTURES, assert_agrees, in_order, master_of

# Ids that all have one FNV-1a hash (durable-rules' message identity): "x" and a choice from each pair.
# If hash("x" + a) == hash("x" + b), appending the same text keeps them equal, so the choices chain.
_PAIRS = [("211b.", "43d78."), ("289bb.", "63848."), *[("1c28c.", "582f0."), ("398eb.", "72938.")] * 3]
COLLIDING = ["x" + "".join(choice) for choice in itertools.product(*_PAIRS)]


def test_the_colliding_ids_share_one_hash():
    assert len(COLLIDING) == 256 and len({fnv1a32(ident) for ident in COLLIDING}) == 1


def test_session_ids_have_distinct_hashes():
    assert len(SLOT_NAMES) == HARD_SESSION_LIMIT and len({fnv1a32(name) for name in SLOT_NAMES}) == HARD_SESSION_LIMIT


# -- fact identity -------------------------------------------------------------------------
JOIN = {
    "open": {"all": [{"m": {"k": "open"}}], "run": "open"},
    "answer": {"all": [{"p": {"k": "pending"}}, {"r": {"$and": [{"k": "response"}, {"c0": {"p": "c0"}}]}}],
               "run": "answer"},
}


def _scripted(monkeypatch, eng: Engine, ids):
    ids = iter(ids)
    fresh = eng._next_id
    monkeypatch.setattr(eng, "_next_id", lambda: next(ids, None) or fresh())


def test_durable_rules_loses_a_colliding_fact_without_the_guard():
    eng = engine()
    name = eng.register(JOIN, "test.raw-collision")
    host = eng._host
    host.post(name, {"sid": "raw", "id": "o", "k": "open"})
    host.assert_fact(name, {"sid": "raw", "id": COLLIDING[0], "k": "pending", "c0": "a"})
    with pytest.raises(eng._durable.MessageObservedException):
        host.assert_fact(name, {"sid": "raw", "id": COLLIDING[1], "k": "pending", "c0": "b"})
    assert [fact["c0"] for fact in host.get_facts(name, "raw")] == ["a"]  # "b" is lost
    host.delete_state(name, "raw")


def test_a_forced_collision_is_sent_again_and_nothing_is_lost(monkeypatch):
    eng = engine()
    name = eng.register(JOIN, "test.collision")
    session = Session(name, "collision")
    before = eng.stats.collisions
    # "open", then fact A, then fact B under an id that collides with A's: B is sent again under a fresh id
    _scripted(monkeypatch, eng, ["o1", COLLIDING[0], COLLIDING[1]])
    eng.send(session, "assert", {"k": "pending", "c0": "a"}, key="A")
    eng.send(session, "assert", {"k": "pending", "c0": "b"}, key="B")
    assert eng.stats.collisions == before + 1
    assert session.ids["B"] not in COLLIDING
    matches = eng.send(session, "assert", {"k": "response", "c0": "b"}, key="R")
    assert [frames["p"]["c0"] for name_, frames in matches if name_ == "answer"] == ["b"]
    eng.retract(session, "A")  # retracting A (whose hash B would have shared) leaves B
    assert sorted(fact["c0"] for fact in eng._host.get_facts(name, session.slot)) == ["b", "b"]
    eng.release(session)


def test_a_monitor_whose_every_other_id_collides_agrees_with_the_reference(monkeypatch):
    eng = engine()
    loaded = load_export(FIXTURES / "tonghua-2022")
    before = eng.stats.collisions
    colliding = (ident + f"#{round_}" for round_ in itertools.count() for ident in COLLIDING)
    fresh = eng._next_id
    turn = itertools.count()
    monkeypatch.setattr(eng, "_next_id", lambda: next(colliding) if next(turn) % 2 else fresh())
    assert_agrees(loaded, loaded.facts.events.values(), ["2022-10-01", "2023-04-01"])
    assert eng.stats.collisions > before + 20  # collided, was sent again, and the findings are all there


# -- errors in actions -------------------------------------------------------------------------
TWO_UNITS = [unit("PC"), unit("GOV", kind="government")]


def test_an_error_in_an_action_reaches_the_caller_and_stops_the_monitor(monkeypatch):
    monitor = Monitor(units=TWO_UNITS, rules_only=["tonghua-2022-10.t02"])
    record = Engine._record

    def failing(self, name, frames):
        if name.startswith("select."):
            raise RuntimeError("boom in an action")
        record(self, name, frames)

    monkeypatch.setattr(Engine, "_record", failing)
    with pytest.raises(StreamingError, match="raised RuntimeError") as caught:
        monitor.feed(event("e1", "PC", "safety_study_session", "2022-08-01T09:00"))
    assert isinstance(caught.value.__cause__, RuntimeError)
    monkeypatch.setattr(Engine, "_record", record)
    with pytest.raises(StreamingError, match="stopped after an error"):
        monitor.advance_to("2022-10-01")
    monitor.close()


def test_an_error_kept_in_the_session_state_is_raised_too(monkeypatch):
    eng = engine()

    def unguarded(name):  # an action durable-rules runs without the monitor's wrapper
        def run(closure):
            raise ValueError("swallowed by durable-rules")
        return run

    monkeypatch.setattr(eng, "_action", unguarded)  # a definition of its own: its actions are bound to it
    name = eng.register({"open": {"all": [{"m": {"k": "open"}}], "run": "open"},
                         "unguarded": {"all": [{"m": {"k": "unguarded"}}], "run": "unguarded"}}, "test.unguarded")
    session = Session(name, "unguarded")
    with pytest.raises(StreamingError, match="failed inside durable-rules") as caught:
        eng.send(session, "post", {"k": "open"})
    assert "swallowed by durable-rules" in str(caught.value)
    eng.release(session)


def test_a_message_no_rule_takes_is_an_error_not_a_silent_drop():
    eng = engine()
    name = eng.register({"open": {"all": [{"m": {"k": "open"}}], "run": "open"},
                         "other": {"all": [{"m": {"k": "other"}}], "run": "other"}}, "test.unhandled")
    session = Session(name, "unhandled")
    with pytest.raises(StreamingError, match="has no rule"):
        eng.send(session, "post", {"k": "select"})
    eng.release(session)


# -- time -------------------------------------------------------------------------------------
def test_an_event_older_than_the_clock_is_refused_and_the_monitor_goes_on():
    with Monitor(units=TWO_UNITS, rules_only=["tonghua-2022-10.t02"]) as monitor:
        monitor.feed(event("e2", "PC", "safety_study_session", "2022-08-02T09:00"))
        with pytest.raises(OutOfOrderEvent, match="older than the monitor's clock") as caught:
            monitor.feed(event("e1", "PC", "safety_study_session", "2022-08-01T09:00"))
        assert "e1" in str(caught.value) and "2022-08-02T09:00:00+08:00" in str(caught.value)
        monitor.feed(event("e3", "PC", "safety_study_session", "2022-08-02T09:00"))  # the same instant: fine
        [q3] = monitor.advance_to("2022-10-01")
        assert (q3.period, q3.status.value, q3.evidence) == ("2022-Q3", "satisfied", ("e2", "e3"))
        with pytest.raises(OutOfOrderEvent, match="older"):  # complete up to and including 2022-10-01T00:00
            monitor.feed(event("e4", "PC", "safety_study_session", "2022-10-01T00:00"))
        monitor.feed(event("e5", "PC", "safety_study_session", "2022-10-01T00:00:00.000001"))
        with pytest.raises(OutOfOrderEvent, match="cannot go back"):
            monitor.advance_to("2022-09-01")


def test_repeated_events_are_merged_and_reused_ids_refused():
    with Monitor(units=TWO_UNITS, rules_only=["tonghua-2022-10.t02"]) as monitor:
        first = event("e1", "PC", "safety_study_session", "2022-08-01T09:00")
        monitor.feed(first)
        assert monitor.feed(dict(first)) == []
        with pytest.raises(RecordError, match="duplicate"):
            monitor.feed({**first, "occurred_at": "2022-08-01T10:00"})
        with pytest.raises(RecordError, match="does not exist"):
            monitor.feed(event("e9", "NOWHERE", "safety_study_session", "2022-08-01T10:00"))
        [q3] = monitor.advance_to("2022-10-01")
        assert q3.evidence == ("e1",)


# -- sessions ---------------------------------------------------------------------------------
RESPONSE_PACK = """\
  - id: demo.answer
    title: 答复
    citation: {article: 第1条, text: 应在3日内答复。}
    applies_to: {kind: enterprise}
    in_force: {from: "2022-01-01"}
    obligation:
      kind: response
      trigger: {type: hazard_found}
      response: {type: rectification_ordered}
      correlate: {hazard_id: hazard_id}
      within: P3D
"""


def test_2000_units_stream_through_without_reaching_the_session_limit(make_pack):
    pack = make_pack(RESPONSE_PACK)
    units = [unit(f"U{index:04d}", kind="enterprise", level=None) for index in range(2000)]
    events = []
    for index in range(2000):  # 2,000 open triggers at once (one session each), then the answers
        found = datetime(2022, 3, 1, 8) + timedelta(minutes=index)
        events.append(event(f"H{index}", f"U{index:04d}", "hazard_found", found.isoformat(),
                            attributes={"hazard_id": f"Z{index}"}))
        if index % 3:
            answered = found + timedelta(days=2 + index % 5)
            events.append(event(f"R{index}", f"U{index:04d}", "rectification_ordered", answered.isoformat(),
                                attributes={"hazard_id": f"Z{index}"}))
    loaded = facts_from_records(units=units, events=events)
    eng = engine()
    evictions = eng.stats.evictions
    replay = assert_agrees(loaded, loaded.facts.events.values(), ["2022-03-02", "2022-04-01"], rules=[pack],
                           session_limit=100)
    network = next(name for name in eng._pools if name.startswith("demo.answer#"))
    assert eng.stats.max_live[network] == 100  # the pool was full, and never more
    assert eng.stats.evictions > evictions + 1000 and eng.stats.rebuilds > 0
    statuses = sorted({finding.status.value for finding in replay.given})
    assert statuses == ["late", "satisfied", "violated"]


def test_the_shipped_packs_on_2000_generated_units_stay_within_the_pool(tmp_path):
    generate = _generator()
    generate.Generator(2000, 8000, 7, 0).write(tmp_path)
    loaded = load_export(tmp_path)
    assert len(loaded.facts.units) == 2000
    eng = engine()
    assert_agrees(loaded, loaded.facts.events.values(), ["2023-07-01"])
    assert max(eng.stats.max_live.values()) <= 256


def _generator():
    spec = importlib.util.spec_from_file_location("benchmark_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_session_limits_past_what_durable_rules_allows_are_refused():
    eng = engine()
    name = eng.register(JOIN, "test.limits")
    with pytest.raises(StreamingError, match="out of range"):
        eng.limit(name, 1024)
    eng.limit(name, HARD_SESSION_LIMIT)


# -- literal values ------------------------------------------------------------------------------
def _category_rule(make_pack, values: int):
    categories = ", ".join(f"c{index}" for index in range(values))
    path = make_pack(f"""\
  - id: demo.forbidden
    title: 禁止情形
    citation: {{article: 第1条, text: 禁止。}}
    applies_to: {{kind: enterprise}}
    in_force: {{from: "2022-01-01"}}
    obligation:
      kind: prohibition
      event: {{type: hazard_found, where: {{category: [{categories}]}}}}
""", name=f"literals-{values}.yaml")
    return path, load_packs([path])[0].rules[0]


def test_a_field_at_the_literal_budget_is_tested_in_the_network(make_pack):
    path, rule = _category_rule(make_pack, LITERAL_BUDGET)
    counts = check_literals(Network(rule, [Role("event", rule.obligation.event, rule.applies_to)]).definition)
    assert counts["w_category"] == LITERAL_BUDGET
    units = [unit("QY", kind="enterprise", level=None)]
    events = [event(f"E{index}", "QY", "hazard_found", f"2022-03-0{1 + index}T09:00",
                    attributes={"hazard_id": f"Z{index}", "category": category})
              for index, category in enumerate([f"c{LITERAL_BUDGET - 1}", "c9999", "c0"])]
    loaded = facts_from_records(units=units, events=events)
    replay = assert_agrees(loaded, loaded.facts.events.values(), ["2022-04-01"], rules=[path])
    assert sorted(f.subject_id for f in replay.given if f.status.value == "violated") == ["E0", "E2"]


def test_past_the_literal_budget_the_test_moves_out_of_the_network_and_nothing_hangs(make_pack, tmp_path):
    values = 2 * LITERAL_BUDGET + 100  # durable-rules hangs past ~511 literal values on one field
    path, rule = _category_rule(make_pack, values)
    counts = check_literals(Network(rule, [Role("event", rule.obligation.event, rule.applies_to)]).definition)
    assert "w_category" not in counts and max(counts.values()) <= LITERAL_BUDGET
    script = tmp_path / "literals.py"
    script.write_text(dedent(f"""\
        from compliance.streaming import Monitor
        monitor = Monitor(units=[{{"unit_id": "QY", "name": "QY", "kind": "enterprise"}}], rules=[{str(path)!r}])
        at_once = monitor.feed({{"event_id": "E1", "unit_id": "QY", "type": "hazard_found",
                                "occurred_at": "2022-03-01T09:00", "attributes": {{"category": "c{values - 1}"}}}})
        later = monitor.feed({{"event_id": "E2", "unit_id": "QY", "type": "hazard_found",
                              "occurred_at": "2022-03-01T10:00", "attributes": {{"category": "none of them"}}}})
        print([(f.subject_id, f.status.value) for f in at_once], later, monitor.advance_to("2022-03-02"))
    """), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], check=False, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": f"{ROOT / 'src'}:{ROOT}", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[('E1', 'violated')] [] []"  # a prohibited event is a breach at once


def test_a_network_past_the_budget_is_refused():
    definition = {"r": {"all": [{"m": {"$or": [{"v": f"x{index}"} for index in range(LITERAL_BUDGET + 1)]}}]}}
    with pytest.raises(StreamingError, match="literal values"):
        check_literals(definition)


# -- the translation knows the language ------------------------------------------------------------
def test_the_network_translates_every_field_of_selectors_and_unit_filters():
    for model, known in KNOWN_FIELDS.items():
        assert set(model.model_fields) <= known, f"{model.__name__}: translate {set(model.model_fields) - known}"


def test_every_obligation_kind_has_a_follower_and_none_is_kept_for_evaluation_on_demand():
    on_demand = set(OBLIGATION_KINDS) - set(FOLLOWERS)
    assert on_demand == set(), "a new kind: write its follower, or accept it is evaluated on demand"
    with Monitor(units=TWO_UNITS) as monitor:  # every shipped rule followed incrementally: no history kept
        assert not any(isinstance(follower, RetainedFollower) for follower in monitor._followers)
        assert monitor._desk.keeps_history is False and monitor.stats["history"] == 0


def test_a_kind_without_a_follower_is_kept_and_evaluated_on_demand(monkeypatch):
    """RetainedFollower, for a kind added to the language before its follower: still the reference's findings."""
    monkeypatch.setattr("compliance.streaming.monitor.FOLLOWERS",
                        {kind: follower for kind, follower in FOLLOWERS.items() if kind != "chain"})
    loaded = load_export(FIXTURES / "taonan-2022")
    rules = ["taonan-mz-2022.close-loop-b"]
    with Monitor(facts=master_of(loaded), rules_only=rules) as monitor:
        given = [finding for event in in_order(loaded.facts.events.values()) for finding in monitor.feed(event)]
        given += monitor.advance_to("2022-12-01")
        assert given == [] and monitor.stats["history"] > 0  # kept, never given early
        findings = monitor.findings()
    reference = evaluate(loaded, as_of="2022-12-01", rules_only=rules).findings
    assert len(findings) > 10 and findings == sorted(reference, key=finding_order)


def test_every_shipped_rule_compiles_into_a_network_within_the_budget():
    monitor = Monitor(units=TWO_UNITS)
    try:
        assert {follower.rule.id for follower in monitor._followers} == {rule.id for rule in monitor.rules}
        for follower in monitor._followers:
            assert max(check_literals(follower.network.definition).values()) <= LITERAL_BUDGET
    finally:
        monitor.close()


def test_an_unclosed_monitor_gives_its_sessions_back_when_collected():
    monitor = Monitor(units=TWO_UNITS, rules_only=["tonghua-2022-10.t02"])
    monitor.feed(event("e1", "PC", "safety_study_session", "2022-08-01T09:00"))
    sessions = list(monitor._desk.sessions.values())
    assert any(session.slot is not None for session in sessions)
    del monitor
    gc.collect()
    assert all(session.slot is None for session in sessions)


def test_master_data_with_events_is_refused():
    loaded = load_export(FIXTURES / "tonghua-2022")
    with pytest.raises(Exception, match="holds events"):
        Monitor(facts=loaded)
    Monitor(facts=master_of(loaded)).close()


def test_values_durable_rules_would_confuse_are_tested_in_python():
    from compliance.facts import Event, Facts, Unit
    from compliance.language.schema import Selector

    selector = Selector(type=("hazard_found",), where={"listed": True, "grade": "major", "deadline": None})
    network = Network(load_packs()[0].rules[0], [Role("event", selector)])
    counts = check_literals(network.definition)
    assert counts["w_grade"] == 1  # text: compared in the network
    assert "w_listed" not in counts and "w_deadline" not in counts  # durable-rules finds 1 == true == "1"
    facts = Facts([Unit(**unit("QY", kind="enterprise", level=None))])
    listed = Event(**event("E1", "QY", "hazard_found", "2022-03-01", attributes={"listed": True, "grade": "major"}))
    message = network.message("event", listed, facts)
    assert message["w_grade"] == "major" and [message["f0"], message["f1"]] == [True, True]
    numbered = Event(**event("E2", "QY", "hazard_found", "2022-03-01", attributes={"grade": "major", "listed": False}))
    assert network.message("event", numbered, facts)["f0"] is False
