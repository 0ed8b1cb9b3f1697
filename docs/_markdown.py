"""What the page generators of docs/ share: Markdown table cells and tables, and writing or checking a page.

The generators are run as scripts (``python docs/_generate_rules.py``), so this
folder is on ``sys.path`` and they import this module by its name.
"""

from __future__ import annotations

import sys
from pathlib import Path


def cell(value: object) -> str:
    """A value as one Markdown table cell: ``|`` escaped, lines joined.

    >>> cell("a|b\\nc"), cell(None)
    ('a\\\\|b c', '')
    """
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def table(header: list[str], rows: list[list[object]]) -> list[str]:
    """A Markdown table's lines, then a blank line.

    >>> table(["a", "b"], [[1, None]])
    ['| a | b |', '|---|---|', '| 1 |  |', '']
    """
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return lines + [""]


def write_or_check(output: Path, text: str, check: bool, script: str) -> int:
    """Write ``text`` to ``output``; with ``check``, only say (exit status 1) whether it differs."""
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            sys.stderr.write(f"{output} is out of date: run python {Path(script).name}\n")
            return 1
        return 0
    output.write_text(text, encoding="utf-8", newline="\n")
    return 0
