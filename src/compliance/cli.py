"""The command line: ``compliance evaluate | rules | test | check | watch``.

This is the only layer that prints or decides exit codes (CONTRACT.md):
0 when the evaluation ran, whatever it found; 1 with ``--fail-on`` and a finding
of that status (``compliance test``: a failing case); 2 for unusable input or
rules, with the reason on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from compliance import __version__
from compliance.collector import freeze_when_resuming
from compliance.errors import ComplianceError, ErrorGroup
from compliance.findings import Status
from compliance.language import CompiledRule, Pack, load_packs, parse_override
from compliance.language.compile import describe

EXIT_OK, EXIT_FOUND, EXIT_UNUSABLE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="compliance", description="Check work-safety (安全生产) obligations against records.")
    parser.add_argument("--version", action="version", version=f"compliance {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    def rule_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--rules", action="append", metavar="PATH",
                             help="a rule pack file or a folder of packs (repeatable; default: the shipped packs)")
        command.add_argument("--param", action="append", default=[], metavar="RULE.NAME=VALUE",
                             help="override a rule parameter for this run (VALUE is JSON or text)")

    evaluate = commands.add_parser("evaluate", help="evaluate an export folder and write the results")
    evaluate.add_argument("data", type=Path, help="export folder (CSV / JSON Lines) or an XLSX workbook")
    rule_options(evaluate)
    evaluate.add_argument("--as-of", help="evaluation instant (default: now), e.g. 2023-04-01 or 2023-04-01T09:00+08:00")
    evaluate.add_argument("--from", dest="start", help="first day evaluated (default: each rule's start)")
    evaluate.add_argument("--to", dest="end", help="last day evaluated (default: the as-of day)")
    evaluate.add_argument("--out", type=Path, default=Path("results"), help="output folder (default: ./results)")
    evaluate.add_argument("--all", action="store_true", help="also write satisfied, open and exempt findings")
    evaluate.add_argument("--strict", action="store_true", help="stop (exit 2) if any record is rejected")
    evaluate.add_argument("--fail-on", action="append", default=[], choices=[s.value for s in Status],
                          help="exit 1 if a finding has this status (repeatable)")
    evaluate.add_argument("--mapping", type=Path, help="mapping file (default: DATA/mapping.yaml if present)")
    evaluate.add_argument("--encoding", help="CSV encoding (default: detected UTF-8 or GB18030)")

    rules = commands.add_parser("rules", help="list the rules, or explain one")
    rule_options(rules)
    rules.add_argument("rule_id", nargs="?", help="explain this rule")
    rules.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    rules.add_argument("--coverage", action="store_true",
                       help="per document: obligations found, encoded, and not checkable with reasons")

    test = commands.add_parser("test", help="run rule authors' test cases (*.cases.yaml)")
    test.add_argument("paths", nargs="*", type=Path, help="case files or folders (default: the shipped cases)")
    test.add_argument("--rules", action="append", metavar="PATH", help="rule packs (default: the shipped packs)")
    test.add_argument("--quiet", "-q", action="store_true", help="print only failing cases")

    check = commands.add_parser("check", help="check rule packs: exit 0 if they load, 2 with every error if not")
    check.add_argument("paths", nargs="*", type=Path, help="pack files or folders (default: the shipped packs)")
    check.add_argument("--format", choices=["text", "json"], default="text")

    watch = commands.add_parser("watch", help="follow events (JSON Lines on stdin); write findings (and decisions) "
                                              "as decided")
    watch.add_argument("data", type=Path, help="export folder or workbook with the master data (units, people, measures)")
    rule_options(watch)
    watch.add_argument("--until", help="at the end of input, advance to this instant and write the rest (default: now)")
    watch.add_argument("--all", action="store_true", help="also write satisfied, open and exempt findings")
    watch.add_argument("--decisions", action="store_true",
                       help='also write decisions as they change (lines with "record": "decision" or '
                            '"decision_withdrawn")')
    watch.add_argument("--mapping", type=Path, help="mapping file (default: DATA/mapping.yaml if present)")
    watch.add_argument("--encoding", help="CSV encoding of DATA (default: detected UTF-8 or GB18030)")
    return parser


def _overrides(texts: Sequence[str]) -> dict[str, dict[str, Any]]:
    overrides: dict[str, dict[str, Any]] = {}
    for text in texts:
        rule_id, name, value = parse_override(text)
        overrides.setdefault(rule_id, {})[name] = value
    return overrides


class _Progress:
    """A one-line progress display on a terminal; silent when stderr is piped."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int, rule_id: str) -> None:
        if self.enabled:
            sys.stderr.write(f"\r评估规则 {done + 1}/{total} {rule_id:<40}")
            sys.stderr.flush()

    def reading(self, file: str, rows: int) -> None:
        if self.enabled:
            sys.stderr.write(f"\r读入 {Path(file).name} {rows:,} 行{'':<30}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 60 + "\r")


def _evaluate(args: argparse.Namespace) -> int:
    from compliance.api import evaluate
    from compliance.output import write_results
    from compliance.records import load_export

    overrides = _overrides(args.param)
    if _exiting_at_once:  # nothing made while the collector is paused needs collecting in a process about to end
        freeze_when_resuming()
    progress = _Progress()
    try:
        loaded = load_export(Path(args.data), mapping=Path(args.mapping) if args.mapping else None,
                             encoding=args.encoding, strict=args.strict, progress=progress.reading)
        if _exiting_at_once:  # freeing the records when they are no longer needed costs what run() saves
            _retained.append(loaded)
        evaluation = evaluate(loaded, rules=args.rules, as_of=args.as_of, start=args.start, end=args.end,
                              overrides=overrides, progress=progress)
    finally:
        progress.close()
    del loaded
    write_results(evaluation, args.out, include_all=args.all)
    if _exiting_at_once:
        _retained.append(evaluation)
    counts = Counter(finding.status for finding in evaluation.findings)
    shown = "，".join(f"{status.chinese} {counts[status]}" for status in Status if counts[status])
    sys.stderr.write(
        f"已写出结果到 {args.out}/（findings.jsonl、decisions.jsonl、incidents.jsonl、rejected.jsonl、summary.json、"
        f"report.html、report.xlsx）\n"
        f"结论：{shown or '无'}；问责决定 {len(evaluation.decisions)} 项；事故 {len(evaluation.incidents)} 起；"
        f"被拒记录 {len(evaluation.rejections)} 条。\n"
    )
    failing = {Status(value) for value in args.fail_on}
    if failing and any(finding.status in failing for finding in evaluation.findings):
        return EXIT_FOUND
    return EXIT_OK


def _rule_row(rule: CompiledRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "pack": rule.pack,
        "kind": rule.kind,
        "title": rule.title,
        "title_en": rule.title_en,
        "citation": rule.citation_dict(),
        "applies_to": describe(rule.applies_to),
        "in_force": describe(rule.in_force),
        "obligation": describe(rule.obligation),
        "parameters": [
            {"name": p.name, "value": json.loads(json.dumps(p.value, default=str)), "policy": p.policy,
             "note": p.note, "overridden": p.overridden}
            for p in rule.parameters
        ],
        "notes": rule.notes,
        "row": rule.row,
        "source": str(rule.source),
    }


def _rules(args: argparse.Namespace) -> int:
    packs = load_packs(args.rules, _overrides(args.param))
    rules = [rule for pack in packs for rule in pack.rules]
    if args.coverage:
        return _coverage(packs, args.format)
    if args.rule_id:
        chosen = [rule for rule in rules if rule.id == args.rule_id]
        if not chosen:
            from compliance.errors import EvaluationError, closest

            raise EvaluationError("unknown rule id", found=args.rule_id,
                                  suggestion=closest(args.rule_id, [r.id for r in rules]))
        row = _rule_row(chosen[0])
        if args.format == "json":
            print(json.dumps(row, ensure_ascii=False, indent=2))
        else:
            print(_explain(row))
        return EXIT_OK
    if args.format == "json":
        listing = {
            "packs": [
                {"pack": p.id, "version": p.version, "document": describe(p.spec.document),
                 "jurisdiction": describe(p.spec.jurisdiction) if p.spec.jurisdiction else None,
                 "rules": [_rule_row(rule) for rule in p.rules],
                 "not_checkable": [describe(entry) for entry in p.not_checkable],
                 "ladders": [describe(ladder) for ladder in p.spec.ladders]}
                for p in packs
            ]
        }
        print(json.dumps(listing, ensure_ascii=False, indent=2))
        return EXIT_OK
    for pack in packs:
        print(f"{pack.id} {pack.version}  {pack.spec.document.number or ''} {pack.spec.document.title}")
        for rule in pack.rules:
            policy = " [policy defaults]" if any(p.policy for p in rule.parameters) else ""
            print(f"  {rule.id:<32} {rule.kind:<12} {rule.title}{policy}")
        print(f"  ({len(pack.not_checkable)} obligations listed as not checkable; see --format json)")
        for ladder in pack.spec.ladders:
            print(f"  ladder {ladder.ladder} {ladder.zh} ({ladder.applies_to}):")
            print(f"    order: {ladder.order_note}")
            for level, step in enumerate(ladder.steps, 1):
                flag = " [policy default]" if step.policy else ""
                print(f"    {level}. {step.step:<22} {step.zh}{flag}  — {step.source}")
    return EXIT_OK


def _coverage(packs: list[Pack], form: str) -> int:
    from dataclasses import asdict

    from compliance.language.coverage import coverage, render_markdown, render_text

    report = coverage(packs)
    if form == "json":
        print(json.dumps([{**asdict(pack), "rows": [{**asdict(row), "state": row.state} for row in pack.rows]}
                          for pack in report], ensure_ascii=False, indent=2))
    elif form == "markdown":
        sys.stdout.write(render_markdown(report))
    else:
        print(render_text(report))
    return EXIT_OK


def _explain(row: dict[str, Any]) -> str:
    lines = [
        f"{row['id']}  ({row['kind']})",
        f"  {row['title']}",
        f"  {row['title_en'] or ''}",
        f"  依据: {row['citation']['document']} {row['citation']['article']}",
        f"  原文: {row['citation']['text']}",
        f"  适用: {json.dumps(row['applies_to'], ensure_ascii=False)}",
        f"  施行: {row['in_force']['from']} .. {row['in_force']['to'] or ''}",
        f"  义务: {json.dumps(row['obligation'], ensure_ascii=False)}",
    ]
    for parameter in row["parameters"]:
        flag = "policy default (政策选择)" if parameter["policy"] else "from the document"
        if parameter["overridden"]:
            flag += ", overridden for this run"
        lines.append(f"  参数 {parameter['name']} = {json.dumps(parameter['value'], ensure_ascii=False)} [{flag}]")
        lines.append(f"    {parameter['note']}")
    if row["notes"]:
        lines.append(f"  说明: {row['notes']}")
    lines.append(f"  定义于: {row['source']}")
    return "\n".join(lines)


def _check(args: argparse.Namespace) -> int:
    packs: list[Pack] = load_packs(args.paths or None)
    for pack in packs:
        message = f"ok  {pack.id} {pack.version}: {len(pack.rules)} rules, {len(pack.not_checkable)} not checkable ({pack.file})"
        print(message if args.format == "text" else json.dumps({"pack": pack.id, "ok": True, "rules": len(pack.rules)}))
    return EXIT_OK


def _test(args: argparse.Namespace) -> int:
    from compliance.cases import run_cases

    run = run_cases(args.paths or None, args.rules)
    for outcome in run.outcomes:
        if not (args.quiet and outcome.passed):
            print(outcome.report())
    passed = len(run.outcomes) - len(run.failed)
    print(f"{passed} passed, {len(run.failed)} failed")
    return EXIT_FOUND if run.failed else EXIT_OK


def _watch(args: argparse.Namespace) -> int:
    """Findings as JSON Lines on stdout as they are decided (and, with --decisions, decision changes);
    refused lines and counts on stderr."""
    from compliance.findings import REPORTED, Finding
    from compliance.output.writers import _line
    from compliance.streaming import Monitor
    from compliance.streaming.decisions import DecisionWithdrawn
    from compliance.streaming.monitor import _moment
    from compliance.streaming.watch import Refusal, Tally, follow

    until = _moment(args.until, "--until") if args.until else None
    with Monitor.from_export(args.data, mapping=args.mapping, encoding=args.encoding, rules=args.rules,
                             overrides=_overrides(args.param), keep_findings=False) as monitor:
        if monitor.ignored_events:
            sys.stderr.write(f"注意：{args.data} 中的 {monitor.ignored_events} 条事件未读入（watch 只从标准输入读取事件）。\n")
        shown, tally = (set(Status) if args.all else set(REPORTED)), Tally()
        for item in follow(monitor, sys.stdin, until=until, tally=tally, decisions=args.decisions):
            if isinstance(item, Refusal):
                sys.stderr.write(f"{item}\n")
                continue
            if isinstance(item, Finding):
                if item.status not in shown:
                    continue
                line = _line(item)
            else:  # a decision change: marked, so that a reader tells it from a finding
                record = "decision_withdrawn" if isinstance(item, DecisionWithdrawn) else "decision"
                line = _line({"record": record, **item.model_dump(mode="json")})
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
    decided = f"决定变更 {tally.decisions} 条；" if args.decisions else ""
    sys.stderr.write(f"读入事件 {tally.lines} 行：处理 {tally.fed}，拒绝 {tally.refused}，重复 {tally.repeated}，"
                     f"晚于 --until 未处理 {tally.after_until}；结论 {tally.findings} 条；{decided}主数据被拒记录 "
                     f"{len(monitor.rejections)} 条。\n")
    return EXIT_OK


def _report(error: ComplianceError, as_json: bool) -> None:
    errors = error.errors if isinstance(error, ErrorGroup) else [error]
    for item in errors:
        if as_json:
            sys.stderr.write(json.dumps(item.as_dict(), ensure_ascii=False) + "\n")
        else:
            sys.stderr.write(f"error: {item}\n")
    if len(errors) > 1 and not as_json:
        sys.stderr.write(f"{len(errors)} errors\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {"evaluate": _evaluate, "rules": _rules, "check": _check, "test": _test, "watch": _watch}
    try:
        return handlers[args.command](args)
    except ComplianceError as error:
        _report(error, getattr(args, "format", "text") == "json")
        return EXIT_UNUSABLE
    except BrokenPipeError:  # the reader went away (`compliance rules | head`): nothing more to say
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stays open until exit, as stdout would
        return EXIT_OK


_exiting_at_once = False
_retained: list[Any] = []


def run() -> NoReturn:
    """The ``compliance`` command: :func:`main`, then exit without freeing the records.

    Freeing a million events one by one, then the interpreter's own teardown, took
    several seconds (5 of a 1M-event run) and change nothing once the results are
    written and closed, so the process ends at once, as mypy's does: the records
    stay referenced (``_retained``), streams are flushed, then ``os._exit``. For
    the same reason ``evaluate`` freezes the objects it holds when the collector
    resumes (:func:`~compliance.collector.freeze_when_resuming`; not ``watch``,
    which runs on). Code that embeds the command calls :func:`main`, which returns,
    keeps nothing and freezes nothing.
    """
    global _exiting_at_once
    _exiting_at_once = True
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away: nothing more can be said
        pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
