"""Followers: one class per obligation kind (or family), each following one rule for one monitor.

:data:`FOLLOWERS` maps a kind to its follower. Every kind of the rule language
has one; a kind added to the language without one is followed by
:class:`~compliance.streaming.followers.retained.RetainedFollower` (its events
kept, its findings evaluated on demand) until it does: adding incremental
support for a kind is adding a follower class here, nothing else.
"""

from __future__ import annotations

from compliance.streaming.followers.bans import BanFollower
from compliance.streaming.followers.base import Follower
from compliance.streaming.followers.chains import ChainFollower
from compliance.streaming.followers.dated import DeadlineFollower, WindowFollower
from compliance.streaming.followers.incidents import GradingFollower
from compliance.streaming.followers.periods import PeriodFollower
from compliance.streaming.followers.quota import QuotaFollower
from compliance.streaming.followers.records import (
    CompletenessFollower,
    PreconditionFollower,
    ProhibitionFollower,
)
from compliance.streaming.followers.response import ResponseFollower
from compliance.streaming.followers.retained import RetainedFollower
from compliance.streaming.followers.sanctions import SanctionFollower

FOLLOWERS: dict[str, type[Follower]] = {
    kind: follower
    for follower in (PeriodFollower, DeadlineFollower, WindowFollower, ResponseFollower, QuotaFollower,
                     CompletenessFollower, PreconditionFollower, ProhibitionFollower, GradingFollower,
                     ChainFollower, BanFollower, SanctionFollower)
    for kind in follower.kinds
}

__all__ = ["FOLLOWERS", "Follower", "RetainedFollower"]
