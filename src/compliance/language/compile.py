"""Load, check and compile rule packs: YAML file → :class:`Pack` of :class:`CompiledRule`.

Loading is strict and complete before any record is seen (STYLE: load, check,
then evaluate). Every error carries the file, line and column of the offending
value and, for a misspelled name, the closest known one; all errors of a pack are
collected and raised together as an :class:`~compliance.errors.ErrorGroup`.

The compiled form is backend-neutral: plain frozen data (the validated
obligation models, with parameters resolved and names checked), which the
reference evaluator interprets and which a streaming (Rete) or columnar backend
can translate without reading YAML again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from compliance import strictyaml
from compliance.errors import ComplianceError, ErrorGroup, Position, RuleError, closest
from compliance.language.schema import (
    OBLIGATION_KINDS,
    AppliesTo,
    Ladder,
    Citation,
    InForce,
    NotCheckable,
    Obligation,
    PackSpec,
    RuleSpec,
    Selector,
    TenureSelector,
    UnitFilter,
)
from compliance.vocabulary import VOCABULARY, UnknownName

from pydantic import TypeAdapter

SHIPPED_RULES = Path(__file__).resolve().parent.parent / "rules"
_EVENT_FIELDS = ("event_id", "unit_id", "type", "actor_id", "target_id")
_OBLIGATION = TypeAdapter(Obligation)

Overrides = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class ResolvedParameter:
    """A parameter as it runs: its value, whether it is a policy choice, and whether overridden."""

    name: str
    value: Any
    policy: bool
    note: str
    default: Any
    overridden: bool = False


@dataclass(frozen=True)
class CompiledRule:
    """One rule, checked and ready for any evaluator."""

    id: str
    pack: str
    title: str
    title_en: str | None
    citation: Citation
    applies_to: AppliesTo
    in_force: InForce
    obligation: Any  # one of the obligation models of compliance.language.schema
    parameters: tuple[ResolvedParameter, ...]
    notes: str | None
    source: Position
    row: str = ""

    @property
    def kind(self) -> str:
        return self.obligation.kind

    @property
    def per_person(self) -> bool:
        return self.applies_to.role is not None

    def citation_dict(self) -> dict[str, str]:
        return {"document": self.citation.document or "", "article": self.citation.article,
                "text": self.citation.text}


@dataclass(frozen=True)
class Pack:
    """A loaded rule pack: its document, its rules, what it could not encode."""

    spec: PackSpec
    rules: tuple[CompiledRule, ...]
    not_checkable: tuple[NotCheckable, ...]
    file: str
    sha256: str

    @property
    def id(self) -> str:
        return self.spec.pack

    @property
    def version(self) -> str:
        return self.spec.version


@dataclass
class _Collector:
    document: strictyaml.Document
    errors: list[ComplianceError] = field(default_factory=list)

    def add(self, path: tuple, what: str, *, key: bool = False, **details: Any) -> None:
        where = self.document.key_position(path) if key else self.document.where(path)
        if any(error.where == where for error in self.errors):
            return  # one error per place: a union reports each alternative; the first says enough
        self.errors.append(RuleError(what, where=where, **details))

    def from_validation(self, error: ValidationError, prefix: tuple, *, drop_tag: str | None = None) -> None:
        for item in error.errors():
            loc = tuple(item["loc"])
            if drop_tag and loc and loc[0] == drop_tag:
                loc = loc[1:]
            loc = tuple(part for part in loc if not (isinstance(part, str) and part.startswith(("function-", "lax-"))))
            path = prefix + loc
            message = item["msg"].removeprefix("Value error, ")
            if item["type"] == "extra_forbidden":
                allowed = _allowed_keys(self.document.value, path)
                self.add(path, "unknown key", key=True, found=loc[-1],
                         suggestion=closest(str(loc[-1]), allowed) if allowed else None,
                         expected="one of " + ", ".join(sorted(allowed)) if allowed else None)
            elif item["type"] == "missing":
                self.add(path, f"missing key {loc[-1]!r}")
            elif item["type"] == "union_tag_invalid":
                self.add(path + ("kind",), "unknown obligation kind", found=item.get("input", {}).get("kind"),
                         suggestion=closest(str(item.get("input", {}).get("kind")), OBLIGATION_KINDS),
                         expected="one of " + ", ".join(OBLIGATION_KINDS))
            elif item["type"] in ("enum", "literal_error"):
                choices = re.findall(r"'([^']*)'", str(item.get("ctx", {}).get("expected", "")))
                self.add(path, "not an allowed value", found=_short(item.get("input")),
                         suggestion=closest(str(item.get("input")), choices), expected="one of " + ", ".join(choices))
            else:
                self.add(path, message, found=_short(item.get("input")))


def _short(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return None
    return value


_KEYS_BY_PATH_END = {
    "document": ("number", "title", "issuer", "date"),
    "citation": ("document", "article", "text"),
    "in_force": ("from", "to"),
    "applies_to": tuple(AppliesTo.model_fields),
}


def _allowed_keys(root: Any, path: tuple) -> list[str]:
    """Known keys at the place of an unknown one (for the suggestion)."""
    parent = path[:-1]
    if not parent:
        return [name for name in PackSpec.model_fields]
    last = parent[-1]
    if isinstance(last, int) and len(parent) == 2 and parent[0] == "rules":
        return [info.alias or name for name, info in RuleSpec.model_fields.items()]
    if last in _KEYS_BY_PATH_END:
        return list(_KEYS_BY_PATH_END[last])
    if last in ("event", "trigger", "response", "covered_by", "prior"):
        return list(Selector.model_fields)
    if last in ("tenure",):
        return list(TenureSelector.model_fields)
    if last in ("population", "subordinates"):
        return list(UnitFilter.model_fields)
    node = root
    try:
        for part in parent:
            node = node[part]
    except (KeyError, IndexError, TypeError):
        return []
    if isinstance(node, dict) and "kind" in node and node["kind"] in OBLIGATION_KINDS:
        model = next(m for m in Obligation.__origin__.__args__ if m.model_fields["kind"].annotation.__args__[0] == node["kind"])  # type: ignore[attr-defined]
        return [info.alias or name for name, info in model.model_fields.items()]
    return []


# -- checking names against the vocabulary -------------------------------------
def _items(raw: Any, path: tuple) -> list[tuple[tuple, Any]]:
    """The values of a 'name or list of names' field with their own paths."""
    if isinstance(raw, list):
        return [(path + (index,), item) for index, item in enumerate(raw)]
    return [(path, raw)]


class _NameChecker:
    def __init__(self, collector: _Collector) -> None:
        self.collector = collector

    def name(self, family: str, value: Any, path: tuple) -> None:
        try:
            VOCABULARY.check(family, str(value))
        except UnknownName as error:
            self.collector.add(path, error.what, found=error.found, suggestion=error.suggestion)

    def names(self, family: str, raw: Any, path: tuple) -> None:
        for item_path, item in _items(raw, path):
            self.name(family, item, item_path)

    def unit_filter(self, raw: Mapping[str, Any], path: tuple) -> None:
        for key, family in (("kind", "unit_kinds"), ("level", "levels"), ("tags", "tags"), ("sectors", "sectors")):
            if key in raw:
                self.names(family, raw[key], path + (key,))

    def applies_to(self, raw: Mapping[str, Any], path: tuple) -> None:
        self.unit_filter(raw, path)
        for key in ("role", "other_than"):
            if raw.get(key) is not None:
                self.name("roles", raw[key], path + (key,))
        self.person_attributes(raw.get("person") or {}, path + ("person",))

    def person_attributes(self, raw: Mapping[str, Any], path: tuple) -> None:
        for key, value in raw.items():
            self.name("person_attributes", key, path + (key,))
            allowed = VOCABULARY.person_attributes.get(key)
            if isinstance(allowed, list):
                for item_path, item in _items(value, path + (key,)):
                    if item not in allowed:
                        self.collector.add(item_path, f"not a value of person attribute {key!r}", found=item,
                                           suggestion=closest(str(item), allowed),
                                           expected="one of " + ", ".join(allowed))

    def attribute_names(self, raw_types: Any, names: Any, path: tuple, *, keys: bool = False) -> None:
        """Attribute names (or event fields) that events of the given types can carry."""
        types = [item for _, item in _items(raw_types, ())]
        if not types or any(t not in VOCABULARY.event_types for t in types):
            return  # a misspelled type is reported on its own
        declared = set(_EVENT_FIELDS)
        for event_type in types:
            declared.update(dict(VOCABULARY.event_types[event_type].attributes))
        entries = [(path + (name,), name) for name in names] if keys else _items(names, path)
        for item_path, name in entries:
            if name not in declared:
                self.collector.add(item_path, f"events of type {', '.join(types)} have no attribute or field",
                                   key=keys, found=name, suggestion=closest(str(name), declared),
                                   expected="one of " + ", ".join(sorted(declared)))

    def selector(self, raw: Mapping[str, Any], path: tuple) -> None:
        types = [item for _, item in _items(raw.get("type"), path + ("type",))]
        self.names("event_types", raw.get("type"), path + ("type",))
        known_types = [VOCABULARY.event_types[t] for t in types if t in VOCABULARY.event_types]
        if len(known_types) < len(types):
            return  # attributes cannot be checked against a misspelled type; its error says enough
        declared: dict[str, Any] = {}
        for event_type in known_types:
            declared.update(dict(event_type.attributes))
        for attribute, value in (raw.get("where") or {}).items():
            if attribute in ("actor_id", "target_id", "unit_id"):
                continue
            if attribute not in declared:
                self.collector.add(
                    path + ("where", attribute), f"the event type(s) {', '.join(types)} have no attribute",
                    key=True, found=attribute, suggestion=closest(attribute, declared),
                    expected="one of " + ", ".join(sorted(declared)) if declared else "no attributes",
                )
                continue
            kind = declared[attribute]
            if isinstance(kind, list):
                for item_path, item in _items(value, path + ("where", attribute)):
                    if item not in kind:
                        self.collector.add(item_path, f"not a value of attribute {attribute!r}", found=item,
                                           suggestion=closest(str(item), kind), expected="one of " + ", ".join(kind))
        if raw.get("actor_role") is not None:
            self.name("roles", raw["actor_role"], path + ("actor_role",))
        target = raw.get("target") or {}
        if "kind" in target:
            self.names("unit_kinds", target["kind"], path + ("target", "kind"))
        for item_path, item in _items(target.get("level", []), path + ("target", "level")):
            if item != "superior":
                self.name("levels", item, item_path)

    def obligation(self, raw: Mapping[str, Any], path: tuple) -> None:
        for key in ("event", "trigger", "response"):
            if isinstance(raw.get(key), dict) and (key != "event" or "type" in raw[key]):
                self.selector(raw[key], path + (key,))
        since = raw.get("since")
        if isinstance(since, dict):
            self.names("event_types", since.get("type"), path + ("since", "type"))
            trigger_types = (raw.get("trigger") or {}).get("type") if isinstance(raw.get("trigger"), dict) else None
            self.attribute_names(trigger_types, since.get("key"), path + ("since", "key"))
        for grade, level in (raw.get("up_to") or {}).items():
            self.name("accident_grades", grade, path + ("up_to", grade))
            self.name("levels", level, path + ("up_to", grade))
        if isinstance(raw.get("tenure"), dict):
            tenure = raw["tenure"]
            if "role" in tenure:
                self.name("roles", tenure["role"], path + ("tenure", "role"))
            self.person_attributes(tenure.get("where") or {}, path + ("tenure", "where"))
        requires = raw.get("requires") or {}
        if isinstance(requires.get("prior"), dict):
            self.selector(requires["prior"], path + ("requires", "prior"))
        event_types = (raw.get("event") or {}).get("type") if isinstance(raw.get("event"), dict) else None
        if isinstance(requires.get("attributes"), dict):
            self.attribute_names(event_types, requires["attributes"], path + ("requires", "attributes"), keys=True)
        if raw.get("kind") == "completeness" and "required" in raw:
            self.attribute_names(event_types, raw["required"], path + ("required",))
        trigger_types = (raw.get("trigger") or {}).get("type") if isinstance(raw.get("trigger"), dict) else None
        response_types = (raw.get("response") or {}).get("type") if isinstance(raw.get("response"), dict) else None
        correlate = raw.get("correlate") or {}
        if isinstance(correlate, dict):
            self.attribute_names(response_types, correlate, path + ("correlate",), keys=True)
            for key, value in correlate.items():
                self.attribute_names(trigger_types, value, path + ("correlate", key))
        if "subject" in raw:
            self.attribute_names(trigger_types, raw["subject"], path + ("subject",))
        self.accountability(raw, path)

    def accountability(self, raw: Mapping[str, Any], path: tuple) -> None:
        """Names inside grading, chain, ban and sanction obligations."""
        kind = raw.get("kind")
        if kind == "grading":
            types = (raw.get("event") or {}).get("type")
            for index, grade in enumerate(raw.get("grades") or []):
                if not isinstance(grade, dict):
                    continue
                if "grade" in grade:
                    self.name("accident_grades", grade["grade"], path + ("grades", index, "grade"))
                self.attribute_names(types, grade.get("at_least") or {}, path + ("grades", index, "at_least"),
                                     keys=True)
        elif kind == "chain":
            if isinstance(raw.get("start"), dict):
                self.selector(raw["start"], path + ("start",))
                self.attribute_names(raw["start"].get("type"), raw.get("key"), path + ("key",))
            for index, step in enumerate(raw.get("steps") or []):
                if not isinstance(step, dict):
                    continue
                for key in ("owe", "unless"):
                    if isinstance(step.get(key), dict):
                        self.selector(step[key], path + ("steps", index, key))
                        self.attribute_names(step[key].get("type"), raw.get("key"), path + ("key",))
                by = step.get("by") or {}
                if isinstance(raw.get("start"), dict) and isinstance(by, dict) and by.get("attribute"):
                    self.attribute_names(raw["start"].get("type"), by["attribute"],
                                         path + ("steps", index, "by", "attribute"))
        elif kind == "ban":
            if isinstance(raw.get("after"), dict):
                self.selector(raw["after"], path + ("after",))
            self.names("accident_grades", raw.get("incident") or [], path + ("incident",))
        elif kind == "sanction":
            when = raw.get("when") or {}
            if isinstance(when.get("event"), dict):
                self.selector(when["event"], path + ("when", "event"))
            self.names("accident_grades", when.get("grade") or [], path + ("when", "grade"))
            for index, reach in enumerate(raw.get("reaches") or []):
                if isinstance(reach, dict):
                    self.names("unit_kinds", reach.get("kinds") or [], path + ("reaches", index, "kinds"))
                    self.names("levels", reach.get("levels") or [], path + ("reaches", index, "levels"))
        ratio = raw.get("ratio") or {}
        for key in ("numerator", "denominator"):
            if key in ratio:
                self.name("metrics", ratio[key], path + ("ratio", key))
        coverage = raw.get("coverage") or {}
        if isinstance(coverage.get("population"), dict):
            self.unit_filter(coverage["population"], path + ("coverage", "population"))
        if isinstance(coverage.get("covered_by"), dict):
            self.selector(coverage["covered_by"], path + ("coverage", "covered_by"))
        if isinstance(raw.get("subordinates"), dict):
            self.unit_filter(raw["subordinates"], path + ("subordinates",))
        period = raw.get("period")
        if isinstance(period, dict):
            for level in period:
                self.name("levels", level, path + ("period", level))


# -- parameters -------------------------------------------------------------------
def _substitute(raw: Any, values: Mapping[str, Any], path: tuple, collector: _Collector, used: set[str]) -> Any:
    if isinstance(raw, str) and raw.startswith("$"):
        name = raw[1:]
        if name not in values:
            collector.add(path, "unknown parameter", found=raw, suggestion=closest(name, values),
                          expected="a name declared under 'parameters'")
            return raw
        used.add(name)
        return values[name]
    if isinstance(raw, dict):
        return {key: _substitute(item, values, path + (key,), collector, used) for key, item in raw.items()}
    if isinstance(raw, list):
        return [_substitute(item, values, path + (index,), collector, used) for index, item in enumerate(raw)]
    return raw


# -- loading -------------------------------------------------------------------------
_LOADED: dict[tuple[str, int, int, str], Pack] = {}


def load_pack(path: Path | str, overrides: Overrides | None = None) -> Pack:
    """Load and check one pack file (cached: packs are immutable; a changed file is read again).

    Raises :class:`ErrorGroup` listing every error found.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return _load_pack(path, overrides)
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size,
           json.dumps(overrides or {}, sort_keys=True, ensure_ascii=False, default=str))
    if key not in _LOADED:
        _LOADED[key] = _load_pack(path, overrides)
    return _LOADED[key]


