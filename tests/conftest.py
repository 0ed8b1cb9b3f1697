"""Shared test helpers: small in-memory exports and ad-hoc rule packs."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

ROOT = Path(__file__).resolve().parent.parent

PACK_HEADER = """\
pack: demo
version: "1"
document: {number: 测试〔2022〕1号, title: 测试文件, issuer: 测试机关, date: "2022-01-01"}
effective: "2022-01-01"
rules:
"""


@pytest.fixture(autouse=True, scope="session")
def _events_files_read_in_bulk():
    """Every CSV events file the tests load is offered to the bulk reader (compliance.records.bulk), whatever
    its size: it vouches for rows or declines the file, so the whole suite checks it against the expected
    results. tests/test_bulk.py compares it with the row path, which it must equal."""
    from compliance.records import bulk

    size, bulk.BULK_FROM_BYTES = bulk.BULK_FROM_BYTES, 0
    yield
    bulk.BULK_FROM_BYTES = size


@pytest.fixture
def make_pack(tmp_path):
    """Write a pack file from the YAML of its rules (indented as list items)."""

    def make(rules_yaml: str, name: str = "demo.yaml") -> Path:
        path = tmp_path / name
        path.write_text(PACK_HEADER + dedent(rules_yaml), encoding="utf-8")
        return path

    return make


def unit(unit_id: str, kind: str = "party_committee", level: str = "county", **extra):
    return {"unit_id": unit_id, "name": extra.pop("name", unit_id), "kind": kind, "level": level, **extra}


def event(event_id: str, unit_id: str, type_: str, at: str, **extra):
    return {"event_id": event_id, "unit_id": unit_id, "type": type_, "occurred_at": at, **extra}
