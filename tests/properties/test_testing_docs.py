"""docs/testing.md runs as written: its Python blocks, in order, in one namespace, print what it shows."""

from __future__ import annotations

import re

from tests.conftest import ROOT

PAGE = ROOT / "docs" / "testing.md"


def _blocks(kind):
    return re.findall(rf"```{kind}\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.DOTALL)


def test_the_python_examples_of_testing_md_run_and_pass(capsys):
    blocks = _blocks("python")
    assert len(blocks) >= 5
    namespace = {"__name__": "__doc_example__"}
    for number, block in enumerate(blocks, 1):
        # A name that is not a file: Hypothesis reads a test's source for its database key, and the
        # page's own lines are not that source.
        exec(compile(block, f"<docs/testing.md, example {number}>", "exec"), namespace)  # noqa: S102
    printed = capsys.readouterr().out
    assert printed.strip() == _blocks("text")[0].strip()  # the properties of the monthly rule, as shown


def test_every_public_name_is_on_the_page():
    import compliance.testing

    text = PAGE.read_text(encoding="utf-8")
    missing = [name for name in compliance.testing.__all__ if name not in text]
    assert missing == []
