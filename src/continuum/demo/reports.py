"""The demo's published reports: Indianapolis (an issue-specific review of officer-involved shootings, with an
embedded analysis snapshot) and Fargo (the after-action review of the July 14, 2023 ambush). Both sites are
closed by the time this runs; the reports are made through the real editing functions and review steps.
The analysis numbers are demonstration data, and say so. Idempotent: a site that has its report is skipped."""

import hashlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from continuum.accounts.models import User
from continuum.catalog.models import Topic
from continuum.reports import editing, transitions
from continuum.reports.models import (
    Appendix,
    Finding,
    Footnote,
    ImprovementAction,
    Observation,
    Recommendation,
    Report,
    SourceReviewed,
    TimelineEntry,
)
from continuum.sites.models import Site

from . import chronology

INDIANAPOLIS = "Indianapolis Metropolitan Police Department"
FARGO = "Fargo (ND) Police Department"
CENTRAL = ZoneInfo("America/Chicago")


def _result() -> dict:
    """A `continuum analyze rates` result on the demo's synthetic use-of-force file (demonstration data)."""
    groups = {"Black": (0.94, 0.82, 1.07), "White": (0.61, 0.52, 0.71), "Hispanic": (0.58, 0.39, 0.83)}
    return {
        "analysis": "rates",
        "estimates": {
            name: {"rate_per_1000_arrests": est, "rate_per_1000_arrests_ci95": [low, high]}
            for name, (est, low, high) in groups.items()
        },
        "n_input": 41875,
        "n_used": 41203,
        "n_excluded": {"total": 672, "reasons": {"missing subject race": 672}},
        "params": {
            "numerator": "use_of_force_incidents",
            "denominator": "arrests",
            "per": 1000,
            "data": "demo",
        },
        "input_sha256": hashlib.sha256(b"continuum demo: Indianapolis use of force 2019-2023").hexdigest(),
        "engine_version": "0.1.0",
        "run_on": (chronology.day(INDIANAPOLIS, "published") - timedelta(days=45)).isoformat(),
        "tables": [
            {
                "title": "Use-of-force incidents per 1,000 arrests, by subject race (demonstration data)",
                "columns": [
                    "Subject race",
                    "Rate per 1,000 arrests",
                    "95% interval low",
                    "95% interval high",
                ],
                "rows": [[n, e, lo, hi] for n, (e, lo, hi) in groups.items()],
            }
        ],
    }


def _add(report, staff, part, kind):
    return editing.add_part(report, staff, part, kind)


def _recommend(report, staff, finding, text, party, priority, topics):
    rec = _add(
        report,
        staff,
        Recommendation(finding=finding, text=text, responsible_party=party, priority=priority),
        "recommendation",
    )
    editing.set_topics(report, staff, rec, Topic.objects.filter(name__in=topics))
    return rec


def _publish(report, staff) -> Report:
    """The whole review: drafted and submitted by `staff`, reviewed by the agency's chief, approved and
    published by a second program staff member."""
    from .sites import _chief

    reviewer = User.objects.get(email="reviewer@continuum.example.gov")
    report = transitions.submit(report, staff, "Draft complete")
    report = transitions.send_to_agency(report, reviewer, "For the department's factual-accuracy review")
    report = transitions.close_factual_review(
        report, _chief(report.site), "Two dates corrected; nothing else."
    )
    report = transitions.approve(report, reviewer, "Factual-accuracy review complete")
    return transitions.publish(report, reviewer, "Final report published")


