"""Use of force (FBI NUFDC-style reports): counts and rates, severity, injuries, disparities by subject group,
force by incident type and resistance, monthly trend, concentration across officers and officers far above
their peers.

A report is one officer's use of force on one or more subjects; subject lists are read in position, so subject
figures come from exploding the lists (one row per subject) inside the reduction. With ``subject_id`` mapped a
person is counted once however many reports or rows name them (a file of officer x subject rows names each
subject once per officer): their group is the one most of their rows record, and their severity the highest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import InputError
from ..load import StopData
from ..reduce import Reducer, Reduction
from ..results import Chart, Result, Table
from ..sql import lit
from ..stats import benjamini_hochberg, poisson_exact, ratio_ci, wilson
from ..tables import FORCE_LEVEL, FORCE_TYPES, RESISTANCE_LEVEL, SEVERITY_LABELS
from ..trend import concentration, month_exposure, poisson_trend
from .common import as_float, finish, most_frequent, reducer_for, require
from .rates import read_benchmark

SEVERITY_SQL = (
    "coalesce(list_max(list_transform(force_type, lambda x: CASE x "
    + " ".join(f"WHEN {lit(k)} THEN {v}" for k, v in FORCE_LEVEL.items())
    + " END)), 0)"
)
RESISTANCE_SQL = (
    "list_max(list_transform(resistance, lambda x: CASE x "
    + " ".join(f"WHEN {lit(k)} THEN {v}" for k, v in RESISTANCE_LEVEL.items())
    + " END))"
)
RESISTANCE_LABELS = {
    0: "none",
    1: "verbal",
    2: "passive",
    3: "active or flight",
    4: "aggressive",
    5: "deadly",
}
SUBJECT_LISTS = ("subject_id", "subject_race", "subject_sex", "subject_age", "subject_arrested")
AGE_BAND = (
    "CASE WHEN {a} IS NULL THEN NULL WHEN {a} < 18 THEN 'under 18' WHEN {a} < 25 THEN '18-24' "
    "WHEN {a} < 35 THEN '25-34' WHEN {a} < 45 THEN '35-44' WHEN {a} < 55 THEN '45-54' ELSE '55+' END"
)


def _level_label(v: int) -> str:
    return SEVERITY_LABELS.get(int(v), "unclassified (other only)")


def _agency_level_label(v: int) -> str:
    return f"level {int(v)}" if 1 <= int(v) <= 4 else "level missing or outside 1-4"


@dataclass(frozen=True)
class ForceColumns:
    """Prepare step's output: what the file's columns allow and the SQL for severity and subject count."""

    cols: frozenset[str]
    severity: str  # SQL: a report's severity level, 0 when unclassified
    by_level: bool  # severity read from the agency's force_level (no force_type)
    n_subj: str  # SQL: subjects on a report (the longest subject list, at least 1)
    date_excl: list[tuple[str, str]]

    def label(self, v: int) -> str:
        return _agency_level_label(v) if self.by_level else _level_label(v)


def prepare_force(cols: frozenset[str], levels_descending: bool = False) -> ForceColumns:
    """Prepare step: severity from the most severe force type; without force_type, from the agency's own
    force level 1-4 (``levels_descending`` when its level 1 is the most severe)."""
    if "force_type" in cols:
        severity, by_level = SEVERITY_SQL, False
    elif "force_level" in cols:
        level = "(5 - CAST(force_level AS INTEGER))" if levels_descending else "CAST(force_level AS INTEGER)"
        severity = f"CASE WHEN force_level >= 1 AND force_level < 5 THEN {level} ELSE 0 END"
        by_level = True
    else:
        raise InputError(
            "use-of-force needs standard column force_type, or force_level (1-4) when the agency publishes levels, "
            "which the mapping does not provide",
            column="force_type",
        )
    lists = [c for c in SUBJECT_LISTS if c in cols]
    n_subj = "greatest(" + ", ".join([*(f"coalesce(array_length({c}), 0)" for c in lists), "1"]) + ")"
    return ForceColumns(cols, severity, by_level, n_subj, [("date missing or unparsable", "date IS NULL")])


def use_of_force(
    data: StopData,
    *,
    arrests: float | None = None,
    calls: float | None = None,
    officers: float | None = None,
    benchmark: dict[str, float] | str | Path | None = None,
    reference: str = "white",
    min_peers: int = 5,
    fdr: float = 0.05,
    alpha: float = 0.05,
    levels_descending: bool = False,
    reducer: Reducer | None = None,
) -> Result:
    """Prepare (prepare_force), reduce (reports, subjects, incident types, officers, distinct ids), fit
    (rates, severity, injuries, group disparities, trend, peers) and present (charts, tables)."""
    # force_level stands in for force_type (agencies that publish levels); the message names force_type
    require(data, "use-of-force", "date", *(() if "force_level" in data.columns else ("force_type",)))
    fc = prepare_force(data.columns, levels_descending)
    arrests, calls, officers = as_float(arrests), as_float(calls), as_float(officers)
    cols = data.columns
    red = reducer_for(data, reducer)
    reports = reduce_reports(red, data.table, fc)
    t = reports.table
    n_reports = reports.n_used
    n_subjects = float(t["subjects"].sum())
    subjects, subject_entries, subjects_without_id = reduce_subjects(red, data.table, fc)
    by_type = reduce_incident_types(red, data.table, fc) if "incident_type" in cols else None
    officer_tab = reduce_officers(red, data.table, fc) if "officer_id_hash" in cols else None
    est, row_grain = count_estimates(
        red, data.table, fc, n_reports, subjects, subject_entries, subjects_without_id
    )
    caveats = [REPORT_CAVEAT, LEVEL_CAVEAT if fc.by_level else TYPE_CAVEAT]
    est["rates"], rate_caveat = rate_estimates(n_reports, arrests, calls, officers, officer_tab, alpha)
    caveats += rate_caveat
    est["severity"] = severity_estimates(t, n_reports, fc, alpha)
    est["force_types"] = None if fc.by_level else {ft: int(t[f"ft_{ft}"].sum()) for ft in FORCE_TYPES}
    est["injuries"] = inj = injury_estimates(t, n_reports, n_subjects, alpha)
    if isinstance(benchmark, str | Path):
        benchmark = read_benchmark(benchmark, "subject_race")
    est["subjects_by_group"] = disp = group_disparities(subjects, reference, benchmark, alpha)
    if benchmark:
        caveats.append(
            "Subjects per 1,000 residents assume residents are the population at risk (the benchmark problem)."
        )
    if by_type is not None:
        est["by_incident_type"] = weapon_share_by(by_type, "incident_type", alpha, sort=True)
    if "resistance" in t:
        by_res = weapon_share_by(t, "resistance", alpha)
        est["by_resistance"] = {RESISTANCE_LABELS.get(int(k), "not recorded"): v for k, v in by_res.items()}
    first, last = red.extent(data.table, "date")
    est["by_month"], est["trend"] = monthly_trend(t, first, last, alpha)
    caveats.append(TREND_CAVEAT)
    if officer_tab is not None and len(officer_tab):
        officer_est, peer_caveat = officer_estimates(officer_tab, min_peers, fdr)
        est.update(officer_est)
        caveats.append(peer_caveat)
    warnings = [level_warning(fc, levels_descending)] if fc.by_level else []
    months = est["by_month"]
    params = {"arrests": arrests, "calls": calls, "officers": officers, "reference": reference}
    params |= {"min_peers": min_peers, "fdr": fdr, "alpha": alpha, "benchmark": benchmark or None}
    if fc.by_level:
        params["levels_descending"] = levels_descending
    return finish(
        data,
        "use-of-force",
        est,
        n_reports,
        reports.excluded,
        params,
        caveats=caveats,
        warnings=warnings,
        charts=_charts(est, disp),
        tables=_tables(est, disp, inj, n_reports),
        counts={"reports_by_month": {m: v["reports"] for m, v in months.items()}},
        row_grain=row_grain,
    )


REPORT_CAVEAT = (
    "A report is one officer's use of force; an incident with several officers has several reports. Subject "
    "entries are read in position across the subject lists; a list shorter than the others leaves that "
    "subject's field missing."
)
TYPE_CAVEAT = (
    "Severity level is that of the most severe force type on the report: 1 physical control/takedown, "
    "2 strikes, 3 less-lethal weapons (impact, chemical, CED, canine), 4 firearm; reports listing only "
    "'other' force are unclassified."
)
TREND_CAVEAT = (
    "Trend: Poisson regression of monthly reports on month, days observed as exposure; partial "
    "first/last months weigh by their days."
)
LEVEL_CAVEAT = (
    "Severity level is the agency's own force level on the report (1-4, 4 the most severe); levels outside "
    "1-4 or missing are unclassified. 'weapon_or_firearm_share' is then the share at level 3 or 4."
)


def officer_estimates(officer_tab: pd.DataFrame, min_peers: int, fdr: float) -> tuple[dict, str]:
    """Concentration of reports across officers (Gini, Lorenz) and officers far above their peers."""
    per = officer_tab.groupby("officer")["n"].sum()
    est = {
        "concentration": concentration(per.to_numpy()),
        "officers_far_above_peers": _peer_outliers(officer_tab, min_peers, fdr),
    }
    caveat = (
        f"Officers far above peers: within an assignment with at least {min_peers} officers in the data, an "
        "officer's count against a Poisson with the mean of the other officers there (one-sided), "
        f"Benjamini-Hochberg at {fdr}. Officers with no reports are not in the data, so peer means are high "
        "and the test is conservative; exposure (shifts, arrests) is not adjusted for."
    )
    return est, caveat


def level_warning(fc: ForceColumns, descending: bool) -> str:
    """Why figures by level are not figures by force type, said before any number."""
    order = "level 1 the most severe, read as 4" if descending else "level 4 the most severe"
    return (
        f"No force type in the file: severity is the agency's own force level ({order}). Levels follow the "
        "agency's policy, not the FBI force types: they are not comparable across agencies, force types are "
        "not counted, and 'weapon or firearm' means level 3 or 4."
    )


def reduce_reports(red: Reducer, table: str, fc: ForceColumns):
    """Reduce step 1: reports by month, severity and highest resistance, with subjects, injuries and, with
    force types, reports per type."""
    cols, n_subj = fc.cols, fc.n_subj
    sums = {"subjects": n_subj}
    if "subjects_injured" in cols:
        sums["subjects_injured"] = f"least(coalesce(subjects_injured, 0), {n_subj})"
        sums["any_subject_injured"] = "CAST(coalesce(subjects_injured, 0) > 0 AS INTEGER)"
    if "officer_injured" in cols:
        sums["officer_injured"] = "CAST(officer_injured AS INTEGER)"
        sums["officer_injured_n"] = "CAST(officer_injured IS NOT NULL AS INTEGER)"
    if not fc.by_level:
        for ft in FORCE_TYPES:
            sums[f"ft_{ft}"] = f"CAST(coalesce(list_contains(force_type, {lit(ft)}), FALSE) AS INTEGER)"
    keys = {"month": "strftime(date, '%Y-%m')", "severity": fc.severity}
    if "resistance" in cols:
        keys["resistance"] = f"coalesce({RESISTANCE_SQL}, -1)"
    return red.reduce(table, Reduction(keys=keys, sums=sums, exclusions=fc.date_excl))


def reduce_subjects(red: Reducer, table: str, fc: ForceColumns) -> tuple[pd.DataFrame, int, int]:
    """Reduce step 2: subjects, the lists exploded in position; with subject_id one row per person. Returns
    (table, subject entries, entries without an id)."""
    cols = fc.cols
    subj_keys = {"severity": fc.severity}
    if "subject_id" in cols:
        subj_keys["subject"] = "subject_id[_i]"
    subj_sums: dict[str, str] = {}
    if "subject_race" in cols:
        subj_keys["race"] = "subject_race[_i]"
    if "subject_sex" in cols:
        subj_keys["sex"] = "subject_sex[_i]"
    if "subject_age" in cols:
        subj_keys["age_band"] = AGE_BAND.format(a="subject_age[_i]")
    if "subject_arrested" in cols:
        subj_sums["arrested"] = "CAST(coalesce(subject_arrested[_i], FALSE) AS INTEGER)"
        subj_sums["arrest_known"] = "CAST(subject_arrested[_i] IS NOT NULL AS INTEGER)"
    subjects = red.reduce(
        table,
        Reduction(
            keys=subj_keys,
            sums=subj_sums,
            exclusions=fc.date_excl,
            explode=("_i", f"range(1, {fc.n_subj} + 1)"),
        ),
    ).table
    subject_entries, subjects_without_id = int(subjects["n"].sum()), 0
    if "subject" in subjects:
        subjects, subjects_without_id = per_subject(subjects)
    return subjects, subject_entries, subjects_without_id


def reduce_incident_types(red: Reducer, table: str, fc: ForceColumns) -> pd.DataFrame:
    """Reduce step 3: reports by incident type (a report listing several counts in each) and severity."""
    return red.reduce(
        table,
        Reduction(
            keys={"incident_type": "coalesce(_t, 'not recorded')", "severity": fc.severity},
            sums={},
            exclusions=fc.date_excl,
            explode=(
                "_t",
                "CASE WHEN array_length(list_filter(incident_type, lambda x: x IS NOT NULL)) > 0 THEN "
                "list_filter(incident_type, lambda x: x IS NOT NULL) ELSE [NULL] END",
            ),
        ),
    ).table


def reduce_officers(red: Reducer, table: str, fc: ForceColumns) -> pd.DataFrame:
    """Reduce step 4: reports by officer (and assignment, the peer group)."""
    okeys = {"officer": "officer_id_hash"}
    if "assignment" in fc.cols:
        okeys["assignment"] = "coalesce(assignment, 'not recorded')"
    return red.reduce(
        table,
        Reduction(
            keys=okeys,
            sums={},
            exclusions=[*fc.date_excl, ("officer not identified", "officer_id_hash IS NULL")],
        ),
    ).table


def count_distinct(red: Reducer, table: str, fc: ForceColumns, column: str, missing: str) -> int | None:
    """Distinct values of an id column among dated rows; None when the column is not mapped."""
    if column not in fc.cols:
        return None
    return len(
        red.reduce(
            table,
            Reduction(
                keys={column.removesuffix("_id"): column},
                sums={},
                exclusions=[*fc.date_excl, (missing, f"{column} IS NULL")],
            ),
        ).table
    )


def count_estimates(
    red: Reducer,
    table: str,
    fc: ForceColumns,
    n_reports: int,
    subjects: pd.DataFrame,
    subject_entries: int,
    subjects_without_id: int,
) -> tuple[dict, str]:
    """Reports, subjects and incidents, each at its own grain, and the row grain in words."""
    n_incidents = count_distinct(red, table, fc, "incident_id", "incident id missing")
    n_report_ids = count_distinct(red, table, fc, "report_id", "report id missing")
    distinct_subjects = int(subjects["n"].sum())
    est: dict = {"reports": n_reports, "subjects": distinct_subjects, "incidents": n_incidents}
    if "subject_id" in fc.cols:
        est["subject_entries"] = subject_entries
    row_grain = _grain(n_reports, n_report_ids, distinct_subjects, subject_entries, n_incidents, fc.cols)
    if subjects_without_id:
        row_grain += f" {subjects_without_id:,} subject entries with no subject id are each counted once."
    return est, row_grain


def rate_estimates(
    n_reports: int,
    arrests: float | None,
    calls: float | None,
    officers: float | None,
    officer_tab: pd.DataFrame | None,
    alpha: float,
) -> tuple[dict, list[str]]:
    """Reports per 1,000 arrests and calls, and per officer (the roster given, else officers in the data),
    with exact Poisson intervals; returns (rates, caveats)."""
    rates: dict = {}
    caveats: list[str] = []
    lo, hi = poisson_exact(n_reports, alpha)
    for name, denom, per in (("per_1000_arrests", arrests, 1000), ("per_1000_calls", calls, 1000)):
        if denom:
            rates[name] = {"rate": per * n_reports / denom, "ci95": [per * lo / denom, per * hi / denom]}
    n_off = officers or (
        officer_tab["officer"].nunique() if officer_tab is not None and len(officer_tab) else None
    )
    if n_off:
        rates["per_officer"] = {
            "rate": n_reports / n_off,
            "ci95": [lo / n_off, hi / n_off],
            "officers": n_off,
        }
        if not officers:
            caveats.append("Per-officer rate divides by officers who appear in the data (no roster given).")
    return rates, caveats


def severity_estimates(t: pd.DataFrame, n_reports: int, fc: ForceColumns, alpha: float) -> dict:
    """Reports at each severity level: count, share and Wilson interval."""
    sev = t.groupby("severity")["n"].sum()
    return {
        fc.label(k): {
            "reports": int(v),
            "share": v / n_reports,
            "ci95": list(wilson(v, n_reports, alpha)),
        }
        for k, v in sev.items()
    }


def injury_estimates(t: pd.DataFrame, n_reports: int, n_subjects: float, alpha: float) -> dict:
    """Officer injuries per report, subject injuries per subject and reports with a subject injured."""
    inj: dict = {}
    if "officer_injured" in t:
        k, n = float(t["officer_injured"].sum()), float(t["officer_injured_n"].sum())
        inj["officer_injury_rate"] = {
            "injured": int(k),
            "reports": int(n),
            "rate": k / n if n else None,
            "ci95": list(wilson(k, n, alpha)),
        }
    if "subjects_injured" in t:
        k = float(t["subjects_injured"].sum())
        inj["subject_injury_rate"] = {
            "injured": int(k),
            "subjects": int(n_subjects),
            "rate": k / n_subjects,
            "ci95": list(wilson(k, n_subjects, alpha)),
        }
        k = float(t["any_subject_injured"].sum())
        inj["reports_with_subject_injury"] = {
            "reports": int(k),
            "share": k / n_reports,
            "ci95": list(wilson(k, n_reports, alpha)),
        }
    return inj


def group_disparities(
    subjects: pd.DataFrame, reference: str, benchmark: dict[str, float] | None, alpha: float
) -> dict:
    """By race, sex and age band: share of subjects, share meeting a weapon or firearm (level 3+) and its
    ratio to the reference group (race: ``reference``, else the largest group), arrests, and with a
    population benchmark subjects per 1,000 residents."""
    disp: dict = {}
    n_sub_rows = float(subjects["n"].sum())
    for g in ("race", "sex", "age_band"):
        if g not in subjects:
            continue
        s = subjects[subjects[g].notna()]
        tot = float(s["n"].sum())
        grp = s.groupby(g).agg(n=("n", "sum"))
        grp["weapon"] = s[s["severity"] >= 3].groupby(g)["n"].sum()
        if "arrested" in s:
            grp["arrested"] = s.groupby(g)["arrested"].sum()
            grp["arrest_known"] = s.groupby(g)["arrest_known"].sum()
        grp = grp.fillna(0)
        ref = reference if g == "race" else grp["n"].idxmax()
        out: dict = {"_recorded": int(tot), "_missing": int(n_sub_rows - tot)}
        for val, r in grp.iterrows():
            e = {
                "subjects": int(r["n"]),
                "share": r["n"] / tot,
                "ci95": list(wilson(r["n"], tot, alpha)),
                "weapon_or_firearm_share": r["weapon"] / r["n"],
                "weapon_ci95": list(wilson(r["weapon"], r["n"], alpha)),
            }
            if ref in grp.index and val != ref:
                rr, a, b = ratio_ci(
                    r["weapon"], r["n"], grp.loc[ref, "weapon"], grp.loc[ref, "n"], binomial=True, alpha=alpha
                )
                e["weapon_ratio_to_reference"] = {"reference": ref, "ratio": rr, "ci95": [a, b]}
            if "arrested" in grp and r["arrest_known"]:
                e["arrested_share"] = r["arrested"] / r["arrest_known"]
            if g == "race" and benchmark and benchmark.get(str(val)):
                pop = benchmark[str(val)]
                plo, phi = poisson_exact(r["n"], alpha)
                e["per_1000_population"] = {
                    "rate": 1000 * r["n"] / pop,
                    "ci95": [1000 * plo / pop, 1000 * phi / pop],
                }
                if val != reference and reference in grp.index and benchmark.get(reference):
                    rr, a, b = ratio_ci(
                        r["n"],
                        pop,
                        grp.loc[reference, "n"],
                        benchmark[reference],
                        binomial=False,
                        alpha=alpha,
                    )
                    e["per_1000_population"]["ratio_to_reference"] = {"ratio": rr, "ci95": [a, b]}
            out[str(val)] = e
        disp[g] = out
    return disp


def weapon_share_by(tab: pd.DataFrame, key: str, alpha: float, sort: bool = False) -> dict:
    """Reports by ``key`` and the share of them at severity 3 or more (weapon or firearm)."""
    bt = tab.groupby(key).agg(n=("n", "sum"))
    bt["weapon"] = tab[tab["severity"] >= 3].groupby(key)["n"].sum()
    bt = bt.fillna(0)
    if sort:
        bt = bt.sort_values("n", ascending=False)
    return {
        (str(k) if sort else k): {
            "reports": int(r["n"]),
            "weapon_or_firearm_share": r["weapon"] / r["n"],
            "ci95": list(wilson(r["weapon"], r["n"], alpha)),
        }
        for k, r in bt.iterrows()
    }


def monthly_trend(t: pd.DataFrame, first, last, alpha: float) -> tuple[dict, dict]:
    """Reports by month with the days each month was observed, and a Poisson trend with days as exposure."""
    bm = t.groupby("month")["n"].sum().sort_index()
    expo = month_exposure(bm.index.to_series(), pd.Timestamp(first), pd.Timestamp(last))
    by_month = {
        m: {"reports": int(k), "days": int(d), "per_day": k / d if d else None}
        for m, k, d in zip(bm.index, bm.to_numpy(), expo, strict=True)
    }
    return by_month, poisson_trend(bm.to_numpy(), np.maximum(expo, 1), alpha)


def _charts(est: dict, disp: dict) -> list[Chart]:
    """Present step: severity, the Lorenz curve over officers, weapon share by race, reports per day."""
    charts: list[Chart] = []
    if "concentration" in est:
        lz = est["concentration"].get("lorenz", [])
        charts.append(
            Chart(
                "Lorenz curve: share of reports by the least-reporting share of officers",
                "cumulative share of reports",
                [
                    (
                        f"{100 * p['people_share']:.0f}% of officers",
                        p["events_share"],
                        p["events_share"],
                        p["events_share"],
                    )
                    for p in lz
                ],
            )
        )
    sev_pts = [(k, v["share"], *v["ci95"]) for k, v in est["severity"].items()]
    charts.insert(0, Chart("reports by severity level", "share of reports", sev_pts))
    if "race" in disp:
        charts.append(
            Chart(
                "share of subjects meeting a weapon or firearm, by race",
                "share of subjects",
                [
                    (k, v["weapon_or_firearm_share"], *v["weapon_ci95"])
                    for k, v in disp["race"].items()
                    if not k.startswith("_")
                ],
            )
        )
    charts.append(
        Chart(
            "reports per day, by month",
            "reports per day",
            [
                (m, v["per_day"], *(np.array(poisson_exact(v["reports"])) / max(v["days"], 1)))
                for m, v in est["by_month"].items()
                if v["days"]
            ],
        )
    )
    return charts


def _tables(est: dict, disp: dict, inj: dict, n_reports: int) -> list[Table]:
    """Present step: the tables behind the charts and the injury rates."""
    months = est["by_month"]
    tables = [
        Table(
            "reports by month",
            ["month", "reports", "days", "per day"],
            [[m, v["reports"], v["days"], v["per_day"]] for m, v in months.items()],
        )
    ]
    if "by_incident_type" in est:
        tables.append(
            Table(
                "reports by incident type",
                ["incident type", "reports", "weapon/firearm share"],
                [[k, v["reports"], v["weapon_or_firearm_share"]] for k, v in est["by_incident_type"].items()],
            )
        )
    for g, out in disp.items():
        rows = []
        for k, v in out.items():
            if k.startswith("_"):
                continue
            ratio = v.get("weapon_ratio_to_reference", {})
            rows.append(
                [
                    k,
                    v["subjects"],
                    v["share"],
                    v["weapon_or_firearm_share"],
                    *v["weapon_ci95"],
                    ratio.get("ratio"),
                ]
            )
        tables.append(
            Table(
                f"subjects by {g.replace('_', ' ')}: share, and share meeting a weapon or firearm",
                [g, "subjects", "share", "weapon/firearm share", "low", "high", "ratio to reference"],
                rows,
            )
        )
    if "by_resistance" in est:
        tables.append(
            Table(
                "reports by highest subject resistance",
                ["resistance", "reports", "weapon/firearm share", "low", "high"],
                [
                    [k, v["reports"], v["weapon_or_firearm_share"], *v["ci95"]]
                    for k, v in est["by_resistance"].items()
                ],
            )
        )
    injuries = _injury_table(inj, n_reports)
    if injuries is not None:
        tables.append(injuries)
    return tables


def _grain(
    rows: int,
    report_ids: int | None,
    subjects: int,
    entries: int,
    incidents: int | None,
    cols: frozenset[str],
) -> str:
    """The row grain in words: what one row is, and how reports, subjects and incidents were counted."""
    parts = [f"{rows:,} rows, each counted as one officer's report"]
    if report_ids is not None and report_ids < rows:
        parts[0] += f" (they hold {report_ids:,} distinct report_id: report figures count rows)"
    if "subject_id" in cols:
        parts.append(
            f"{entries:,} subject entries hold {subjects:,} subjects, counted once per distinct subject_id"
        )
    else:
        parts.append(
            f"{subjects:,} subjects counted one per list entry (no subject_id mapped: a person named in several "
            "reports or rows counts once in each)"
        )
    if incidents is not None:
        parts.append(f"{incidents:,} incidents counted once per distinct incident_id")
    return "; ".join(parts) + "."


def per_subject(subjects: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Subject rows (grouped by subject id and report severity) collapsed to one row per person: their highest
    severity, the group most of their rows record, arrested if any row says so. Entries with no id stay as
    they are; returns (table, entries without an id)."""
    ided, loose = subjects[subjects["subject"].notna()], subjects[subjects["subject"].isna()]
    by = ided.groupby("subject", sort=False)
    one = pd.DataFrame({"severity": by["severity"].max(), "n": 1})
    for g in ("race", "sex", "age_band"):
        if g in ided:
            one[g] = most_frequent(ided, "subject", g)
    if "arrested" in ided:
        one["arrested"] = (by["arrested"].sum() > 0).astype("float64")
        one["arrest_known"] = (by["arrest_known"].sum() > 0).astype("float64")
    table = pd.concat([one.reset_index(drop=True), loose.drop(columns="subject")], ignore_index=True)
    return table, int(loose["n"].sum())