def _load_pack(path: Path | str, overrides: Overrides | None = None) -> Pack:
    """Load and check one pack file. Raises :class:`ErrorGroup` listing every error found.

    Each rule is validated on its own, and its names are checked against the
    vocabulary even when its structure has errors, so that one run shows an
    author every mistake in the file.
    """
    path = Path(path)
    document = strictyaml.load(path, collect=True)
    collector = _Collector(document)
    collector.errors.extend(document.errors)
    if not isinstance(document.value, dict):
        collector.errors.append(RuleError("a rule pack is a mapping with 'pack', 'document', 'rules'",
                                          where=Position(str(path), 1, 1)))
        raise ErrorGroup(collector.errors)
    raw_rules = document.value.get("rules") or []
    if not isinstance(raw_rules, list):
        collector.add(("rules",), "'rules' is a list of rules")
        raw_rules = []
    header = {key: value for key, value in document.value.items() if key != "rules"}
    spec: PackSpec | None = None
    try:
        spec = PackSpec.model_validate(header)
    except ValidationError as error:
        collector.from_validation(error, ())
    pack_id = spec.pack if spec else str(document.value.get("pack", ""))

    checker = _NameChecker(collector)
    overrides = overrides or {}
    rules: list[CompiledRule] = []
    specs: list[RuleSpec] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_rules):
        path_ = ("rules", index)
        if not isinstance(raw, dict):
            collector.add(path_, "a rule is a mapping")
            continue
        checker.applies_to(raw.get("applies_to") or {}, path_ + ("applies_to",))
        try:
            rule = RuleSpec.model_validate(raw)
        except ValidationError as error:
            collector.from_validation(error, path_)
            if isinstance(raw.get("obligation"), dict):  # still report misspelled names inside it
                checker.obligation(raw["obligation"], path_ + ("obligation",))
            continue
        if pack_id and not rule.id.startswith(pack_id + "."):
            collector.add(path_ + ("id",), f"a rule id starts with its pack id '{pack_id}.'", found=rule.id)
        if rule.id in seen:
            collector.add(path_ + ("id",), f"duplicate rule id (first at rule {seen[rule.id] + 1})", found=rule.id)
        seen[rule.id] = index
        specs.append(rule)
        if spec is not None:
            compiled = _compile_rule(spec, rule, raw, path_, overrides.get(rule.id, {}), collector, checker,
                                     document)
            if compiled is not None:
                rules.append(compiled)
    if isinstance(document.value.get("jurisdiction"), dict):
        checker.unit_filter(document.value["jurisdiction"], ("jurisdiction",))
    if spec is not None:
        for index, entry in enumerate(spec.not_checkable):
            if entry.id in seen:
                collector.add(("not_checkable", index, "id"), "listed as not checkable but also a rule", found=entry.id)
    if collector.errors or spec is None:
        raise ErrorGroup(sorted(collector.errors, key=_error_order))
    spec = spec.model_copy(update={"rules": tuple(specs)})
    text = path.read_bytes()
    return Pack(spec=spec, rules=tuple(rules), not_checkable=spec.not_checkable, file=str(path),
                sha256=hashlib.sha256(text).hexdigest())