def indianapolis(site: Site, staff) -> Report:
    report = editing.create_report(
        site, staff, title="Officer-Involved Shootings in Indianapolis: An Issue-Specific Review"
    )
    report.subtitle = "Collaborative Reform Initiative · Critical Response Technical Assistance"
    report.executive_summary = (
        "At the request of the Indianapolis Metropolitan Police Department (IMPD), the COPS Office and the National "
        "Policing Institute reviewed the department's officer-involved shootings over five years: its policies, "
        "training, supervision, investigations and data.[^scope]\n\n"
        "The review found a department that has invested in de-escalation training but whose policies, "
        "investigations and data practices have not kept pace. It makes **five recommendations** under three findings."
    )
    report.background = (
        "IMPD serves a consolidated city-county of about 888,000 residents with roughly 1,700 sworn officers. "
        "Community concern after several fatal shootings led the department to ask for an independent review."
    )
    report.methodology = (
        "The team reviewed:\n\n"
        "- **documents**: use-of-force and firearms policies, training curricula, and investigative files;\n"
        "- **interviews** with personnel at every level, from recruits to the chief;\n"
        "- **municipal officials**, including the mayor's office and the general counsel;\n"
        "- **community stakeholders** at two listening sessions;\n"
        "- **data**: five years of use-of-force, arrest and shooting records, analyzed with Continuum."
    )
    report.conclusion = (
        "IMPD has the foundations to reduce shootings: training, leadership attention and community partners. "
        "Carrying out these recommendations, and reporting publicly on progress, will build on them."
    )
    editing.save_report(report, staff)
    for kind, description, count in [
        ("document", "Policies, general orders and training curricula", 64),
        ("interview", "Interviews with officers, supervisors and command staff", 48),
        ("officials", "Meetings with municipal officials", 6),
        ("community", "Community listening sessions and stakeholder meetings", 5),
        ("data", "Use-of-force, arrest and shooting records, 2019 to 2023", 5),
    ]:
        _add(
            report,
            staff,
            SourceReviewed(report=report, kind=kind, description=description, count=count),
            "source",
        )
    one = _add(
        report,
        staff,
        Finding(
            report=report,
            title="The use-of-force policy does not require de-escalation when it is safe and feasible.",
            body="General Order 1.30 encourages de-escalation but does not require it, and does not define feasibility.",
        ),
        "finding",
    )
    two = _add(
        report,
        staff,
        Finding(
            report=report,
            title="Shooting investigations focus on criminal liability and rarely examine tactics, training or supervision.",
            body="Of the investigative files reviewed, few contained an administrative review of the tactical decisions that preceded the shooting.",
        ),
        "finding",
    )
    three = _add(
        report,
        staff,
        Finding(
            report=report,
            title="Use-of-force data are not analyzed or published in a way that supports accountability.",
            body="Rates of force per 1,000 arrests differ by subject race (Exhibit 1); the department does not yet track or publish these rates.",
        ),
        "finding",
    )
    _recommend(
        report,
        staff,
        one,
        "Revise General Order 1.30 to require de-escalation when it is safe and feasible, and define both terms.",
        "The chief of police, with the general counsel",
        "high",
        ["Use of force", "De-escalation"],
    )
    _recommend(
        report,
        staff,
        one,
        "Train every sworn member on the revised policy, with scenario-based exercises, within 12 months.",
        "The training academy",
        "high",
        ["Use of force", "De-escalation"],
    )
    _recommend(
        report,
        staff,
        two,
        "Conduct an administrative tactical review of every officer-involved shooting, separate from the criminal investigation.",
        "The professional standards division",
        "high",
        ["Officer-involved shootings", "Accountability and discipline"],
    )
    _recommend(
        report,
        staff,
        three,
        "Publish use-of-force rates per 1,000 arrests by district and subject demographics every year.",
        "The office of the chief, with the data analysis unit",
        "medium",
        ["Use of force", "Community engagement"],
    )
    _recommend(
        report,
        staff,
        three,
        "Use the rates in an early intervention system that flags officers and units for supervisory review.",
        "Patrol division commanders",
        "medium",
        ["Early intervention", "Use of force"],
    )
    _add(
        report,
        staff,
        Footnote(
            report=report,
            key="scope",
            text="The review covered shootings from January 2019 through December 2023.",
        ),
        "footnote",
    )
    editing.embed_result(
        report,
        staff,
        _result(),
        title="Use of force per 1,000 arrests by subject race (demonstration data)",
        finding=three,
    )
    _add(
        report,
        staff,
        Appendix(
            report=report,
            title="Acronyms",
            body="- **IMPD**: Indianapolis Metropolitan Police Department\n- **CRI-TAC**: Collaborative Reform Initiative Technical Assistance Center",
        ),
        "appendix",
    )
    return _publish(report, staff)


