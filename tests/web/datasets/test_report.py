"""Marking a result for the report embeds a snapshot in the site's draft report (reports.editing.embed_result);
without a draft, the result is flagged for later."""

from continuum.datasets import results
from continuum.reports import editing


def test_marked_result_is_embedded_in_the_draft_report(site, users, result):
    assert "no report is being drafted" in results.mark_for_report(result, users["provider_a"])
    result.refresh_from_db()
    assert result.for_report and result.embedded_in is None
    report = editing.create_report(site, users["provider_a"], title="Data review of the division")
    result.for_report = False
    result.save()
    message = results.mark_for_report(result, users["staff"])
    result.refresh_from_db()
    assert result.embedded_in == report and "Data review of the division" in message
    embed = report.embeds.get()
    assert embed.source["analysis"] == "veil-of-darkness" and result.input_sha256 in embed.provenance
    assert "already in" in results.mark_for_report(result, users["staff"])
