"""Generate docs/accountability.md from the shipped rule packs, so that the page cannot drift.

Run from anywhere:

    python docs/_generate_accountability.py          # rewrite docs/accountability.md
    python docs/_generate_accountability.py --check  # exit 1 if docs/accountability.md is out of date

The tables (ladders, grades, reporting limits, chains, bans, sanctions, the reach of t24,
policy defaults) are read from the packs in ``src/compliance/rules/``; the prose around
them is written here. The output is a pure function of the packs and of this file: the
same input always gives the same bytes (no date, no machine path, packs in file order,
rules in pack order).
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT / "src"))

from _markdown import cell, table, write_or_check  # noqa: E402
from compliance.language import load_packs  # noqa: E402
from compliance.language.compile import CompiledRule, Pack  # noqa: E402
from compliance.language.schema import Chain, ChainStep, Ladder, Reach, Selector  # noqa: E402
from compliance.timeline import format_duration  # noqa: E402
from compliance.vocabulary import VOCABULARY  # noqa: E402

OUTPUT = DOCS / "accountability.md"
ACCOUNTABILITY_KINDS = ("grading", "chain", "ban", "sanction")
#: Response rules that belong to accountability: those an accident, a report or a concealment
#: starts (493号令, t61), and the 挂牌督办 of major hazards.
ACCIDENT_TRIGGERS = ("accident", "accident_reported", "casualties_changed", "accident_concealment_found",
                     "accident_false_report_found")

_REACH_WORDS = {
    "unit": "the unit of the cause",
    "actor": "the person who acted (the event's `actor_id`)",
    "unit_principal": "that unit's principal on the day",
    "territorial": "属地 units",
    "territorial_principals": "the principals of those 属地 units",
    "leaders_in_charge": "the deputies in charge of the industry (分管领导)",
    "supervising_departments": "the departments supervising the industry",
}


# -- small renderers -----------------------------------------------------------------------
def _duration(value: timedelta, by_days: bool = True) -> str:
    return f"`{format_duration(value, by_days=by_days)}`"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(item, dict) for item in value):
            return "; ".join(", ".join(f"{k}: {v}" for k, v in item.items()) for item in value)
        return "`[" + ", ".join(str(item) for item in value) + "]`"
    return f"`{value}`"


def _types(names: tuple[str, ...]) -> str:
    return " / ".join(f"`{name}` {VOCABULARY.zh('event_types', name)}" for name in names)


def _selector(selector: Selector) -> str:
    text = _types(selector.type)
    if selector.where:
        text += " where " + ", ".join(f"{name} = {_value(value)}" for name, value in selector.where.items())
    if selector.target is not None:
        target = selector.target
        parts = [f"kind {_value(target.kind)}" if target.kind else "", f"level {_value(target.level)}" if target.level else "",
                 "territorial" if target.territorial else ""]
        text += " to a unit of " + ", ".join(part for part in parts if part)
    return text


def _step_zh(ladders: dict[str, Ladder], ladder: str, step: str) -> str:
    for candidate in ladders[ladder].steps:
        if candidate.step == step:
            return candidate.zh
    return step


def _reach(ladders: dict[str, Ladder], reach: Reach) -> str:
    who = _REACH_WORDS[reach.to]
    details = []
    if reach.kinds:
        details.append("kinds " + ", ".join(f"`{kind}`" for kind in reach.kinds))
    if reach.levels:
        details.append("levels " + ", ".join(f"`{level}`" for level in reach.levels))
    if details:
        who += " (" + "; ".join(details) + ")"
    return f"`{reach.to}`: {who} → {reach.ladder} · {_step_zh(ladders, reach.ladder, reach.step)}"


def _rules(packs: list[Pack]) -> list[CompiledRule]:
    return [rule for pack in packs for rule in pack.rules]


def _is_accountability(rule: CompiledRule) -> bool:
    if rule.kind in ACCOUNTABILITY_KINDS:
        return True
    if rule.kind != "response":
        return False
    trigger = rule.obligation.trigger
    return bool(set(trigger.type) & set(ACCIDENT_TRIGGERS)) or (
        "hazard_found" in trigger.type and trigger.where.get("grade") == "major"
        and "hazard_supervised" in rule.obligation.response.type)


# -- sections ------------------------------------------------------------------------------
def _ladders(ladders: dict[str, Ladder]) -> list[str]:
    out: list[str] = []
    for ladder in ladders.values():
        out += [f"### `{ladder.ladder}` {ladder.zh}", "", f"Who climbs it: {ladder.applies_to}.", ""]
        out += table(["level", "step", "中文", "consequences (in decisions)", "source"],
                      [[index, f"`{step.step}`", step.zh + (" (policy)" if step.policy else ""),
                        "; ".join(step.consequences) or f"({step.zh})", step.source]
                       for index, step in enumerate(ladder.steps, 1)])
    return out


def _grades(rules: list[CompiledRule]) -> list[str]:
    out: list[str] = []
    for rule in rules:
        if rule.kind != "grading":
            continue
        grades = rule.obligation.grades
        criteria = list(dict.fromkeys(name for grade in grades for name in grade.at_least))
        rows = []
        for grade in grades:
            cells = [f"≥ {grade.at_least[name]:,}".replace(",", " ") if name in grade.at_least else "below every threshold"
                     for name in criteria]
            rows.append([f"`{grade.grade}` {VOCABULARY.zh('accident_grades', grade.grade)}", *cells])
        out += [(f"`{rule.id}` ({rule.citation.document} {rule.citation.article}), worst first; the first row any "
                 "criterion reaches is the grade:"), ""]
        out += table(["grade", *[f"`{name}`" for name in criteria]], rows)
    return out


def _reporting(rules: list[CompiledRule]) -> list[str]:
    rows = []
    for rule in rules:
        if rule.kind != "response" or not _is_accountability(rule):
            continue
        obligation = rule.obligation
        extra = []
        if obligation.from_target:
            extra.append("owed by the unit that received the trigger")
        if obligation.up_to:
            extra.append("only while that unit is below " + ", ".join(
                f"{grade} → `{level}`" for grade, level in obligation.up_to.items()))
        if obligation.since is not None:
            since = obligation.since
            limit = f"only if it happens within {_duration(since.within)} of the `{since.key}`'s {_types(since.type)}"
            for exception in since.unless:
                limit += "; " + ", ".join(f"{k} {_value(v)}" for k, v in exception.where.items()) + \
                         f": {_duration(exception.within)}"
            extra.append(limit)
        if not obligation.same_unit and not obligation.from_target:
            extra.append("the response may be recorded by any unit")
        rows.append([f"`{rule.id}`", f"{rule.citation.document or ''} {rule.citation.article}".strip(),
                     _selector(obligation.trigger), _selector(obligation.response),
                     "correlated on " + ", ".join(f"`{k}`" for k in obligation.correlate),
                     _duration(obligation.within, obligation.by_days),
                     "; ".join(extra)])
    return table(["rule", "source", "trigger", "response", "same subject", "within", "notes"], rows)


def _chain_due(step: ChainStep) -> str:
    if step.by.attribute is not None:
        return f"by the starting event's `{step.by.attribute}`"
    anchor = "the start" if step.by.after == "start" else f"`{step.by.after}`"
    return f"within {_duration(step.by.within)} after {anchor}"


def _chains(rules: list[CompiledRule]) -> list[str]:
    out: list[str] = []
    for rule in rules:
        if rule.kind != "chain":
            continue
        chain: Chain = rule.obligation
        out += [f"### `{rule.id}` {rule.title}", "",
                (f"Source: {rule.citation.document or rule.pack} {rule.citation.article}. Starts at "
                 f"{_selector(chain.start)}; the subject is its `{chain.key}`."), ""]
        rows = []
        for step in chain.steps:
            rows.append([f"`{step.id}`", step.title, _types(step.owe.type), _chain_due(step),
                         f"`{step.if_failed}` failed" if step.if_failed else "always",
                         _types(step.unless.type) if step.unless else "",
                         "its unit" if step.same_unit else "any unit",
                         "yes" if step.in_order and step.by.after != "start" else ""])
        out += table(["step", "中文", "owes", "due", "owed when", "exempt if first", "recorded by",
                       "only after the step it follows"], rows)
    return out


def _bans(rules: list[CompiledRule]) -> list[str]:
    rows = []
    for rule in rules:
        if rule.kind != "ban":
            continue
        ban = rule.obligation
        span = f"{ban.years} years (to the anniversary, exclusive)" if ban.years else "for life"
        scope = "units whose sectors include the accident's industry" if ban.same_industry else "any bound unit"
        after = _selector(ban.after) + (f", of an accident graded {_value(ban.incident)}" if ban.incident else "")
        rows.append([f"`{rule.id}`", f"{rule.citation.document} {rule.citation.article}", after,
                     f"role `{ban.tenure.role}`", span, scope])
    return table(["rule", "source", "after (its actor is banned)", "forbidden", "for", "where"], rows)


def _sanctions(rules: list[CompiledRule], ladders: dict[str, Ladder]) -> list[str]:
    rows = []
    for rule in rules:
        if rule.kind != "sanction" or rule.id.split(".")[-1].startswith("policy-"):
            continue
        when = rule.obligation.when
        if when.event is not None:
            cause = _selector(when.event)
            if when.grade:
                cause += f", an accident graded {_value(when.grade)}"
        else:
            trigger = when.findings
            cause = f"findings of {_value(trigger.rules)}" + (f" step {_value(trigger.step)}" if trigger.step else "") + \
                    f" with status {_value(trigger.status)}" + (f", at least {trigger.count} a year" if trigger.count > 1 else "")
        reaches = "<br>".join(_reach(ladders, reach) for reach in rule.obligation.reaches)
        rows.append([f"`{rule.id}`", rule.title, rule.citation.article, cause, reaches])
    return table(["rule", "title", "source", "when", "reaches → ladder · step"], rows)


def _t24(rules: list[CompiledRule], ladders: dict[str, Ladder]) -> list[str]:
    rows = []
    for rule in rules:
        if rule.kind != "sanction" or rule.obligation.when.event is None or "accident" not in rule.obligation.when.event.type:
            continue
        if not rule.obligation.when.grade:
            continue
        grades = " / ".join(VOCABULARY.zh("accident_grades", grade) for grade in rule.obligation.when.grade)
        levels = next((p for p in rule.parameters if p.name == "levels"), None)
        rows.append([grades, f"`{rule.id}`",
                     _value(levels.value) + (" (policy default)" if levels is not None and levels.policy else "")
                     if levels is not None else "",
                     "<br>".join(_reach(ladders, reach) for reach in rule.obligation.reaches)])
    return table(["accident", "rule", "`levels`", "reaches → ladder · step"], rows)


def _policy_rules(rules: list[CompiledRule], ladders: dict[str, Ladder]) -> list[str]:
    rows = []
    for rule in rules:
        if rule.kind != "sanction" or not rule.id.split(".")[-1].startswith("policy-"):
            continue
        trigger = rule.obligation.when.findings
        count = next((p for p in rule.parameters if p.name == "count"), None)
        kinds = ", ".join(f"`{kind}`" for kind in rule.applies_to.kind)
        rows.append([f"`{rule.id}`", rule.title, kinds, f"{trigger.count} × {_value(trigger.status)} in a year",
                     f"{len(trigger.rules)} rules: " + ", ".join(f"`{r.split('.', 1)[1]}`" for r in trigger.rules),
                     "<br>".join(_reach(ladders, reach) for reach in rule.obligation.reaches),
                     count.note if count is not None else ""])
    return table(["rule", "title", "binds", "when", "counted findings", "reaches", "why this default"], rows)


def _policy_parameters(rules: list[CompiledRule]) -> list[str]:
    rows = []
    for rule in rules:
        if not _is_accountability(rule) or rule.id.split(".")[-1].startswith("policy-"):
            continue
        for parameter in rule.parameters:
            if parameter.policy:
                rows.append([f"`{rule.id}`", f"`{parameter.name}`", _value(parameter.default), parameter.note])
    return table(["rule", "parameter", "default", "why (the parameter's note)"], rows)


def _rule(rules: list[CompiledRule], rule_id: str) -> CompiledRule:
    return next(rule for rule in rules if rule.id == rule_id)


# -- the page --------------------------------------------------------------------------------
def render(packs: list[Pack]) -> str:
    rules = _rules(packs)
    ladders = {ladder.ladder: ladder for pack in packs for ladder in pack.spec.ladders}
    ladder_pack = next(pack for pack in packs if pack.spec.ladders)
    t24b = _rule(rules, "tonghua-2022-10.t24-b")
    t27a = _rule(rules, "tonghua-2022-10.t27-a")
    t61b = _rule(rules, "tonghua-2022-10.t61-b")
    out: list[str] = [
        "# Accountability: incidents, sanctions, chains, bans, decisions",
        "",
        "<!-- Generated by docs/_generate_accountability.py from the rule packs in src/compliance/rules/.",
        "     Do not edit by hand: change the packs or the script and run it again. -->",
        "",
        "What happens after an obligation fails: accidents are graded, reporting and",
        "rectification are followed step by step, persons are banned from roles, and every",
        "consequence for a unit or a person ends up in `decisions.jsonl` with the records that",
        "caused it. The example export [`fixtures/accidents-2022/`](../fixtures/accidents-2022/README.md)",
        "exercises every part of this page once; its README lists each case and its outcome.",
        "",
        "Contents: [the model](#the-model) · [ladders](#ladders) · [grades](#grades-以上--以下) ·",
        "[reporting](#reporting-an-accident) · [reparation chains](#reparation-chains) · [bans](#bans) ·",
        "[sanction rules](#sanction-rules) · [t24](#how-t24-propagates) ·",
        "[annex and body of t24](#the-annex-and-the-body-of-t24-一票否决-or-一票否优) ·",
        "[policy defaults](#policy-defaults) · [limits](#limits)",
        "",
        "## The model",
        "",
        "An evaluation runs in three stages, and a later stage never changes what an earlier one decided:",
        "",
        "1. **Incidents.** Grading rules classify events: `national.accident-grade` grades every",
        "   `accident` 特别重大 / 重大 / 较大 / 一般. One line per accident in `incidents.jsonl`, with",
        "   `grade`, `grade_name`, and `reached`: the criteria that reached that grade.",
        "2. **Findings.** The obligation rules run as everywhere else. Some read the incidents (how far",
        "   a report must go depends on the grade); the reparation chains follow a hazard step by",
        "   step; the bans check who holds a role after a sanction. Their findings are ordinary",
        "   findings (`findings.jsonl`), a chain's with `step` set.",
        "3. **Decisions.** Sanction rules turn events, incidents and findings into *applications*:",
        "   one unit or person reaching one step of one ladder. `decisions.jsonl` combines them.",
        "",
        "**Causes.** A sanction rule's `when` is either an event (optionally: of an accident, or naming",
        "one by `accident_id`, of some grades), or findings of other rules with some statuses (and",
        "steps), at least `count` of them for one unit and person in one year. An event counts only on",
        "a day the sanction rule is in force (an accident before 30 May 2022 brings no tonghua sanction).",
        "",
        "**Reaches.** Whom a cause reaches, relative to the cause's unit:",
        "",
    ]
    out += table(["`to`", "who"], [[f"`{name}`", words] for name, words in _REACH_WORDS.items()])
    out += [
        "See [how t24 propagates](#how-t24-propagates) for how the last four are found.",
        "",
        "**Decisions.** Applications are grouped by (unit, person, assessment year, ladder). Each",
        "group is one decision: `level` is the position of the worst step reached (1 = mildest),",
        "`level_name` and `step` name it, `consequences` lists the consequences of every step reached,",
        "worst first, without repeats, and `because` lists every cause of every application (an event,",
        "an incident, or a finding by `rule_id`, unit, person, subject, step, period and status), each",
        "with the `sanction` rule that applied. Every cause is kept, so adding a cause can only add",
        "to a decision: levels never go down. The assessment year is the year of the cause's day: the",
        "event's day; a finding's last period day; for a finding without a period, the date written in",
        "its `due` (a chain step due at 24:00 on 31 December is written `…-01-01T00:00` and counts in",
        "the next year). Decisions do not depend on `--all`.",
        "",
        "```json",
        '{"unit_id": "220524-XW", "person_id": null, "year": 2022, "ladder": "territorial", "level": 7,',
        ' "level_name": "一票否决", "step": "veto", "consequences": ["年度考核一票否决", "不得评优评先", "追究属地党委和政府领导责任"],',
        ' "because": [{"event": "SG-04", "type": "accident", "unit_id": "QY-LH-01", "sanction": "tonghua-2022-10.t24-a"},',
        '             {"incident": "SG-04", "rule_id": "national.accident-grade", "unit_id": "QY-LH-01", "grade": "major",',
        '              "sanction": "tonghua-2022-10.t24-a"}, …]}',
        "```",
        "",
        "## Ladders",
        "",
        f"Declared once, in the `{ladder_pack.id}` pack (`{Path(ladder_pack.file).name}`); every sanction of every",
        "pack climbs one of them. A step's level is its position, mildest first. A consequence in",
        "parentheses means the step declares none: the decision lists the step's name.",
        "",
    ]
    out += _ladders(ladders)
    out += [
        "## Grades (以上 / 以下)",
        "",
        "国务院令第493号 第三条 ends with “本条第一款所称的‘以上’包括本数，所称的‘以下’不包括本数”: each",
        "grade runs from its lower bound (included) to the next grade's lower bound (excluded). So",
        "3 deaths is 较大 (3 以上 10 以下), 2 is 一般; 50 serious injuries is 重大; a direct loss of exactly",
        "1000万元 is 较大 and of 9 999 999 元 一般. This is 493号令's own convention; elsewhere Chinese law",
        "counts 以上 and 以下 both inclusive (民法典 第一千二百五十九条), see",
        "[semantics.md](semantics.md#以上--以下). The criteria are graded separately and the **highest",
        "grade any of them reaches wins** (an accident with 4 deaths, 3 serious injuries and 5600万元 is",
        "重大, by the loss): the article lists the criteria with 或者. A missing count is read as 0 and the",
        "message says so (a grade can only rise with more information). The grade is taken from the",
        "`accident` record: the export should carry the final casualty counts (see [limits](#limits)).",
        "",
    ]
    out += _grades(rules)
    out += [
        "## Reporting an accident",
        "",
        "The response rules an accident, a report, a casualty change or a concealment starts, and the",
        "挂牌督办 every major hazard is owed:",
        "",
    ]
    out += _reporting(rules)
    out += [
        "- **1 hour** (第九条) runs between the accident's and the report's instants: a report",
        "  exactly 60 minutes later is on time, 61 minutes later `late` (迟报), none `violated` (漏报,",
        "  possibly 瞒报).",
        "- **Level by level** (第十条): every `accident_reported` to a department makes that",
        "  department owe a report to the department one level up in its territory within 2 hours,",
        "  as long as it is below the level the grade requires: for a 一般 accident the county",
        "  department owes the city, and the city owes nothing; for a 较大 one the city owes the",
        "  province; for 重大 and 特别重大 the province owes the 国务院 department. A supplementary",
        "  report (补报) to a department is passed on the same way.",
        "- **补报** (第十三条): a change in casualties owes a report carrying the new death toll, if the",
        "  change happens within 30 days of the accident (7 for road traffic and fire, by its",
        "  `category`); a later change owes nothing. The accident's own day is not counted.",
        "",
        "## Reparation chains",
        "",
        "A chain follows one subject (a hazard, by `hazard_id`) from its starting event through",
        "steps owed in order (⊗, after Governatori's contrary-to-duty chains):",
        "",
        "- each step owes an event, due by a date the starting event carries (the hazard's",
        "  `deadline`) or within a limit after the start or after an earlier step. A limit in days",
        "  does not count the anchor's day and ends at 24:00;",
        "- the **anchor** of a step that follows another is when that step was done (even late),",
        "  or its due instant if it was not done;",
        "- with **only after the step it follows** (`in_order`, the default), an event counts only if",
        "  it comes after that anchor: 整改 → 验收 → 销号 must happen in that order;",
        "- a step with `if_failed` is a **contrary-to-duty** obligation, owed only when the named",
        "  step was `violated` or `late`: 停产停工 when the hazard was not rectified by its deadline;",
        "- `unless` **exempts** a step when that event came first and in time: a hazard rectified",
        "  (late) before the production stop was due needs no stop (`exempt`);",
        "- one finding per step owed, `subject_id` the key, `step` the step; a step not owed gives",
        "  no finding. A step whose due date cannot be set (a hazard without `deadline`) gives no",
        "  finding, nor do the steps after it (the ledger's completeness rule reports the gap).",
        "",
    ]
    out += _chains(rules)
    out += [
        "## Bans",
        "",
        "安全生产法 第九十四条: after 撤职 or 刑事处罚 over an accident, no principal's role in any",
        "production unit for 5 years; chiefly responsible for a 重大 or 特别重大 accident, never again",
        "a principal in that industry.",
        "",
    ]
    out += _bans(rules)
    out += [
        "- A ban runs from the day of the `sanction` event (record the day the sentence was served",
        "  as the event where that applies) to its anniversary, exclusive; 29 February goes to",
        "  1 March. The banned person is the event's `actor_id`.",
        "- Every tenure of the role in a bound unit that has a day inside the ban is one `violated`",
        "  finding (unit = where the role is held, `subject_id` = the sanction event, `actual` = the",
        "  first day in breach): an appointment after the sanction, or staying in the role. A ban",
        "  without any breach gives one `satisfied` finding at the sanction's unit.",
        "- The industry is the accident's `industry` (else the enterprise's first sector); a unit is",
        "  in the industry when its `sectors` include it. A lifetime ban whose accident has no known",
        "  industry cannot be applied and gives no finding.",
        "- The ban findings and the person's decision are separate: t27-a/t27-c put the person at",
        "  撤职 or 终身禁业 on the person ladder; the bans check later appointments.",
        "",
        "## Sanction rules",
        "",
        "Every sanction rule of the shipped packs except the policy defaults ([below](#policy-defaults)):",
        "",
    ]
    out += _sanctions(rules, ladders)
    out += [
        "## How t24 propagates",
        "",
        "通安委〔2022〕10号 正文（十二）: “对不认真履行职责造成较大以上生产安全事故的，不仅要追究直接责任，",
        "而且要追究属地党委和政府领导责任、有关部门监管责任，特别是重特大事故，要追究主要领导、分管领导责任。”",
        "The three t24 rules split this by grade:",
        "",
    ]
    out += _t24(rules, ladders)
    out += [
        "**Which levels.** The document says 属地党委和政府 without a level. Each t24 rule takes a",
        "`levels` parameter, a policy default: for 重大 and above the county and the city (the",
        "city is the issuer's own level, the highest the document can bind), for 较大 and 一般 the",
        "county only. A run can override it (`--param 'tonghua-2022-10.t24-b.levels=[\"county\",\"city\"]'`, see",
        "[cli.md](cli.md)); `summary.json` lists the values used and whether they were overridden.",
        "",
        "**How the units are found.** From the accident's unit (the enterprise) and its `region`:",
        "",
        "- the territory is the region and every division containing it (`220524` 柳河县 →",
        "  `220500` 通化市 → `220000` 吉林省, see [semantics.md](semantics.md#regions-and-territorial-responsibility-属地));",
        "- `territorial`: the units whose **own** region is one of those codes, of the kinds given",
        "  (`party_committee`, `government`) and the levels in `levels` — 中共柳河县委 and 柳河县人民政府,",
        "  中共通化市委 and 通化市人民政府, never a unit of a neighbouring county;",
        "- `territorial_principals`: whoever holds the role `principal` in those units **on the day",
        "  of the accident** (a predecessor who left the day before is not reached);",
        "- `leaders_in_charge`: the holders of the role `deputy` in the territorial **governments**",
        "  at those levels, on the day, whose person attribute `sectors` (a `sectors` column in",
        "  `people`) includes the accident's `industry` (if the accident has none, the enterprise's",
        "  first sector). A deputy in charge of road transport is not reached by a mining accident;",
        "- `supervising_departments`: the units of kind `department` at those levels in the",
        "  territory whose `sectors` include the industry (应急管理局 for mining and chemicals,",
        "  交通运输局 for road transport).",
        "",
        "The province's units are never reached: the levels stop at the city. Several accidents in",
        "one year give one decision per unit and person, at the worst step, with all of them in",
        "`because` (a county with a 重大 and a 一般 accident: 一票否决, with 参照追责 kept as a cause).",
        "",
        "## The annex and the body of t24: 一票否决 or 一票否优",
        "",
        "The annex (重点任务分工表, 第24项) writes “较大事故一票否决”; the body, 正文（十二）, writes",
        "“严格落实重大生产安全事故‘一票否决’、较大事故‘一票否优’制度”. The rules follow the body: a",
        "较大 accident is 一票否优 (no 评优评先), a 重大 or 特别重大 one 一票否决, as OBLIGATIONS.md asks.",
        f"The rule records the discrepancy (`{t24b.id}`, `notes`):",
        "",
        f"> {t24b.notes}",
        "",
        "On the territorial ladder 一票否优 (level 6) sits below 一票否决 (level 7), so a county with",
        "both kinds of accident in one year is at 一票否决.",
        "",
        "## Policy defaults",
        "",
        "What the documents leave open is a parameter with `policy: true` and a note saying why.",
        "These are choices, not the documents' text; a run can override any of them, and",
        "`summary.json` lists every value used.",
        "",
        "The `policy-*` rules decide what missed routine tasks bring (the document says only",
        "“对工作重视不够、落实不力……的要严肃问责”):",
        "",
    ]
    out += _policy_rules(rules, ladders)
    out += [
        "Every `policy: true` parameter of the other accountability rules (grading, chains, bans,",
        "sanctions, and the responses to accidents, concealment and major hazards):",
        "",
    ]
    out += _policy_parameters(rules)
    out += [
        "## Limits",
        "",
        "What records cannot decide, and how the rules deal with it:",
        "",
        "- **Whether a failure of duty caused an accident.** 安全生产法 第九十四条 and t27 dismiss a",
        "  principal “导致发生生产安全事故的”: that is the finding of the accident investigation, not",
        "  something counts and dates can show. The rules therefore start from the recorded outcome, a",
        "  `sanction` event (`dismissal`, `criminal_penalty`, or `chief_responsibility: true`) naming",
        "  the accident; without it nothing is inferred from the accident alone.",
        "- **挂名矿长** (a figurehead principal, the actual controller liable). The records have no",
        f"  actual-controller element. `{t27a.id}` says so in its notes:",
        "",
        f"  > {t27a.notes}",
        "",
        "- **The final casualty count.** The grade is taken from the `accident` record. A",
        "  `casualties_changed` event is checked for its 补报 but does not re-grade the accident: an",
        "  export should carry the final counts on the accident (a death toll that rises from 2 to 3",
        "  makes a 较大 accident only if the accident row says 3).",
        f"- **“必要时提级调查”**: `{t61b.id}` reads it as always, since OBLIGATIONS.md asks so;",
        "  when it is “necessary” is not in the records.",
        "- **“情节严重的要严肃问责”** (taonan-mz-2022.rework-b): what counts as serious is not defined;",
        "  that clause is not checked.",
        "",
        "Open questions found with the example export (left out of it, reported for a decision):",
        "",
        "- a 重大 accident's report from the province to a 国务院 department is never found (no",
        "  region contains a national unit), so the province's hop is `violated` whatever was recorded;",
        "- a hazard rectified late but before the production stop was due has an `exempt` `suspended`",
        "  step, yet `t29-sanction` (on the `rectified` step) still puts the unit at 停产停业整顿;",
        "- a stop ordered before a late rectification is not seen: `suspended` is anchored at the",
        "  late rectification and comes out `exempt`;",
        "- a principal whose tenure ends on the day of the dismissal is in breach of the 5-year ban",
        "  on that day.",
    ]
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if accountability.md is not up to date")
    args = parser.parse_args(argv)
    text = render(load_packs())
    return write_or_check(OUTPUT, text, args.check, __file__)


if __name__ == "__main__":
    raise SystemExit(main())