def _error_order(error: ComplianceError) -> tuple[int, int]:
    where = error.where
    return (where.line or 0, where.column or 0) if where else (0, 0)


def _compile_rule(
    spec: PackSpec,
    rule: RuleSpec,
    raw: Mapping[str, Any],
    path: tuple,
    overrides: Mapping[str, Any],
    collector: _Collector,
    checker: _NameChecker,
    document: strictyaml.Document,
) -> CompiledRule | None:
    for name in overrides:
        if name not in rule.parameters:
            collector.errors.append(RuleError(
                f"rule {rule.id} has no parameter to override", found=name,
                suggestion=closest(name, rule.parameters),
                expected="one of " + ", ".join(sorted(rule.parameters)) if rule.parameters else "no parameters",
            ))
    values = {name: overrides.get(name, parameter.value) for name, parameter in rule.parameters.items()}
    used: set[str] = set()
    before = len(collector.errors)
    obligation_raw = _substitute(rule.obligation, values, path + ("obligation",), collector, used)
    for name in sorted(set(rule.parameters) - used):
        collector.add(path + ("parameters", name), "parameter declared but not used in the obligation",
                      key=True, found=name)
    if len(collector.errors) > before:
        return None
    checker.obligation(obligation_raw, path + ("obligation",))
    try:
        obligation = _OBLIGATION.validate_python(obligation_raw)
    except ValidationError as error:
        kind = obligation_raw.get("kind") if isinstance(obligation_raw, dict) else None
        collector.from_validation(error, path + ("obligation",), drop_tag=kind)
        return None
    parameters = tuple(
        ResolvedParameter(name, values[name], parameter.policy, parameter.note, parameter.value,
                          overridden=name in overrides)
        for name, parameter in rule.parameters.items()
    )
    citation = rule.citation if rule.citation.document else rule.citation.model_copy(
        update={"document": spec.document.number or spec.document.title})
    applies_to = rule.applies_to
    if spec.jurisdiction is not None:
        applies_to = applies_to.model_copy(update={"within": spec.jurisdiction})
    return CompiledRule(
        id=rule.id, pack=spec.pack, title=rule.title, title_en=rule.title_en, citation=citation,
        applies_to=applies_to, in_force=rule.in_force, obligation=obligation, parameters=parameters,
        notes=rule.notes, source=document.where(path), row=rule.row or row_of(rule.id),
    )


