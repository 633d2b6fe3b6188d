"""Sunset, dusk (end of civil twilight) and DST changes for a place, per date, from astral and zoneinfo.

astral (a maintained package, pinned in pyproject.toml) computes both with the NOAA Solar Calculator's
equations (after Meeus, *Astronomical Algorithms*); ``SUN_ALGORITHM`` says so in every veil-of-darkness result.
The Stanford Open Policing Project computed them with R's ``suncalc`` (``getSunlightTimes``): the same
definitions (sunset: the sun's upper limb on the horizon, with refraction; dusk: the sun's centre 6 degrees
below it) by other formulae, so a stop within seconds of a boundary can fall on the other side of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import astral
import pandas as pd
from astral import Observer
from astral.sun import dusk, sunset

from .errors import InputError

SUN_ALGORITHM = (
    f"astral {astral.__version__} (NOAA Solar Calculator equations): sunset when the sun's upper limb meets "
    "the horizon, with refraction; dusk when its centre is 6 degrees below the horizon (end of civil twilight)"
)


def zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"unknown time zone {tz!r}", column="tz") from exc


def _minutes(t: dt.datetime) -> float:
    return t.hour * 60 + t.minute + t.second / 60 + t.microsecond / 6e7


def sun_times(dates: Iterable[dt.date], lat: float, lng: float, tz: str) -> pd.DataFrame:
    """Local clock minutes after midnight of sunset and dusk, per date; NaN where the sun does not set that day.

    ``sunset_min``/``dusk_min`` are exact (fractions of a minute); ``sunset_minute``/``dusk_minute`` are whole
    minutes, the seconds dropped, as OPP's ``time_to_minute`` turns a local ``HH:MM:SS`` into ``hour * 60 +
    minute``. A dusk after midnight counts as 1440 + its minutes (OPP's code would wrap it to the early
    morning; that happens only far north of the United States).
    """
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise InputError(f"lat/lng ({lat}, {lng}) out of range", column="lat")
    zone(tz)
    rows = [(d, *_sun_one(d, float(lat), float(lng), tz)) for d in dates]
    return pd.DataFrame(rows, columns=["date", "sunset_min", "dusk_min", "sunset_minute", "dusk_minute"])


@lru_cache(maxsize=200_000)
def _sun_one(d: dt.date, lat: float, lng: float, tz: str) -> tuple[float, float, float, float]:
    """Cached: re-running an analysis (variants, geographies) at one place costs no solar computation."""
    tzinfo = ZoneInfo(tz)
    obs = Observer(latitude=lat, longitude=lng)
    try:
        s = sunset(obs, d, tzinfo=tzinfo)
        k = dusk(obs, d, tzinfo=tzinfo)
    except ValueError:  # the sun does not set (or twilight does not end) that day
        nan = float("nan")
        return nan, nan, nan, nan
    # a dusk after midnight belongs to the next day; the window logic needs same-day clock times
    next_day = 1440 if k.date() > d else 0
    return (
        _minutes(s),
        _minutes(k) + next_day,
        float(s.hour * 60 + s.minute),
        float(k.hour * 60 + k.minute + next_day),
    )


def dst_changes(years: Iterable[int], tz: str, forward: bool | None = None) -> list[dt.date]:
    """Dates on which the UTC offset changes (clocks move) in the zone; ``forward`` True keeps only the starts
    of daylight saving time (clocks go forward), False only the ends, None both."""
    tzinfo = zone(tz)
    out = []
    for y in sorted(set(years)):
        d = dt.date(y, 1, 1)
        prev = dt.datetime(y - 1, 12, 31, 12, tzinfo=tzinfo).utcoffset()
        while d.year == y:
            off = dt.datetime(d.year, d.month, d.day, 12, tzinfo=tzinfo).utcoffset()
            if off != prev and (forward is None or (off > prev) == forward):  # type: ignore[operator]
                out.append(d)
            prev = off
            d += dt.timedelta(days=1)
    return out


def near_dst(dates: Iterable[dt.date], tz: str, days: int = 30) -> dict[dt.date, bool]:
    return {d: s is not None for d, s in dst_seasons(dates, tz, days).items()}


def dst_seasons(dates: Iterable[dt.date], tz: str, days: int = 30) -> dict[dt.date, str | None]:
    """Per date: "spring" within ``days`` days (inclusive) of a start of daylight saving time, "fall" within
    ``days`` of an end, else None. OPP's ``filter_to_dst_windows`` with its ``season`` (spring wins where both
    would apply); OPP reads US change dates from a table, here they come from the zone's own rules."""
    dates = list(dates)
    years = {d.year for d in dates} | {d.year + 1 for d in dates} | {d.year - 1 for d in dates}
    starts, ends = dst_changes(years, tz, forward=True), dst_changes(years, tz, forward=False)

    def near(d: dt.date, changes: list[dt.date]) -> bool:
        return any(abs((d - c).days) <= days for c in changes)

    return {d: "spring" if near(d, starts) else "fall" if near(d, ends) else None for d in dates}
