"""Fixtures for engine tests: the real Rhode Island file, and small synthetic stops with planted effects."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from astral import Observer
from astral.sun import dusk, sunset

REPO = Path(__file__).resolve().parents[2]
# The shared real files sit beside the repository; CONTINUUM_SHARED_DATA says where when it runs from a copy.
DATA = Path(os.environ.get("CONTINUUM_SHARED_DATA") or REPO / ".." / "shared" / "data")
RI = DATA / "ri_state_police_stops_2005_2008.csv"
LAT, LNG, TZ = 41.70, -71.50, "America/New_York"


@pytest.fixture(autouse=True)
def _fast_password_hashing():
    """Engine tests need no Django: replace the web suite's settings-based autouse fixture with a no-op."""


@pytest.fixture(autouse=True)
def hash_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CONTINUUM_HASH_KEY", "test-key")
    return "test-key"


@pytest.fixture(scope="session")
def ri_path() -> Path:
    assert RI.is_file(), f"real data missing at {RI}"
    return RI


@pytest.fixture(scope="session")
def ri_data(ri_path: Path):
    from continuum.analysis.load import load_stops

    data = load_stops(ri_path, "ri_state_police")
    yield data
    data.close()


def sun_minutes(dates, lat: float = LAT, lng: float = LNG, tz: str = TZ) -> pd.DataFrame:
    """Independent of the engine: astral called directly."""
    obs, z = Observer(lat, lng), ZoneInfo(tz)
    rows = []
    for d in dates:
        s, k = sunset(obs, d, tzinfo=z), dusk(obs, d, tzinfo=z)
        rows.append(
            (
                d,
                s.hour * 60 + s.minute + s.second / 60 + s.microsecond / 6e7,
                k.hour * 60 + k.minute + k.second / 60 + k.microsecond / 6e7,
            )
        )
    return pd.DataFrame(rows, columns=["date", "sunset", "dusk"])


def make_veil_rows(n: int, dark_effect: float, seed: int = 1, districts: int = 3) -> pd.DataFrame:
    """Stops in the evening with P(black) = logistic(-1.2 + dark_effect * is_dark + time trend + district)."""
    rng = np.random.default_rng(seed)
    start = dt.date(2019, 1, 1)
    dates = [start + dt.timedelta(days=int(x)) for x in rng.integers(0, 730, n)]
    minute = rng.integers(16 * 60, 22 * 60, n)  # 16:00-22:00 covers the inter-twilight window
    sun = sun_minutes(sorted(set(dates))).set_index("date")
    dusk_m = np.array([sun.loc[d, "dusk"] for d in dates])
    is_dark = (minute > dusk_m).astype(float)
    district = rng.integers(0, districts, n)
    eta = -1.2 + dark_effect * is_dark + 0.3 * np.sin(minute / 200) + 0.2 * district
    black = rng.random(n) < 1 / (1 + np.exp(-eta))
    race = np.where(black, "black", np.where(rng.random(n) < 0.1, "hispanic", "white"))
    return pd.DataFrame(
        {
            "date": [d.isoformat() for d in dates],
            "time": [f"{m // 60:02d}:{m % 60:02d}" for m in minute],
            "subject_race": race,
            "district": [f"D{d}" for d in district],
        }
    )
