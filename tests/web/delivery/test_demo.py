"""The demo's delivery: plausible records on every site with an approved plan, through the real code paths
(content-checked uploads, audit log), closed sites back-filled, one site silent, loading twice adds nothing."""

import datetime

from continuum.audit.log import history
from continuum.delivery import contact, milestones
from continuum.delivery.models import ActivityDone, Communication, Document, DocumentVersion
from continuum.demo import delivery
from continuum.sites.models import Site

from .conftest import approve_plan, make_site, today


def test_demo_delivery(users, orgs, site, site_b):
    closed = make_site(users, orgs, agency="agency_b", provider="provider_b", status=Site.Status.CLOSED,
                       closed_on=today() - datetime.timedelta(days=3))  # fmt: skip
    approve_plan(closed, users, "executive_b")
    no_plan = make_site(users, orgs, agency="agency_a", provider="provider_a", status=Site.Status.WORK_PLAN)
    assert delivery.load(users["staff"]) == 3
    for filled in (site, site_b, closed):
        assert filled.communications.filter(with_agency=True).exists()
        assert filled.communications.filter(with_agency=False).exists()
        assert filled.documents.count() == 3
        assert not contact.is_silent(filled)
        assert history(filled).filter(changes__has_key="communication").exists()
    assert not no_plan.communications.exists()
    versions = DocumentVersion.objects.filter(document__site=site, document__title="Site visit notes")
    assert [v.number for v in versions] == [2, 1]
    with versions[0].file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF-1.4")
    shared = Document.objects.filter(site=site, visibility="team_and_agency")
    assert shared.filter(created_by=users["liaison_a"]).exists()  # the agency's own upload
    assert ActivityDone.objects.filter(site=site).count() == 0  # the fixture's plan activities have no dates
    statuses = {m.deliverable.title: m.status for m in milestones.milestones(closed)}
    assert statuses["Inception memo"] == milestones.MilestoneStatus.DONE
    assert closed.communications.order_by("-occurred_on").first().occurred_on == closed.closed_on

    before = (Communication.objects.count(), DocumentVersion.objects.count())
    assert delivery.load(users["staff"]) == 0
    assert (Communication.objects.count(), DocumentVersion.objects.count()) == before


def test_demo_pdf_is_well_formed():
    content = delivery.pdf("Title (with parentheses)", ["one", "two"])
    assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
    xref = int(content.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert content[xref:].startswith(b"xref")
    assert b"\\(with parentheses\\)" in content
