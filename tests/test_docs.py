"""The documentation says what the code does: generated pages are current, examples run."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_vocabulary_page_is_generated_from_the_vocabulary():
    result = subprocess.run([sys.executable, str(ROOT / "docs" / "_generate_vocabulary.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _python_blocks(path):
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.DOTALL)


@pytest.mark.parametrize("page", ["README.md", "docs/cli.md"])
def test_python_examples_run(page, capsys, monkeypatch, tmp_path):
    blocks = _python_blocks(ROOT / page)
    assert blocks, f"{page} has no python example"
    monkeypatch.chdir(ROOT)  # the examples name paths from the repository root
    for block in blocks:
        block = block.replace('"results/"', repr(str(tmp_path / "results")))
        exec(compile(block, page, "exec"), {"__name__": "__doc_example__"})
    assert "tonghua-2022-10." in capsys.readouterr().out


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.*?)\n```", readme, re.DOTALL)
    test_command = next(c for c in commands if "pytest" in c)
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_coverage_page_is_current(capsys):
    from compliance.cli import main

    assert main(["rules", "--coverage", "--format", "markdown"]) == 0
    assert capsys.readouterr().out == (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8"), (
        "docs/coverage.md is out of date: compliance rules --coverage --format markdown > docs/coverage.md")


def test_coverage_counts_rows_once_and_marks_partial_rows(capsys):
    from compliance.cli import main

    assert main(["rules", "--coverage", "--format", "json"]) == 0
    packs = {pack["pack"]: pack for pack in __import__("json").loads(capsys.readouterr().out)}
    rows = {row["row"]: row for row in packs["tonghua-2022-10"]["rows"]}
    assert rows["tonghua-2022-10.t07"]["rules"] == ["tonghua-2022-10.t07-a", "tonghua-2022-10.t07-b"]
    assert rows["tonghua-2022-10.t29"]["state"] == "encoded" and len(rows["tonghua-2022-10.t29"]["rules"]) == 3
    assert rows["tonghua-2022-10.t40"]["state"] == "partly encoded"
    assert rows["tonghua-2022-10.t66"]["state"] == "not checkable"


def test_the_rule_language_page_names_every_key_of_a_rule_file():
    """Every field of the rule-file schema (pack, rule, obligation kinds, ladders) appears on
    docs/rule-language.md, as `key` or `key:` in an example: a key added without a word for the
    rule authors fails here."""
    import inspect

    from pydantic import BaseModel

    import compliance.language.schema as schema

    page = (ROOT / "docs" / "rule-language.md").read_text(encoding="utf-8")
    missing = {
        name: keys
        for name, model in vars(schema).items()
        if inspect.isclass(model) and issubclass(model, BaseModel) and model.__module__ == schema.__name__
        for keys in [[info.alias or field for field, info in model.model_fields.items()
                      if f"`{info.alias or field}`" not in page and f"{info.alias or field}:" not in page]]
        if keys
    }
    assert missing == {}


def test_the_command_line_page_names_every_option():
    """Every long option of every subcommand appears in docs/cli.md."""
    import argparse

    from compliance.cli import _parser

    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    commands = next(action for action in _parser()._actions if isinstance(action, argparse._SubParsersAction))
    missing = sorted(f"{name} {option}" for name, command in commands.choices.items()
                     for action in command._actions for option in action.option_strings
                     if option.startswith("--") and option != "--help" and option not in page)
    assert missing == []


def test_every_public_name_is_documented():
    """Every name `compliance` exports, and every public method of `Monitor`, is named in the docs."""
    import compliance
    from compliance.streaming import Monitor

    pages = "".join((ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")
                    for name in ("cli", "records", "streaming", "testing"))
    names = [*compliance.__all__, *(name for name in dir(Monitor) if not name.startswith("_"))]
    assert [name for name in names if name not in pages] == []
