"""Natural cubic spline basis for time of day, built once on the distinct rounded times.

Knots come from the distinct values, not the rows, so the grouped fit and a row-level fit see the very same
basis functions; the basis is centred so it is not collinear with the intercept.
"""

from __future__ import annotations

import numpy as np
import patsy


class NaturalSpline:
    def __init__(self, distinct_values: np.ndarray, df: int = 6) -> None:
        x = np.unique(np.asarray(distinct_values, dtype=float))
        if len(x) < df + 1:
            raise ValueError(
                f"need at least {df + 1} distinct times for a spline with df={df}, have {len(x)}"
            )
        self.df = df
        self._info = patsy.dmatrix(f"cr(x, df={df}, constraints='center') - 1", {"x": x}).design_info

    def __call__(self, values: np.ndarray) -> np.ndarray:
        (m,) = patsy.build_design_matrices([self._info], {"x": np.asarray(values, dtype=float)})
        return np.asarray(m)

    @property
    def names(self) -> list[str]:
        return [f"time_spline_{i + 1}" for i in range(len(self._info.column_names))]
