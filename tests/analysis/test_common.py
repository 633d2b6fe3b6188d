"""The shared steps every analysis uses (analyses/common.py): the checks on the columns and parameters, and the
most frequent value per unit, against counts made here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from continuum.analysis.analyses.common import as_float, as_list, most_frequent, race_in
from continuum.analysis.errors import InputError


def test_as_float_reads_text_numbers_and_refuses_words():
    assert as_float(None) is None and as_float("") is None
    assert as_float("12000") == 12000.0 and as_float(3) == 3.0 and as_float(" 2.5 ") == 2.5
    with pytest.raises(InputError, match=r"^parameter value 'many' is not a number$"):
        as_float("many")
    with pytest.raises(InputError, match=r"^parameter value \[1\] is not a number$"):
        as_float([1])


def test_as_list_splits_on_commas_and_drops_blanks():
    assert as_list(None) == [] and as_list(" black, ,white ,") == ["black", "white"]
    assert as_list(("a", 2)) == ["a", "2"]


def test_race_in_quotes_each_value():
    assert race_in(["black", "o'brien"]) == """"subject_race" IN ('black', 'o''brien')"""


def test_most_frequent_weights_rows_by_n_and_breaks_ties_by_first_seen():
    rows = pd.DataFrame(
        {
            "unit": ["a", "a", "a", "b", "b", "c", "a"],
            "race": ["white", "black", "white", "black", "white", None, "black"],
            "n": [1, 3, 1, 2, 2, 4, 1],
        }
    )
    got = most_frequent(rows, "unit", "race")
    # a: black 3 + 1 = 4 against white 1 + 1 = 2; b: a tie, black seen first; c: never recorded
    want = {}
    for unit, part in rows.dropna(subset=["race"]).groupby("unit", sort=False):
        totals = {}
        for race, n in zip(part["race"], part["n"], strict=True):
            totals[race] = totals.get(race, 0) + n
        want[unit] = max(totals, key=lambda r: (totals[r], -list(totals).index(r)))
    assert got.to_dict() == want == {"a": "black", "b": "black"}
    assert got.index.name == "unit" and "c" not in got.index
    reversed_tie = most_frequent(rows.iloc[[4, 3]], "unit", "race")
    assert reversed_tie.to_dict() == {"b": "white"}


def test_most_frequent_breaks_ties_by_first_seen_among_units_of_different_sizes():
    """Tied values within a unit, units of different sizes: an unstable sort by count reorders equal counts of
    different units, so only a stable one keeps each unit's first-seen value first."""
    rng = np.random.default_rng(0)
    units = [f"u{i:02d}" for i in range(60)]
    sizes = rng.integers(1, 4, len(units))
    rows = pd.DataFrame({"unit": units * 2, "race": ["white"] * 60 + ["black"] * 60, "n": np.tile(sizes, 2)})
    rows = rows.sample(frac=1, random_state=0).reset_index(drop=True)
    got = most_frequent(rows, "unit", "race")
    first_seen = {}
    for unit, race in zip(rows["unit"], rows["race"], strict=True):
        first_seen.setdefault(unit, race)  # each unit's two values tie: the first seen wins
    assert got.to_dict() == first_seen
    assert set(first_seen.values()) == {"white", "black"}


def test_most_frequent_breaks_ties_by_first_seen_in_a_long_table():
    """Many units with tied counts (past the size where an unstable sort still keeps the order)."""
    units = [f"u{i:03d}" for i in range(300)]
    rows = pd.DataFrame({"unit": units * 2, "race": ["white"] * 300 + ["black"] * 300, "n": 2})
    rows = rows.sample(frac=1, random_state=4).reset_index(drop=True)
    first_seen = rows.drop_duplicates("unit").set_index("unit")["race"]
    got = most_frequent(rows, "unit", "race")
    assert got.sort_index().to_dict() == first_seen.sort_index().to_dict()