def fargo(site: Site, staff) -> Report:
    report = editing.create_report(
        site,
        staff,
        title="After-Action Review of the July 14, 2023 Ambush of Fargo Police Officers",
        kind=Report.Kind.AFTER_ACTION,
    )
    report.subtitle = "Collaborative Reform Initiative · Critical Response Technical Assistance"
    report.executive_summary = (
        "On July 14, 2023, Fargo police officers responding to a traffic crash were ambushed by a gunman. Officer "
        "Jake Wallin was killed, two officers and a civilian were wounded, and Officer Zach Robinson stopped the "
        "attack. The department asked for an independent after-action review to learn from the response."
    )
    report.background = (
        "The review follows the COPS Office guide *How to Conduct an After Action Review* and the HSEEP "
        "after-action report and improvement plan structure."
    )
    report.methodology = "The team reviewed video, radio and dispatch records, documents and data, and interviewed those involved."
    report.incident_what = "An ambush of officers responding to a minor traffic crash; one officer killed, two officers and a civilian wounded."
    report.incident_when = "Friday, July 14, 2023, mid-afternoon"
    report.incident_where = "25th Street South and 20th Avenue South, Fargo, North Dakota"
    report.agencies_involved = "Fargo Police Department\nWest Fargo Police Department\nCass County Sheriff's Office\nNorth Dakota Bureau of Criminal Investigation\nFargo Fire Department and F-M Ambulance"
    report.lessons_learned = "- Routine calls can become critical incidents in seconds.\n- Support for officers and families must begin at once and last."
    report.promising_practices = "- Peer support and family liaison teams activated the same day.\n- Timely, accurate public information from a single voice."
    report.conclusion = "The Fargo Police Department's response saved lives. The improvement plan below turns the lessons into action."
    editing.save_report(report, staff)
    for kind, description, count in [
        ("interview", "Interviews with officers, supervisors, dispatchers and partner agencies", 37),
        ("video", "Body-worn and in-car camera recordings", 14),
        ("document", "Policies, training records, incident reports", 52),
        ("data", "Computer-aided dispatch and radio logs", 3),
    ]:
        _add(
            report,
            staff,
            SourceReviewed(report=report, kind=kind, description=description, count=count),
            "source",
        )
    # Times are illustrative for the demo; the sources are the kinds the review used.
    for hhmm, text, source in [
        ("14:45", "Officers dispatched to a two-vehicle crash.", "CAD log"),
        ("14:52", "Officers on scene, assisting the drivers.", "Body-worn camera"),
        ("14:55", "Gunman opens fire on the officers.", "Body-worn camera"),
        ("14:56", "Officer Robinson engages and stops the gunman.", "Body-worn camera; BCI investigation"),
        ("14:57", "Officer-down call; mutual aid requested.", "Radio log"),
        ("15:20", "Incident command established; scene secured.", "Incident command log"),
    ]:
        when = datetime.combine(date(2023, 7, 14), datetime.strptime(hhmm, "%H:%M").time(), tzinfo=CENTRAL)
        TimelineEntry.objects.create(report=report, occurred_at=when, description=text, source=source)
    for theme, kind, title, analysis, root in [
        (
            "tactics",
            "strength",
            "Officer Robinson's actions stopped the attack.",
            "He moved to cover and engaged the gunman within seconds.",
            "",
        ),
        (
            "command",
            "improvement",
            "Incident command took time to establish amid many self-dispatched responders.",
            "Dozens of officers self-dispatched, complicating scene control.",
            "No standing guidance on self-dispatch to officer-down calls.",
        ),
        (
            "communications",
            "improvement",
            "Radio traffic overwhelmed the primary channel.",
            "Dispatch could not move units to a separate channel quickly.",
            "No pre-planned channel for critical incidents.",
        ),
        (
            "wellness",
            "strength",
            "Peer support reached officers and families the same day.",
            "The department activated its peer support team and a family liaison.",
            "",
        ),
        (
            "public_information",
            "strength",
            "Public information was timely and consistent.",
            "A single spokesperson gave regular updates.",
            "",
        ),
    ]:
        _add(
            report,
            staff,
            Observation(
                report=report, theme=theme, kind=kind, title=title, analysis=analysis, root_cause=root
            ),
            "observation",
        )
    one = _add(
        report,
        staff,
        Finding(
            report=report,
            title="Self-dispatch to the officer-down call strained command and control.",
            body="",
        ),
        "finding",
    )
    two = _add(
        report,
        staff,
        Finding(
            report=report, title="The radio system lacked a plan for critical-incident traffic.", body=""
        ),
        "finding",
    )
    r1 = _recommend(
        report,
        staff,
        one,
        "Adopt a policy on self-dispatch to critical incidents and train supervisors to enforce it.",
        "The chief of police",
        "high",
        ["Critical incidents"],
    )
    r2 = _recommend(
        report,
        staff,
        two,
        "Pre-assign a dedicated channel for critical incidents and rehearse switching to it.",
        "Red River Regional Dispatch Center, with the department",
        "high",
        ["Critical incidents", "Officer safety and wellness"],
    )
    for rec, action, party, start, end in [
        (
            r1,
            "Draft and adopt the self-dispatch policy; brief every shift.",
            "Deputy chief of operations",
            date(2024, 3, 1),
            date(2024, 9, 30),
        ),
        (
            r2,
            "Configure the critical-incident channel and run a tabletop exercise.",
            "Dispatch center director",
            date(2024, 2, 1),
            date(2024, 6, 30),
        ),
    ]:
        editing.add_action(
            report,
            staff,
            ImprovementAction(
                recommendation=rec,
                corrective_action=action,
                responsible_party=party,
                starts_on=start,
                ends_on=end,
            ),
        )
    return _publish(report, staff)


def load(staff) -> None:
    builders = {INDIANAPOLIS: (indianapolis, Report.Kind.FINDINGS), FARGO: (fargo, Report.Kind.AFTER_ACTION)}
    for site in Site.objects.filter(agency__name__in=builders).select_related("agency"):
        build, kind = builders[site.agency.name]
        if site.reports.filter(kind=kind).exists():
            continue
        build(site, staff)
