"""The program metrics dashboard and its CSV export, for program staff."""

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from continuum.accounts.access import access

from . import charts, export, figures
from .forms import period_form


def _board(request: HttpRequest):
    form = period_form(request.GET)
    return form, figures.dashboard(form.period())


@access("metrics.view_dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    form, board = _board(request)
    agencies = board.agencies
    context = {
        "form": form,
        "board": board,
        "query": request.GET.urlencode(),
        "month_chart": charts.month_chart(
            "chart-months", "Requests received and decided by month",
            [f"{m.month:%b %y}" for m in board.months],
            [("Received", [m.received for m in board.months]), ("Decided", [m.decided for m in board.months])],
        ),
        "duration_chart": charts.bar_chart(
            "chart-durations", "Median days from request to each step",
            [(d.label, d.median) for d in board.durations if d.median is not None],
        ),
        "state_chart": charts.bar_chart("chart-states", "Agencies served by state", agencies.by_state),
        "type_chart": charts.bar_chart("chart-types", "Agencies served by type", agencies.by_type),
        "size_chart": charts.bar_chart("chart-sizes", "Agencies served by sworn officers", agencies.by_size),
        "topic_chart": charts.bar_chart(
            "chart-topics", "Requests by topic (top 15)", [(name, n) for name, _, n in board.topics[:15]]
        ),
        "sites_chart": charts.bar_chart(
            "chart-sites", "Sites opened by program", [(label, total) for label, _, total in board.sites.rows]
        ),
        "feedback_chart": charts.bar_chart(
            "chart-feedback", "Mean satisfaction by program (1 to 5)",
            [(r.label, r.satisfaction) for r in board.feedback if r.satisfaction is not None],
        ),
    }  # fmt: skip
    return TemplateResponse(request, "metrics/dashboard.html", context)


@access("metrics.view_dashboard")
def export_csv(request: HttpRequest) -> HttpResponse:
    _, board = _board(request)
    period = board.period
    response = HttpResponse(export.to_csv(board), content_type="text/csv; charset=utf-8")
    suffix = f"-{period.program}" if period.program else ""
    name = f"continuum-metrics-{period.start:%Y%m%d}-{period.end:%Y%m%d}{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
