"""Loading rule packs: strict YAML, every error with its place and a suggestion."""

from __future__ import annotations

import pytest

from compliance import strictyaml
from compliance.errors import ErrorGroup, RuleError
from compliance.language import load_pack, load_packs, parse_override

GOOD_RULE = """\
  - id: demo.r1
    title: 集中学习
    citation: {article: 一, text: 每季度至少集中学习1次}
    applies_to: {kind: party_committee}
    in_force: {from: "2022-07-01"}
    obligation:
      kind: periodic
      event: {type: safety_study_session}
      period: quarter
"""


def errors_of(make_pack, text):
    with pytest.raises(ErrorGroup) as caught:
        load_pack(make_pack(text))
    return [(e.where.line, e.where.column, e.what, e.found, e.suggestion) for e in caught.value.errors]


def test_a_good_pack_loads(make_pack):
    pack = load_pack(make_pack(GOOD_RULE))
    (rule,) = pack.rules
    assert (rule.id, rule.kind, rule.citation.document) == ("demo.r1", "periodic", "测试〔2022〕1号")
    assert rule.source.line == 6 and rule.source.file.endswith("demo.yaml")
    assert len(pack.sha256) == 64


def test_unknown_key_duplicate_key_and_misspelled_type_are_reported_together(make_pack):
    text = GOOD_RULE.replace("      period: quarter\n", "      period: quarter\n      period: month\n")
    text = text.replace("safety_study_session", "safety_study_sesion")
    text = text.replace("    in_force:", "    frequency: quarterly\n    in_force:")
    found = errors_of(make_pack, text)
    assert found == [
        (10, 3, "unknown key", "frequency", None),
        (14, 19, "unknown event type", "safety_study_sesion", "safety_study_session"),
        (16, 5, "duplicate key 'period' (first given at line 15)", "period", None),
    ]


def test_unknown_key_suggests_the_closest_known_key(make_pack):
    found = errors_of(make_pack, GOOD_RULE.replace("citation:", "citaton:"))
    assert (8, 3, "unknown key", "citaton", "citation") in found
    assert any(what == "missing key 'citation'" for _, _, what, _, _ in found)


@pytest.mark.parametrize(("old", "new", "what", "found", "suggestion"), [
    ("kind: party_committee", "kind: party_comittee", "unknown unit kind", "party_comittee", "party_committee"),
    ("kind: periodic", "kind: periodik", "unknown obligation kind", "periodik", "periodic"),
    ("period: quarter", "period: quater", "not an allowed value", "quater", "quarter"),
    ("{type: safety_study_session}", "{type: safety_study_session, actor_role: principle}", "unknown role",
     "principle", "principal"),
])
def test_misspelled_names_get_the_closest_known_name(make_pack, old, new, what, found, suggestion):
    errors = errors_of(make_pack, GOOD_RULE.replace(old, new))
    assert [(w, f, s) for _, _, w, f, s in errors] == [(what, found, suggestion)]


def test_attribute_values_are_checked_against_the_vocabulary(make_pack):
    text = GOOD_RULE.replace("{type: safety_study_session}",
                             "{type: mechanism_established, where: {mechanism: duty_lst}}")
    assert [(w, f, s) for _, _, w, f, s in errors_of(make_pack, text)] == [
        ("not a value of attribute 'mechanism'", "duty_lst", "duty_list")]


def test_unquoted_dates_and_yes_no_are_refused(make_pack):
    text = GOOD_RULE.replace('{from: "2022-07-01"}', "{from: 2022-07-01}") + "    notes: yes\n"
    found = errors_of(make_pack, text)
    assert [(line, what.split(",")[0], value) for line, _, what, value, _ in found] == [
        (10, "a date or time must be quoted", "2022-07-01"),
        (15, "ambiguous plain value (YAML 1.1 reads it as a boolean)", "yes"),
    ]


def test_anchors_are_refused():
    with pytest.raises(RuleError, match="anchors and aliases"):
        strictyaml.loads("a: &x {b: 1}\nc: *x\n")


def test_yaml_syntax_error_has_a_position():
    with pytest.raises(RuleError) as caught:
        strictyaml.loads("a: [1, 2\nb: 3\n", "broken.yaml")
    assert caught.value.where.file == "broken.yaml" and caught.value.where.line == 2


