"""Every obligation of ../shared/OBLIGATIONS.md is a rule or a not-checkable entry of its pack."""

from __future__ import annotations

import json
import re

import pytest

from compliance.cli import main
from tests.conftest import ROOT

OBLIGATIONS = ROOT.parent / "shared" / "OBLIGATIONS.md"


def _required_ids() -> list[str]:
    text = OBLIGATIONS.read_text(encoding="utf-8")
    return re.findall(r"^\| ((?:national|tonghua-2022-10|jilin-rf-2022-80|taonan-mz-2022|henan-hkk-2022|district-2023)"
                      r"\.[a-z0-9.-]+) \|", text, re.MULTILINE)


@pytest.mark.skipif(not OBLIGATIONS.exists(), reason="../shared/OBLIGATIONS.md is not beside this checkout")
def test_every_obligation_is_encoded_or_listed_as_not_checkable(capsys):
    required = _required_ids()
    assert len(required) == 55  # the rows of the requirements list
    assert main(["rules", "--coverage", "--format", "json"]) == 0
    rows = {row["row"] for pack in json.loads(capsys.readouterr().out) for row in pack["rows"]}
    assert [identifier for identifier in required if identifier not in rows] == []


def test_every_rule_of_every_pack_cites_its_document_and_article():
    from compliance.language import load_packs

    for pack in load_packs():
        assert pack.spec.document.title and pack.spec.document.issuer, pack.id
        for rule in pack.rules:
            assert rule.citation.document and rule.citation.article and rule.citation.text, rule.id
        for entry in pack.not_checkable:
            assert entry.reason.strip(), entry.id


@pytest.mark.skipif(not OBLIGATIONS.exists(), reason="../shared/OBLIGATIONS.md is not beside this checkout")
def test_the_requirements_list_is_read():
    required = _required_ids()
    assert "national.accident-grade" in required and "district-2023.demo" in required
    assert "tonghua-2022-10.plan" in required and "henan-hkk-2022.window" in required
