"""Pausing Python's cyclic garbage collector around bulk work on many long-lived objects.

Loading a large export creates millions of objects that live as long as the
run (the events, their instants and attributes), and evaluating it reads them
while creating more (findings, lists of selected events). Neither makes
reference cycles worth collecting, but every full collection walks the whole
heap: with a million events held, the collector's repeated scans took more
time than the work itself (about 40% of loading, over 80% of evaluating all
the shipped packs; docs/performance.md). Reference counting still frees what
is dropped; cycles made meanwhile are collected once the collector runs again.
The pause is process-wide: other threads' cycles wait for the end of the block too.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


_freezing = False


def freeze_when_resuming(enabled: bool = True) -> None:
    """Whether :func:`collector_paused` freezes every tracked object (``gc.freeze``) before resuming.

    For a process that ends when its work is done (``compliance evaluate``, see
    :func:`compliance.cli.run`): the records and findings made while the collector was
    paused go to the permanent generation with everything else, so that no collection
    after the pause walks them (the first one after loading a million events took
    about a second). Not for code that embeds the library, nor for a process that runs
    on: ``gc.freeze`` is process-wide, and frozen cyclic garbage is never collected.
    """
    global _freezing
    _freezing = enabled


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cyclic collector for the block and restore it as it was, whatever happens.

    Nested uses are harmless: only the outermost one, which found it enabled, enables it again.

    >>> with collector_paused():
    ...     gc.isenabled()
    False
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if _freezing:
                gc.freeze()
            gc.enable()
