"""Methods pages: how each analysis the engine registers works, from ``docs/methods/<module>.md`` (one source for
the repository's documentation and the platform), rendered server-side with the Markdown library the reports use.

Public: the pages describe methods, not data, and a published report or an agency reading its result must be
able to check how a figure was made without an account."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import markdown
import nh3
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.safestring import SafeString, mark_safe

from continuum.accounts.access import PUBLIC, access
from continuum.analysis.analyses import ANALYSES
from continuum.portal.caching import public_page
from continuum.reports.prose import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES

# A methods page's sections are h2 under the page's h1 (report prose starts at h3).
TAGS = ALLOWED_TAGS | {"h2"}


@dataclass(frozen=True)
class MethodsPage:
    analysis: str  # the registered name (CLI and URL)
    path: Path

    @property
    def title(self) -> str:
        first = self.path.read_text(encoding="utf-8").lstrip().splitlines()[0]
        return first.lstrip("#").strip() if first.startswith("#") else self.analysis


def methods_dir() -> Path:
    return Path(getattr(settings, "METHODS_DIR", settings.REPO_DIR / "docs" / "methods"))


def page_name(analysis: str) -> str:
    """The analysis's module name (``veil-of-darkness`` -> ``veil``): pages follow the engine's files."""
    return ANALYSES[analysis].__module__.rsplit(".", 1)[-1]


def page_for(analysis: str) -> MethodsPage | None:
    """The methods page of a registered analysis, or None when it has none (yet)."""
    if analysis not in ANALYSES:
        return None
    path = methods_dir() / f"{page_name(analysis)}.md"
    return MethodsPage(analysis, path) if path.is_file() else None


def pages() -> list[MethodsPage]:
    """Every registered analysis that has a page, in registry order."""
    return [p for p in (page_for(a) for a in ANALYSES) if p is not None]


def render(text: str) -> SafeString:
    """Markdown to sanitized HTML; the page's own title line is dropped (the template shows it as the h1)."""
    lines = text.lstrip().splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    html = markdown.markdown("\n".join(lines), extensions=["tables", "sane_lists"], output_format="html")
    return mark_safe(
        nh3.clean(
            html,
            tags=TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )


@cache
def _rendered(path: Path, mtime: float) -> SafeString:
    return render(path.read_text(encoding="utf-8"))


@access(PUBLIC)
@public_page(params=())
def index(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "datasets/methods_index.html", {"pages": pages()})


@access(PUBLIC)
@public_page(params=())
def detail(request: HttpRequest, analysis: str) -> HttpResponse:
    page = page_for(analysis)
    if page is None:
        raise Http404("no methods page for this analysis")
    body = _rendered(page.path, page.path.stat().st_mtime)
    return TemplateResponse(request, "datasets/methods_detail.html", {"page": page, "body": body})
