from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from redline.config import ScheduleConfig
from redline.model import ArticleStatus
from redline.schedule import plan_next_check

NOW = datetime(2026, 11, 1, tzinfo=UTC)
NO_JITTER = ScheduleConfig(jitter=0.0)


def middle() -> float:
    return 0.5


def test_a_change_resets_the_interval() -> None:
    planned = plan_next_check(
        NO_JITTER, NOW, changed=True, previous_interval=timedelta(days=3), random=middle
    )
    assert planned.interval == timedelta(minutes=30)
    assert planned.at == NOW + timedelta(minutes=30)
    assert planned.status is ArticleStatus.ACTIVE


def test_unchanged_checks_back_off_until_the_article_is_stopped() -> None:
    intervals: list[timedelta] = []
    previous = None
    while True:
        planned = plan_next_check(
            NO_JITTER, NOW, changed=False, previous_interval=previous, random=middle
        )
        if planned.status is ArticleStatus.STOPPED:
            break
        intervals.append(planned.interval)
        previous = planned.interval
    assert intervals[:3] == [timedelta(minutes=30), timedelta(minutes=36), timedelta(minutes=43.2)]
    assert intervals[-1] <= timedelta(days=40) < intervals[-1] * 1.2
    assert planned.at is None
    assert len(intervals) == 42


@pytest.mark.parametrize("draw", [0.0, 0.999])
def test_jitter_spreads_the_time_but_not_the_stored_interval(draw: float) -> None:
    config = ScheduleConfig(jitter=0.1)
    planned = plan_next_check(
        config, NOW, changed=True, previous_interval=None, random=lambda: draw
    )
    assert planned.interval == timedelta(minutes=30)
    assert planned.at is not None
    assert timedelta(minutes=27) <= planned.at - NOW <= timedelta(minutes=33)
    assert planned.at - NOW != timedelta(minutes=30)
