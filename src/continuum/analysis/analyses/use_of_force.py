"""Use of force (FBI NUFDC-style reports): counts and rates, severity, injuries, disparities by subject group,
force by incident type and resistance, monthly trend, concentration across officers and officers far above
their peers.

A report is one officer's use of force on one or more subjects; subject lists are read in position, so subject
figures come from exploding the lists (one row per subject) inside the reduction. With ``subject_id`` mapped a
person is counted once however many reports or rows name them (a file of officer x subject rows names each
subject once per officer): their group is the one most of their rows record, and their severity the highest.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

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
    reducer: Reducer | None = None,
) -> Result:
    require(data, "use-of-force", "date", "force_type")
    arrests, calls, officers = as_float(arrests), as_float(calls), as_float(officers)
    cols = data.columns
    red = reducer_for(data, reducer)
    lists = [c for c in SUBJECT_LISTS if c in cols]
    n_subj = "greatest(" + ", ".join([*(f"coalesce(array_length({c}), 0)" for c in lists), "1"]) + ")"
    date_excl = [("date missing or unparsable", "date IS NULL")]

    # 1. reports: month, severity, resistance, officer injury
    sums = {"subjects": n_subj}
    if "subjects_injured" in cols:
        sums["subjects_injured"] = f"least(coalesce(subjects_injured, 0), {n_subj})"
        sums["any_subject_injured"] = "CAST(coalesce(subjects_injured, 0) > 0 AS INTEGER)"
    if "officer_injured" in cols:
        sums["officer_injured"] = "CAST(officer_injured AS INTEGER)"
        sums["officer_injured_n"] = "CAST(officer_injured IS NOT NULL AS INTEGER)"
    for ft in FORCE_TYPES:
        sums[f"ft_{ft}"] = f"CAST(coalesce(list_contains(force_type, {lit(ft)}), FALSE) AS INTEGER)"
    keys = {"month": "strftime(date, '%Y-%m')", "severity": SEVERITY_SQL}
    if "resistance" in cols:
        keys["resistance"] = f"coalesce({RESISTANCE_SQL}, -1)"
    reports = red.reduce(data.table, Reduction(keys=keys, sums=sums, exclusions=date_excl))
    t = reports.table
    n_reports = reports.n_used
    n_subjects = float(t["subjects"].sum())

    # 2. subjects (lists exploded in position)
    subj_keys = {"severity": SEVERITY_SQL}
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
        data.table,
        Reduction(
            keys=subj_keys,
            sums=subj_sums,
            exclusions=date_excl,
            explode=("_i", f"range(1, {n_subj} + 1)"),
        ),
    ).table
    subject_entries, subjects_without_id = int(subjects["n"].sum()), 0
    if "subject" in subjects:
        subjects, subjects_without_id = per_subject(subjects)

    # 3. incident types (a report can list several)
    by_type = None
    if "incident_type" in cols:
        by_type = red.reduce(
            data.table,
            Reduction(
                keys={"incident_type": "coalesce(_t, 'not recorded')", "severity": SEVERITY_SQL},
                sums={},
                exclusions=date_excl,
                explode=(
                    "_t",
                    "CASE WHEN array_length(list_filter(incident_type, lambda x: x IS NOT NULL)) > 0 THEN "
                    "list_filter(incident_type, lambda x: x IS NOT NULL) ELSE [NULL] END",
                ),
            ),
        ).table

    # 4. officers and incidents
    officer_tab = None
    if "officer_id_hash" in cols:
        okeys = {"officer": "officer_id_hash"}
        if "assignment" in cols:
            okeys["assignment"] = "coalesce(assignment, 'not recorded')"
        officer_tab = red.reduce(
            data.table,
            Reduction(
                keys=okeys,
                sums={},
                exclusions=[*date_excl, ("officer not identified", "officer_id_hash IS NULL")],
            ),
        ).table
    n_incidents = None
    if "incident_id" in cols:
        inc = red.reduce(
            data.table,
            Reduction(
                keys={"incident": "incident_id"},
                sums={},
                exclusions=[*date_excl, ("incident id missing", "incident_id IS NULL")],
            ),
        )
        n_incidents = len(inc.table)
    n_report_ids = None
    if "report_id" in cols:
        n_report_ids = len(
            red.reduce(
                data.table,
                Reduction(
                    keys={"report": "report_id"},
                    sums={},
                    exclusions=[*date_excl, ("report id missing", "report_id IS NULL")],
                ),
            ).table
        )
    distinct_subjects = int(subjects["n"].sum())
    est: dict = {"reports": n_reports, "subjects": distinct_subjects, "incidents": n_incidents}
    if "subject_id" in cols:
        est["subject_entries"] = subject_entries
    row_grain = _grain(n_reports, n_report_ids, distinct_subjects, subject_entries, n_incidents, cols)
    if subjects_without_id:
        row_grain += f" {subjects_without_id:,} subject entries with no subject id are each counted once."
    caveats = [
        "A report is one officer's use of force; an incident with several officers has several reports. Subject "
        "entries are read in position across the subject lists; a list shorter than the others leaves that "
        "subject's field missing.",
        "Severity level is that of the most severe force type on the report: 1 physical control/takedown, "
        "2 strikes, 3 less-lethal weapons (impact, chemical, CED, canine), 4 firearm; reports listing only "
        "'other' force are unclassified.",
    ]
    # rates
    rates: dict = {}
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
    est["rates"] = rates
    # severity
    sev = t.groupby("severity")["n"].sum()
    est["severity"] = {
        _level_label(k): {
            "reports": int(v),
            "share": v / n_reports,
            "ci95": list(wilson(v, n_reports, alpha)),
        }
        for k, v in sev.items()
    }
    est["force_types"] = {ft: int(t[f"ft_{ft}"].sum()) for ft in FORCE_TYPES}
    # injuries
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
    est["injuries"] = inj
    # disparities by subject group
    if isinstance(benchmark, str | Path):
        benchmark = read_benchmark(benchmark, "subject_race")
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
    est["subjects_by_group"] = disp
    if benchmark:
        caveats.append(
            "Subjects per 1,000 residents assume residents are the population at risk (the benchmark problem)."
        )
    # by incident type and resistance
    if by_type is not None:
        bt = by_type.groupby("incident_type").agg(n=("n", "sum"))
        bt["weapon"] = by_type[by_type["severity"] >= 3].groupby("incident_type")["n"].sum()
        bt = bt.fillna(0).sort_values("n", ascending=False)
        est["by_incident_type"] = {
            str(k): {
                "reports": int(r["n"]),
                "weapon_or_firearm_share": r["weapon"] / r["n"],
                "ci95": list(wilson(r["weapon"], r["n"], alpha)),
            }
            for k, r in bt.iterrows()
        }
    if "resistance" in t:
        br = t.groupby("resistance").agg(n=("n", "sum"))
        br["weapon"] = t[t["severity"] >= 3].groupby("resistance")["n"].sum()
        br = br.fillna(0)
        est["by_resistance"] = {
            RESISTANCE_LABELS.get(int(k), "not recorded"): {
                "reports": int(r["n"]),
                "weapon_or_firearm_share": r["weapon"] / r["n"],
                "ci95": list(wilson(r["weapon"], r["n"], alpha)),
            }
            for k, r in br.iterrows()
        }
    # monthly trend
    bm = t.groupby("month")["n"].sum().sort_index()
    first, last = red.extent(data.table, "date")
    expo = month_exposure(bm.index.to_series(), pd.Timestamp(first), pd.Timestamp(last))
    est["by_month"] = {
        m: {"reports": int(k), "days": int(d), "per_day": k / d if d else None}
        for m, k, d in zip(bm.index, bm.to_numpy(), expo, strict=True)
    }
    est["trend"] = poisson_trend(bm.to_numpy(), np.maximum(expo, 1), alpha)
    caveats.append(
        "Trend: Poisson regression of monthly reports on month, days observed as exposure; partial "
        "first/last months weigh by their days."
    )
    # officers
    charts: list[Chart] = []
    tables: list[Table] = []
    if officer_tab is not None and len(officer_tab):
        per = officer_tab.groupby("officer")["n"].sum()
        est["concentration"] = concentration(per.to_numpy())
        est["officers_far_above_peers"] = _peer_outliers(officer_tab, min_peers, fdr)
        caveats.append(
            f"Officers far above peers: within an assignment with at least {min_peers} officers in the data, an "
            "officer's count against a Poisson with the mean of the other officers there (one-sided), "
            f"Benjamini-Hochberg at {fdr}. Officers with no reports are not in the data, so peer means are high "
            "and the test is conservative; exposure (shifts, arrests) is not adjusted for."
        )
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
    months = est["by_month"]
    charts.append(
        Chart(
            "reports per day, by month",
            "reports per day",
            [
                (m, v["per_day"], *(np.array(poisson_exact(v["reports"])) / max(v["days"], 1)))
                for m, v in months.items()
                if v["days"]
            ],
        )
    )
    tables.append(
        Table(
            "reports by month",
            ["month", "reports", "days", "per day"],
            [[m, v["reports"], v["days"], v["per_day"]] for m, v in months.items()],
        )
    )
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
    inj_rows = []
    if "officer_injury_rate" in inj:
        v = inj["officer_injury_rate"]
        inj_rows.append(["officers injured (per report)", v["injured"], v["reports"], v["rate"], *v["ci95"]])
    if "subject_injury_rate" in inj:
        v = inj["subject_injury_rate"]
        inj_rows.append(
            ["subjects injured (per subject)", v["injured"], v["subjects"], v["rate"], *v["ci95"]]
        )
        v = inj["reports_with_subject_injury"]
        inj_rows.append(["reports with a subject injured", v["reports"], n_reports, v["share"], *v["ci95"]])
    if inj_rows:
        tables.append(Table("injuries", ["measure", "count", "of", "rate", "low", "high"], inj_rows))
    return finish(
        data,
        "use-of-force",
        est,
        n_reports,
        reports.excluded,
        {
            "arrests": arrests,
            "calls": calls,
            "officers": officers,
            "reference": reference,
            "min_peers": min_peers,
            "fdr": fdr,
            "alpha": alpha,
            "benchmark": benchmark or None,
        },
        caveats=caveats,
        charts=charts,
        tables=tables,
        counts={"reports_by_month": {m: v["reports"] for m, v in months.items()}},
        row_grain=row_grain,
    )


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