PARAMETRISED = """\
  - id: demo.r2
    title: 抄报纪要
    citation: {article: 二, text: 会议纪要抄报上级安委会办公室}
    applies_to: {kind: party_committee}
    in_force: {from: "2022-07-01"}
    parameters:
      within: {value: P15D, policy: true, note: 文件未规定时限，默认15日为政策选择。}
    obligation:
      kind: response
      trigger: {type: standing_committee_safety_meeting}
      response: {type: minutes_forwarded}
      correlate: {meeting_id: event_id}
      within: $within
"""


def test_parameters_resolve_and_can_be_overridden(make_pack):
    path = make_pack(PARAMETRISED)
    (rule,) = load_pack(path).rules
    assert rule.obligation.within.days == 15
    assert [(p.name, p.value, p.policy, p.overridden) for p in rule.parameters] == [("within", "P15D", True, False)]
    (rule,) = load_pack(path, {"demo.r2": {"within": "P7D"}}).rules
    assert rule.obligation.within.days == 7 and rule.parameters[0].overridden


def test_overriding_an_unknown_parameter_or_rule_is_an_error(make_pack):
    path = make_pack(PARAMETRISED)
    with pytest.raises(ErrorGroup) as caught:
        load_pack(path, {"demo.r2": {"withn": "P7D"}})
    assert caught.value.errors[0].suggestion == "within"
    with pytest.raises(ErrorGroup) as caught:
        load_packs([path], {"demo.r3": {"within": "P7D"}})
    assert caught.value.errors[0].suggestion == "demo.r2"


def test_an_overridden_value_is_validated_like_the_default(make_pack):
    with pytest.raises(ErrorGroup) as caught:
        load_pack(make_pack(PARAMETRISED), {"demo.r2": {"within": "P1M"}})
    assert "years and months have no fixed length" in caught.value.errors[0].what


def test_unknown_and_unused_parameters_are_errors(make_pack):
    text = PARAMETRISED.replace("within: $within", "within: $withn")
    found = errors_of(make_pack, text)
    assert [(w, f, s) for _, _, w, f, s in found] == [
        ("parameter declared but not used in the obligation", "within", None),
        ("unknown parameter", "$withn", "within"),
    ]


def test_rule_ids_start_with_the_pack_id_and_are_unique(make_pack):
    found = errors_of(make_pack, GOOD_RULE + GOOD_RULE.replace("demo.r1", "other.r1") + GOOD_RULE)
    assert [(w, f) for _, _, w, f, _ in found] == [
        ("a rule id starts with its pack id 'demo.'", "other.r1"),
        ("duplicate rule id (first at rule 1)", "demo.r1"),
    ]


def test_parse_override():
    assert parse_override("tonghua-2022-10.t30.within=PT2H") == ("tonghua-2022-10.t30", "within", "PT2H")
    assert parse_override('a.b.c=[{"label": "x", "from": "2022-10-01", "to": "2022-10-07"}]')[2][0]["label"] == "x"
    with pytest.raises(RuleError):
        parse_override("no-equals-sign")


def test_shipped_packs_load_and_cite_their_articles():
    packs = {pack.id: pack for pack in load_packs()}
    assert sorted(packs) == ["district-2023", "henan-hkk-2022", "jilin-rf-2022-80", "national", "taonan-mz-2022", "tonghua-2022-10"]
    pack = packs["tonghua-2022-10"]
    ids = {rule.id for rule in pack.rules}
    for row in ("t02", "t04", "t06", "t07-a", "t07-b", "t08", "t09", "t10", "t12-a", "t12-b", "t13-a", "t13-b",
                "t14-a", "t14-b", "t14-c", "t15", "t16-a", "t16-b", "t17", "t18", "t21", "t23", "t28-a", "t28-b",
                "t30", "t40-a", "t40-b", "t44-a", "t44-b", "t56", "plan-a", "plan-b", "plan-c"):
        assert f"tonghua-2022-10.{row}" in ids
    for rule in pack.rules:
        assert rule.citation.document == "通安委〔2022〕10号" and rule.citation.article and rule.citation.text
        for parameter in rule.parameters:
            assert parameter.note, rule.id
            if parameter.policy:
                assert "政策选择" in parameter.note, rule.id


