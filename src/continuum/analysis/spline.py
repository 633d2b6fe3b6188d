"""Natural cubic spline basis for time of day, built as R's ``splines::ns(x, df)`` builds it.

``ns(x, df = 6)`` (no intercept) puts ``df - 1`` interior knots at the quantiles of ``x`` (R's default type 7,
numpy's default ``linear``) and the boundary knots at its range, evaluates the cubic B-spline basis on them,
and projects out the two directions that would give the curve a second derivative at the boundaries (the QR
step of ``ns``). The columns here are R's columns to rounding, so every spline term can be compared with an R
fit, not only the terms that do not depend on how the spline is parametrised.

Which values ``x`` holds decides the knots. The Stanford Open Policing Project's ``train_vod_model`` calls
``ns`` inside ``glm`` on its *grouped* table (one row per darkness x rounded minute [x geography ...]), so its
knots are quantiles of those grouped rows; the veil of darkness passes the same rows here (see
``analyses/veil.py``). Values outside the boundary knots get R's linear extrapolation (``predict.ns``).
"""

from __future__ import annotations

import numpy as np
from scipy.interpolate import BSpline


class NaturalSpline:
    def __init__(self, values: np.ndarray, df: int = 6) -> None:
        x = np.asarray(values, dtype=float)
        n_distinct = len(np.unique(x))
        if n_distinct < df + 1:
            raise ValueError(
                f"need at least {df + 1} distinct times for a spline with df={df}, have {n_distinct}"
            )
        self.df = df
        n_inner = df - 1  # R: nIknots <- df - 1L - intercept, intercept = FALSE
        probs = np.linspace(0.0, 1.0, n_inner + 2)[1:-1]
        self.knots = np.quantile(x, probs) if n_inner else np.array([])
        self.boundary = (float(x.min()), float(x.max()))
        lo, hi = self.boundary
        self._t = np.concatenate([[lo] * 4, self.knots, [hi] * 4])
        n_basis = len(self._t) - 4
        self._bs = BSpline(self._t, np.eye(n_basis), 3, extrapolate=True)
        # splineDesign(Aknots, Boundary.knots, derivs = 2), its first column dropped (intercept = FALSE)
        const = self._bs.derivative(2)(np.array([lo, hi]))[:, 1:]
        q, _ = np.linalg.qr(const.T, mode="complete")  # qr(t(const)): Householder, as R's LINPACK dqrdc2
        self._proj = q[:, 2:]  # t(qr.qty(qr.const, t(basis)))[, -(1:2)] = basis %*% Q[, -(1:2)]

    def _raw(self, x: np.ndarray) -> np.ndarray:
        return self._bs(x)[:, 1:]

    def __call__(self, values: np.ndarray) -> np.ndarray:
        x = np.asarray(values, dtype=float)
        lo, hi = self.boundary
        inside = np.clip(x, lo, hi)
        raw = self._raw(inside)
        outside = (x < lo) | (x > hi)
        if outside.any():  # predict.ns: linear beyond the boundary knots
            edge = np.where(x[outside] < lo, lo, hi)
            slope = self._bs.derivative(1)(edge)[:, 1:]
            raw[outside] = self._raw(edge) + (x[outside] - edge)[:, None] * slope
        return raw @ self._proj

    @property
    def names(self) -> list[str]:
        return [f"time_spline_{i + 1}" for i in range(self._proj.shape[1])]
