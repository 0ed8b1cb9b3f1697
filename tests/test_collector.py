"""The cyclic collector is paused around bulk work and restored as it was."""

from __future__ import annotations

import gc

import pytest

from compliance.collector import collector_paused


@pytest.fixture
def collecting():
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def test_restored_after_an_error(collecting):
    with pytest.raises(ZeroDivisionError), collector_paused():
        assert not gc.isenabled()
        1 / 0
    assert gc.isenabled()


def test_left_disabled_when_it_was(collecting):
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_nested_uses_enable_it_only_at_the_outermost_end(collecting):
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
