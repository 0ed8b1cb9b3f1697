"""docs/rules/: one generated page per rule pack, current with the packs, naming every rule."""

from __future__ import annotations

import re
import subprocess
import sys

from compliance.language import load_packs
from tests.conftest import ROOT

SCRIPT = ROOT / "docs" / "_generate_rules.py"
PAGES = ROOT / "docs" / "rules"


def test_rule_pages_are_generated_from_the_packs():
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], check=False, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_rule_of_every_pack_is_on_its_pack_page():
    packs = load_packs()
    assert packs
    index = (PAGES / "README.md").read_text(encoding="utf-8")
    for pack in packs:
        page = PAGES / f"{pack.id}.md"
        assert page.exists(), f"no page for pack {pack.id}: run python docs/_generate_rules.py"
        text = page.read_text(encoding="utf-8")
        headings = set(re.findall(r"^### `([^`]+)`", text, re.MULTILINE))
        missing = [rule.id for rule in pack.rules if rule.id not in headings]
        assert missing == [], f"{page.name} lacks rules {missing}"
        for entry in pack.not_checkable:
            assert f"`{entry.id}`" in text, f"{page.name} lacks the not-checkable {entry.id}"
        assert f"({pack.id}.md)" in index, f"README.md does not index {pack.id}"


def test_pages_give_sources_parameters_and_ladders():
    national = (PAGES / "national.md").read_text(encoding="utf-8")
    for ladder in ("territorial", "departmental", "enterprise", "person"):
        assert f"### `{ladder}`" in national
    assert "安全生产法（2021） 第九十四条；通安委〔2022〕10号 附件第27项" in national  # a ladder step's source
    tonghua = (PAGES / "tonghua-2022-10.md").read_text(encoding="utf-8")
    assert "| 文号 | 通安委〔2022〕10号 |" in tonghua
    assert "> 相关会议纪要抄报上级安委会办公室。" in tonghua  # the quoted sentence of t07-b
    assert "| `within` | `P15D` | 政策选择" in tonghua  # its policy default
    assert "`tonghua-2022-10.t66`" in tonghua  # not checkable, with its reason