def row_of(identifier: str) -> str:
    """The obligation a rule (or not-checkable entry) belongs to: its id less a one-letter suffix.

    >>> row_of("tonghua-2022-10.t07-b"), row_of("taonan-mz-2022.close-loop"), row_of("national.report-1h")
    ('tonghua-2022-10.t07', 'taonan-mz-2022.close-loop', 'national.report-1h')
    """
    head, dash, tail = identifier.rpartition("-")
    return head if dash and len(tail) == 1 and tail.isalpha() and "." in head else identifier


def pack_files(paths: Iterable[Path | str] | None = None) -> list[Path]:
    """The pack files named (files, or folders of ``*.yaml``), or the shipped ones."""
    if not paths:
        paths = [SHIPPED_RULES]
    files: list[Path] = []
    for entry in map(Path, paths):
        if entry.is_dir():
            files.extend(sorted(p for p in entry.glob("*.yaml")
                                if not p.name.startswith("_") and not p.name.endswith(".cases.yaml")))
        elif entry.exists():
            files.append(entry)
        else:
            raise RuleError("no such rule file or folder", where=Position(str(entry)))
    return files


def load_packs(paths: Iterable[Path | str] | None = None, overrides: Overrides | None = None) -> list[Pack]:
    """Load every pack named (or the shipped ones); all errors of all packs are raised together."""
    overrides = dict(overrides or {})
    packs: list[Pack] = []
    errors: list[ComplianceError] = []
    for file in pack_files(paths):
        try:
            packs.append(load_pack(file, overrides))
        except ErrorGroup as group:
            errors.extend(group.errors)
        except ComplianceError as error:
            errors.append(error)
    errors.extend(_check_ladders(packs))
    errors.extend(_check_finding_triggers(packs))
    known = {rule.id: pack for pack in packs for rule in pack.rules}
    ids = [pack.id for pack in packs]
    for pack_id in sorted({i for i in ids if ids.count(i) > 1}):
        errors.append(RuleError(f"pack id {pack_id!r} is loaded twice"))
    for rule_id in overrides:
        if rule_id not in known and not errors:
            errors.append(RuleError("a parameter override names an unknown rule", found=rule_id,
                                    suggestion=closest(rule_id, known)))
    if errors:
        raise ErrorGroup(errors)
    return packs


