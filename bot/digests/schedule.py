"""When digests fall due: daily local times, time zones and clock changes."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

TIME_OF_DAY = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")


def parse_time_of_day(value: str) -> dt.time | None:
    """'8:00', '08:00', '8.00' or '8h00' as a time; None if it is not one."""
    match = TIME_OF_DAY.match(value.strip())
    if match is None:
        return None
    return dt.time(int(match.group(1)), int(match.group(2)))


def zone(name: str | None, default: str) -> zoneinfo.ZoneInfo:
    """The chat's zone, falling back to the configured default."""
    try:
        return zoneinfo.ZoneInfo(name or default)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(default)


def latest_slot(time_of_day: dt.time, tz: zoneinfo.ZoneInfo, now: dt.datetime) -> dt.datetime:
    """The most recent moment at or before `now` when the local clock showed `time_of_day`, UTC.

    On the day a local time does not exist (spring forward) the digest goes at the shifted
    instant; on the day it exists twice (fall back) only the first one counts.
    """
    local_now = now.astimezone(tz)
    for days_back in range(3):
        day = local_now.date() - dt.timedelta(days=days_back)
        slot = dt.datetime.combine(day, time_of_day, tzinfo=tz).replace(fold=0)
        # Normalise nonexistent local times through UTC.
        slot_utc = slot.astimezone(dt.UTC)
        if slot_utc <= now:
            return slot_utc
    raise AssertionError("a daily time always occurs within three days")


def next_slot(time_of_day: dt.time, tz: zoneinfo.ZoneInfo, now: dt.datetime) -> dt.datetime:
    """The first moment strictly after `now` when the digest falls due, UTC."""
    local_now = now.astimezone(tz)
    for days_ahead in range(3):
        day = local_now.date() + dt.timedelta(days=days_ahead)
        slot_utc = (
            dt.datetime.combine(day, time_of_day, tzinfo=tz).replace(fold=0).astimezone(dt.UTC)
        )
        if slot_utc > now:
            return slot_utc
    raise AssertionError("a daily time always occurs within three days")


def format_time(value: dt.time) -> str:
    """HH:MM."""
    return f"{value.hour:02d}:{value.minute:02d}"