def test_attribute_names_in_correlate_requires_and_required_are_checked(make_pack):
    text = PARAMETRISED.replace("correlate: {meeting_id: event_id}", "correlate: {meeting: event_ids}")
    found = errors_of(make_pack, text)
    assert [(w.split(" have")[0], f, s) for _, _, w, f, s in found] == [
        ("events of type minutes_forwarded", "meeting", "meeting_id"),
        ("events of type standing_committee_safety_meeting", "event_ids", "event_id"),
    ]
    ledger = """\
  - id: demo.ledger
    title: 隐患台账
    citation: {article: 五, text: 明确责任人和整改时限}
    applies_to: {kind: enterprise, person: {employment: dispached}}
    in_force: {from: "2022-08-01"}
    obligation: {kind: completeness, event: {type: hazard_found}, required: [owner, dedline]}
"""
    found = errors_of(make_pack, ledger)
    assert [(w, f, s) for _, _, w, f, s in found] == [
        ("not a value of person attribute 'employment'", "dispached", "dispatched"),
        ("events of type hazard_found have no attribute or field", "dedline", "deadline"),
    ]


def test_a_limit_is_written_out_as_the_rule_wrote_it_and_reads_back_the_same():
    """PT24H (between instants) is not P1D (calendar days): the JSON form keeps them apart."""
    rules = {rule.id: rule for pack in load_packs(None) for rule in pack.rules}
    hours, days = rules["tonghua-2022-10.t30"].obligation, rules["tonghua-2022-10.t07-b"].obligation
    assert (hours.model_dump(mode="json")["within"], hours.by_days) == ("PT24H", False)
    assert (days.model_dump(mode="json")["within"], days.by_days) == ("P15D", True)
    for obligation in (hours, days):
        assert type(obligation).model_validate(obligation.model_dump(mode="json")) == obligation


@pytest.mark.parametrize(("old", "new", "line", "what"), [
    ('in_force: {from: "2022-07-01"}', 'in_force: {from: "2022-07-01", to: "2022-06-30"}', 10,
     "in force until 2022-06-30, before it comes into force (2022-07-01)"),
    ("kind: periodic\n      event: {type: safety_study_session}\n      period: quarter",
     'kind: window\n      event: {type: safety_study_session}\n      from: "2022-09-30"\n      to: "2022-09-01"', 12,
     "the window ends (2022-09-01) before it starts (2022-09-30)"),
    ("kind: periodic\n      event: {type: safety_study_session}\n      period: quarter",
     "kind: completeness\n      event: {type: hazard_found}\n      required: []", 14,
     "Tuple should have at least 1 item after validation, not 0"),
    ("kind: periodic\n      event: {type: safety_study_session}\n      period: quarter",
     "kind: ban\n      tenure: {role: principal}\n      after: {type: sanction}\n      years: 1000", 15,
     "Input should be less than or equal to 100"),
    ("kind: periodic\n      event: {type: safety_study_session}\n      period: quarter",
     "kind: response\n      trigger: {type: hazard_found}\n      response: {type: hazard_rectified}\n"
     "      correlate: {hazard_id: hazard_id}\n      within: P99999999D", 16,
     "cannot read 'P99999999D' as a duration: longer than 100 years (36,525 days)"),
])
def test_spans_and_lists_that_cannot_mean_anything_are_refused_where_written(make_pack, old, new, line, what):
    """Each would have evaluated to nonsense (an empty window, a rule never in force) or crashed (a limit of
    273,000 years overflows the calendar), whatever the records say."""
    assert old in GOOD_RULE
    found = errors_of(make_pack, GOOD_RULE.replace(old, new))
    assert [(at, message) for at, _, message, _, _ in found] == [(line, what)]


def test_a_jurisdiction_or_filter_region_must_be_a_division_code(make_pack):
    """A mistyped code would bind no unit, and every rule of the pack would say nothing."""
    found = errors_of(make_pack, GOOD_RULE.replace("applies_to: {kind: party_committee}",
                                                   'applies_to: {kind: party_committee, regions: ["2205OO"]}'))
    assert [(line, what) for line, _, what, _, _ in found] == [
        (9, "'2205OO' is not an administrative division code (GB/T 2260: 6 digits, or 9 or 12 for a township "
            "or a village)")]
