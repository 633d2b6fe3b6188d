"""Personnel step by step on five people worked by hand: the as-of date, the reduction, headcount, attrition by
year and by group, time to hire and the workforce against the community."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from continuum.analysis.analyses.personnel import (
    as_of_date,
    attrition_by_group,
    attrition_by_year,
    headcount,
    reduce_people,
    time_to_hire,
    workforce_vs_community,
)
from continuum.analysis.errors import InputError
from continuum.analysis.load import load_table
from continuum.analysis.reduce import DuckDBReducer

PEOPLE = """application_date,hire_date,separation_date,race,sex
2019-11-01,2020-01-01,,black,female
2019-12-22,2020-01-01,2021-06-30,white,male
,2020-06-01,,white,male
2021-01-01,2021-03-01,,white,female
2021-03-01,2021-02-01,2021-01-01,black,male
"""


@pytest.fixture()
def people(tmp_path):
    p = tmp_path / "people.csv"
    p.write_text(PEOPLE)
    with load_table(p, table="personnel") as data:
        yield data


def test_as_of_and_reduce_people(people):
    red = DuckDBReducer(people.con)
    assert as_of_date(red, people.table, people.columns, None) == dt.date(2021, 6, 30)  # the last separation
    when = as_of_date(red, people.table, people.columns, "2021-12-31")
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        as_of_date(red, people.table, people.columns, "31/12/2021")
    r, _ = reduce_people(red, people.table, people.columns, when)
    assert r.n_used == 4 and r.excluded == {"separation before hire": 1}
    assert int(r.table.loc[r.table["active"].astype(bool), "n"].sum()) == 3


def test_headcount_and_attrition_by_year():
    t = pd.DataFrame(
        {"hire_year": [2020, 2020, 2020, 2021], "sep_year": [None, 2021, None, None], "n": [1, 1, 1, 1]}
    )
    assert headcount(t, 2021) == 3 and headcount(t, 2022) == 3 and headcount(t, 2020) == 0
    y = attrition_by_year(t, range(2021, 2022))["2021"]
    assert y == {
        "separations": 1,
        "hires": 1,
        "headcount_start": 3,
        "headcount_end": 3,
        "attrition_rate": 1 / 3,
    }


def test_attrition_by_group_over_person_years():
    t = pd.DataFrame(
        {
            "hire_year": [2019, 2019, 2019],
            "sep_year": [None, 2020, 2021],
            "race": ["black", "white", "white"],
            "n": [1, 1, 1],
        }
    )
    g = attrition_by_group(t, range(2020, 2022))["race"]
    # white: 2020 starts 2, ends 1 (1.5 person-years); 2021 starts 1, ends 0 (0.5): 2 separations / 2.0
    assert g["white"] == {"separations": 2, "person_years": 2.0, "attrition_rate": 1.0}
    assert g["black"]["attrition_rate"] == 0


def test_time_to_hire(people):
    red = DuckDBReducer(people.con)
    _, excl = reduce_people(red, people.table, people.columns, dt.date(2021, 12, 31))
    d = time_to_hire(red, people.table, excl)
    # 61, 10 and 59 days; the one with no application and the one separated before hire are out
    assert d["n"] == 3 and d["median"] == 59 and d["mean"] == pytest.approx(130 / 3)
    assert d["excluded"]["no application date"] == 1


def test_workforce_vs_community():
    active = pd.DataFrame({"race": ["black", "white", None], "n": [1, 3, 2]})
    comp = workforce_vs_community(active, {"black": 500.0, "white": 500.0}, 0.05)
    assert comp["black"]["share"] == pytest.approx(0.25) and comp["black"]["community_share"] == 0.5
    assert comp["black"]["representation_ratio"]["ratio"] == pytest.approx(0.5)
    assert "community_share" not in workforce_vs_community(active, None, 0.05)["white"]
