"""Sunset, dusk (end of civil twilight) and DST changes for a place, per date, from astral and zoneinfo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
from astral import Observer
from astral.sun import dusk, sunset

from .errors import InputError


def zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"unknown time zone {tz!r}", column="tz") from exc


def _minutes(t: dt.datetime) -> float:
    return t.hour * 60 + t.minute + t.second / 60 + t.microsecond / 6e7


def sun_times(dates: Iterable[dt.date], lat: float, lng: float, tz: str) -> pd.DataFrame:
    """Local clock minutes after midnight of sunset and dusk; NaN where the sun does not set that day."""
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise InputError(f"lat/lng ({lat}, {lng}) out of range", column="lat")
    zone(tz)
    rows = [(d, *_sun_one(d, float(lat), float(lng), tz)) for d in dates]
    return pd.DataFrame(rows, columns=["date", "sunset_min", "dusk_min"])


@lru_cache(maxsize=200_000)
def _sun_one(d: dt.date, lat: float, lng: float, tz: str) -> tuple[float, float]:
    """Cached: re-running an analysis (variants, geographies) at one place costs no solar computation."""
    tzinfo = ZoneInfo(tz)
    obs = Observer(latitude=lat, longitude=lng)
    try:
        s = sunset(obs, d, tzinfo=tzinfo)
        k = dusk(obs, d, tzinfo=tzinfo)
    except ValueError:  # the sun does not set (or twilight does not end) that day
        return float("nan"), float("nan")
    # a dusk after midnight belongs to the next day; the window logic needs same-day clock times
    return _minutes(s), _minutes(k) + (1440 if k.date() > d else 0)


def dst_changes(years: Iterable[int], tz: str) -> list[dt.date]:
    """Dates on which the UTC offset changes (clocks move) in the zone."""
    tzinfo = zone(tz)
    out = []
    for y in sorted(set(years)):
        d = dt.date(y, 1, 1)
        prev = dt.datetime(y - 1, 12, 31, 12, tzinfo=tzinfo).utcoffset()
        while d.year == y:
            off = dt.datetime(d.year, d.month, d.day, 12, tzinfo=tzinfo).utcoffset()
            if off != prev:
                out.append(d)
            prev = off
            d += dt.timedelta(days=1)
    return out


def near_dst(dates: Iterable[dt.date], tz: str, days: int = 30) -> dict[dt.date, bool]:
    dates = list(dates)
    changes = dst_changes(
        {d.year for d in dates} | {d.year + 1 for d in dates} | {d.year - 1 for d in dates}, tz
    )
    return {d: any(abs((d - c).days) <= days for c in changes) for d in dates}
