"""The Atom feed of the program's public news: sites as they are announced, reports and progress reports as they
are published. Built with Django's syndication framework; three queries whatever the history's length."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from continuum.assessment.models import ProgressReport
from continuum.reports.models import Report
from continuum.reports.prose import plain
from continuum.sites.models import Site

LATEST = 50


class Entry:
    def __init__(self, title: str, url: str, when: datetime.datetime, summary: str, category: str):
        self.title, self.url, self.when, self.summary, self.category = title, url, when, summary, category


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def entries(limit: int = LATEST) -> list[Entry]:
    """The latest announcements, reports and progress reports, newest first."""
    found = [
        Entry(f"Announced: {site.agency.name} ({site.get_program_display()})", site.get_public_url(),
              _moment(site.announced_on), site.announcement or site.public_summary, "Announcement")
        for site in Site.objects.announced().select_related("agency").order_by("-announced_on", "-pk")[:limit]
    ]  # fmt: skip
    found += [
        Entry(f"Report: {report}", report.get_public_url(), report.published_at, plain(report.executive_summary),
              "Report")
        for report in Report.objects.published().select_related("site__agency").order_by("-published_at")[:limit]
    ]  # fmt: skip
    progress = (
        ProgressReport.objects.filter(state=ProgressReport.State.PUBLISHED, site__is_public=True)
        .select_related("site__agency")
        .order_by("-published_at")[:limit]
    )
    found += [
        Entry(
            f"{p.site.agency.name}: {p}",
            p.get_public_url(),
            p.published_at,
            plain(p.narrative),
            "Progress report",
        )
        for p in progress
    ]
    return sorted(found, key=lambda entry: entry.when, reverse=True)[:limit]


class ProgramFeed(Feed):
    feed_type = Atom1Feed
    title = "Collaborative Reform Initiative: announcements and reports"
    subtitle = (
        "Sites announced, reports and progress reports published by the COPS Office's Collaborative Reform "
        "Initiative."
    )
    link = "/sites/"

    def items(self):
        return entries()

    def item_title(self, item: Entry) -> str:
        return item.title

    def item_description(self, item: Entry) -> str:
        return item.summary

    def item_link(self, item: Entry) -> str:
        return item.url

    def item_pubdate(self, item: Entry) -> datetime.datetime:
        return item.when

    def item_updateddate(self, item: Entry) -> datetime.datetime:
        return item.when

    def item_categories(self, item: Entry) -> list[str]:
        return [item.category]