def parse_override(text: str) -> tuple[str, str, Any]:
    """``RULE_ID.NAME=VALUE`` → (rule id, parameter name, value); VALUE is JSON if it parses.

    >>> parse_override("tonghua-2022-10.t07-b.within=P7D")
    ('tonghua-2022-10.t07-b', 'within', 'P7D')
    >>> parse_override('x.t09.sensitive=[]')
    ('x.t09', 'sensitive', [])
    """
    target, separator, value_text = text.partition("=")
    rule_id, dot, name = target.rpartition(".")
    if not separator or not dot or not rule_id or not name:
        raise RuleError("a parameter override is RULE_ID.NAME=VALUE", found=text)
    try:
        value = json.loads(value_text)
    except json.JSONDecodeError:
        value = value_text
    return rule_id, name, value


def describe(model: BaseModel) -> dict[str, Any]:
    """A JSON-ready view of an obligation (durations as ISO 8601, dates as ISO)."""
    return json.loads(model.model_dump_json(by_alias=True, exclude_defaults=False))


def ladders_of(packs: Iterable[Pack]) -> dict[str, Ladder]:
    """The accountability ladders declared by the packs, by id."""
    return {ladder.ladder: ladder for pack in packs for ladder in pack.spec.ladders}


def _check_ladders(packs: list[Pack]) -> list[ComplianceError]:
    """Every sanction reaches a ladder and step some loaded pack declares; ladder ids are unique."""
    errors: list[ComplianceError] = []
    ladders: dict[str, Ladder] = {}
    for pack in packs:
        for ladder in pack.spec.ladders:
            if ladder.ladder in ladders:
                errors.append(RuleError(f"ladder {ladder.ladder!r} is declared twice", where=Position(pack.file)))
            ladders[ladder.ladder] = ladder
    for pack in packs:
        for rule in pack.rules:
            if rule.kind != "sanction":
                continue
            for reach in rule.obligation.reaches:
                ladder = ladders.get(reach.ladder)
                if ladder is None:
                    errors.append(RuleError(f"{rule.id}: unknown ladder", where=rule.source, found=reach.ladder,
                                            suggestion=closest(reach.ladder, ladders),
                                            expected="a ladder declared by a loaded pack (the national pack "
                                                     "declares them)"))
                    continue
                steps = [step.step for step in ladder.steps]
                if reach.step not in steps:
                    errors.append(RuleError(f"{rule.id}: unknown step of ladder {reach.ladder!r}",
                                            where=rule.source, found=reach.step, suggestion=closest(reach.step, steps),
                                            expected="one of " + ", ".join(steps)))
    return errors


def _check_finding_triggers(packs: list[Pack]) -> list[ComplianceError]:
    """A sanction on findings names rules that are loaded (a misspelt id would never fire)."""
    known = [rule.id for pack in packs for rule in pack.rules]
    errors: list[ComplianceError] = []
    for pack in packs:
        for rule in pack.rules:
            trigger = rule.obligation.when.findings if rule.kind == "sanction" else None
            for rule_id in trigger.rules if trigger else ():
                if rule_id not in known:
                    errors.append(RuleError(f"{rule.id}: a sanction on findings of an unknown rule", where=rule.source,
                                            found=rule_id, suggestion=closest(rule_id, known)))
    return errors