def _injury_table(inj: dict, n_reports: int) -> Table | None:
    rows = []
    if "officer_injury_rate" in inj:
        v = inj["officer_injury_rate"]
        rows.append(["officers injured (per report)", v["injured"], v["reports"], v["rate"], *v["ci95"]])
    if "subject_injury_rate" in inj:
        v = inj["subject_injury_rate"]
        rows.append(["subjects injured (per subject)", v["injured"], v["subjects"], v["rate"], *v["ci95"]])
        v = inj["reports_with_subject_injury"]
        rows.append(["reports with a subject injured", v["reports"], n_reports, v["share"], *v["ci95"]])
    return Table("injuries", ["measure", "count", "of", "rate", "low", "high"], rows) if rows else None


def _peer_outliers(tab: pd.DataFrame, min_peers: int, fdr: float) -> list[dict]:
    group = "assignment" if "assignment" in tab else None
    per = tab.groupby(["officer", group] if group else ["officer"])["n"].sum().reset_index()
    if group is None:
        per["assignment"] = "all"
    g = per.groupby("assignment")["n"].agg(["sum", "count"])
    per = per.join(g, on="assignment")
    per = per[per["count"] >= min_peers].copy()
    if per.empty:
        return []
    per["peer_mean"] = (per["sum"] - per["n"]) / (per["count"] - 1)
    per["p_value"] = stats.poisson.sf(per["n"] - 1, per["peer_mean"])
    per["q_value"] = benjamini_hochberg(per["p_value"].to_numpy())
    flagged = per[per["q_value"] <= fdr].sort_values("p_value")
    return [
        {
            "officer_id_hash": r.officer,
            "assignment": r.assignment,
            "reports": int(r.n),
            "peer_mean": float(r.peer_mean),
            "peers": int(r.count - 1),
            "p_value": float(r.p_value),
            "q_value": float(r.q_value),
        }
        for r in flagged.itertuples()
    ]
