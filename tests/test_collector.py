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


def test_freezing_moves_what_the_block_made_out_of_later_collections(collecting):
    from compliance.collector import freeze_when_resuming

    gc.unfreeze()
    try:
        with collector_paused():
            made = [[index] for index in range(1000)]  # tracked containers
        assert gc.get_freeze_count() == 0  # not asked: nothing frozen
        freeze_when_resuming()
        with collector_paused():
            made = [[index] for index in range(1000)]
            assert gc.get_freeze_count() == 0  # only when the collector resumes
        assert gc.get_freeze_count() >= len(made) and gc.isenabled()
    finally:
        freeze_when_resuming(False)
        gc.unfreeze()
