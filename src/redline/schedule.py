"""When to check an article again: soon after it changes, less often as it ages.

The NewsSniffer policy, with its numbers as defaults in ``[schedule]``: after
a new version the next check comes ``after_change`` later; each check that
finds nothing new (or fails) multiplies the interval by ``backoff``; once the
interval would exceed ``stop_after`` the article is no longer checked. A
little random jitter keeps checks of articles added together from bunching.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from .config import ScheduleConfig
from .model import ArticleStatus, NextCheck

__all__ = ["plan_next_check"]


def plan_next_check(
    config: ScheduleConfig,
    now: datetime,
    *,
    changed: bool,
    previous_interval: timedelta | None,
    random: Callable[[], float],
) -> NextCheck:
    """Plan the next check after one that did (``changed``) or did not find a new version.

    ``random`` returns a float in [0, 1) and sets the jitter; the stored
    interval is the one without jitter, so jitter never compounds.
    """
    if changed or previous_interval is None:
        interval = config.after_change
    else:
        interval = previous_interval * config.backoff
    if interval > config.stop_after:
        return NextCheck(at=None, interval=interval, status=ArticleStatus.STOPPED)
    spread = 1 + config.jitter * (2 * random() - 1)
    return NextCheck(at=now + interval * spread, interval=interval, status=ArticleStatus.ACTIVE)
