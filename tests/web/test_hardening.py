"""Web hardening (issue 10, item 4): one proof per sub-item. Where a proof already lives elsewhere it is named
here; this module adds the ones that were missing, as walks over the whole project rather than lists.

- Content Security Policy, no inline script or style: test_settings.py::test_csp_forbids_inline_script (the
  policy); here test_no_template_has_inline_code (every template we ship) and
  test_every_page_carries_the_csp_and_no_inline_code (every page without URL arguments, as the public, an agency
  user and program staff) and test_hardening_demo.py::test_every_page_of_the_demo_program_carries_the_csp_and_no_
  inline_code (a crawl of the demo program as staff, an agency and a provider: two pages of every kind linked);
  tests/analysis/test_render.py::test_fragments_carry_no_inline_style_or_script (the engine's HTML); the browser
  tests (test_accessibility.py, */test_browser.py) fail on any CSP violation.
- Secure cookies, HSTS and `check --deploy` clean with DEBUG off:
  test_settings.py::test_check_deploy_is_clean_when_debug_is_off; here test_production_settings_are_secure (the
  values themselves, read from the settings module started with DEBUG=0).
- Uploads checked by content type: intake/test_form.py::test_letter_must_be_a_pdf_by_content,
  delivery/test_documents.py::test_bad_files_are_refused_with_the_reason_and_nothing_is_saved,
  datasets/test_uploads.py::test_bad_files_are_refused_with_a_reason, assessment/test_tracking.py (evidence);
  here test_every_upload_check_refuses_a_disguised_file (HTML or an executable named as each accepted kind,
  through every checker, the report figure's included).
- Uploads size-limited while they stream: delivery/test_documents.py::test_an_oversized_file_is_not_received_in_full,
  datasets/test_uploads.py::test_an_oversized_upload_is_cut_off_while_it_arrives; here
  test_an_oversized_letter_stops_arriving_at_the_limit (the public form's letter) and
  test_the_request_form_still_checks_csrf (the limit needs the CSRF check moved inside the view); and
  test_every_file_field_refuses_an_oversized_file (every form's file field has a size limit).
- Uploads never served from the web root: datasets/test_uploads.py::test_agency_uploads_against_a_request_and_
  versions_are_kept; here test_uploads_live_outside_the_web_root_and_no_url_serves_them.
- CSV/Excel exports escape formula injection: metrics/test_pages.py::test_the_csv_export_matches_and_defuses_
  formulas and ::test_formula_cells_get_an_apostrophe, assessment/test_tracking.py::test_csv_export_escapes_
  formulas; here test_every_spreadsheet_writer_escapes_formulas (every module that writes CSV or Excel goes
  through formula_safe, which escapes = + - @ tab CR); the engine's problems CSV (the CLI):
  tests/analysis/test_hostile_input.py::test_the_problems_file_defuses_formulas.
- Every form validated server-side: here test_every_form_refuses_garbage_and_missing_fields (every Form class in
  the project), test_posting_garbage_to_any_page_saves_nothing (every page without URL arguments, four roles) and
  test_hardening_demo.py::test_every_form_of_the_demo_program_answers_empty_and_garbage_posts (every POST form
  the crawl finds, 4 roles);
  field by field: intake/test_form.py and tests/web/test_hostile_input.py.
"""

import ast
import importlib
import inspect
import json
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import engines
from django.urls import URLPattern, URLResolver, get_resolver

import continuum
from continuum.audit.models import AuditEvent
from continuum.portal.spreadsheets import FORMULA_STARTS, formula_safe

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src" / "continuum"

# Inline code the policy (script-src/style-src 'self') would block: a <script> without src, a <style> element,
# a style="" attribute, an on*="" event handler, or a javascript: URL.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|(href|src|action)\s*=\s*[\"']?\s*javascript:",
    re.IGNORECASE,
)


def _template_files() -> list[Path]:
    """Every template this project ships (its own folders, not the installed libraries')."""
    folders = [Path(d) for d in engines["django"].dirs] + [
        Path(app.path) / "templates" for app in apps.get_app_configs() if Path(app.path).is_relative_to(SRC)
    ]
    return sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file())


def test_no_template_has_inline_code():
    files = _template_files()
    assert len(files) > 50  # the walk found the templates
    offenders = [
        f"{path.relative_to(REPO)}:{text[: m.start()].count(chr(10)) + 1}: {m.group(0)}"
        for path in files
        for text in [path.read_text(encoding="utf-8")]
        for m in INLINE.finditer(text)
    ]
    assert offenders == []


def _routes(patterns=None, prefix: str = ""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + str(entry.pattern), entry.callback


def _plain_routes() -> list[str]:
    """Our pages that take no URL argument (the admin and the API are Django's and django-ninja's)."""
    return sorted(
        path.replace("^", "").replace("$", "")
        for path, _ in _routes()
        if "<" not in path and "(" not in path and not path.startswith(("/admin", "/api", "/static"))
    )


@pytest.mark.parametrize("who", [None, "liaison_a", "staff"])
def test_every_page_carries_the_csp_and_no_inline_code(client, users, login, who):
    if who:
        login(users[who])
    seen = 0
    for path in _plain_routes():
        response = client.get(path)
        assert response.status_code < 500, path
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        seen += 1
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path
        html = b"".join(response.streaming_content) if response.streaming else response.content
        assert INLINE.findall(html.decode()) == [], path
    assert seen >= 5


def test_production_settings_are_secure(tmp_path):
    """Read from the settings module itself with DEBUG off, as production starts it."""
    names = [
        "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
        "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY", "DEBUG",
    ]  # fmt: skip
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    )
    keep = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    env = {**keep, "DEBUG": "0", "SECRET_KEY": "production-key-" + "0123456789" * 4, "CONTINUUM_VAR_DIR": str(tmp_path),
           "ALLOWED_HOSTS": "continuum.example.gov"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        **values,
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
    }
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600


HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
PDF_HEAD = b"%PDF-1.4\n\x89PNG\r\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


TEXT = (".csv", ".txt")  # text by definition: refused instead for binary content (NUL bytes)


def _checkers():
    """Every function that decides whether an upload is what its name says, with the names it accepts."""
    from continuum.datasets import uploads as datasets
    from continuum.delivery import documents
    from continuum.intake import letters
    from continuum.reports.forms import FigureForm

    def figure(upload):
        form = FigureForm.__new__(FigureForm)
        form.cleaned_data = {"image": upload}
        return form.clean_image()

    return [
        ("letter", letters.validate_letter, ["letter.pdf"]),
        (
            "document",
            documents.check_upload,
            [f"a{ext}" for ext in documents.ACCEPT_ATTRIBUTE.split(",") if ext not in TEXT],
        ),
        ("dataset", datasets.check_upload, [f"data{ext}" for ext in datasets.FORMATS if ext not in TEXT]),
        ("figure", figure, ["chart.png", "chart.jpg"]),
    ]


@pytest.mark.parametrize("content", [HTML, EXE], ids=["html", "exe"])
def test_every_upload_check_refuses_a_disguised_file(content):
    """Every accepted kind but plain text is recognised by its bytes, never its name (a .csv holding NUL bytes is
    refused: datasets/test_uploads.py, delivery/test_documents.py)."""
    checked = 0
    for _kind, check, names in _checkers():
        for name in names:
            upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
            with pytest.raises((ValidationError, forms.ValidationError)):
                check(upload)
            checked += 1
    assert checked >= 6


# Forms whose file is size-checked outside the form, by the business function the view calls.
CHECKED_ELSEWHERE = {"ProposalForm": "assessment.tracking.propose -> delivery.documents.check_upload"}


class Huge(SimpleUploadedFile):
    """A small file that says it is a terabyte: what every size check reads."""

    size = property(lambda self: 10**12, lambda self, value: None)


def test_every_file_field_refuses_an_oversized_file(users, orgs, site_world):
    found = 0
    for cls in _form_classes():
        fields = [n for n, f in cls.base_fields.items() if isinstance(f, forms.FileField)]
        if not fields or cls.__name__ in CHECKED_ELSEWHERE:
            continue
        for name in fields:
            form = _build(cls, {}, users, site_world)
            prefixed = form.add_prefix(name)
            form = _build(cls, {}, users, site_world, files={prefixed: Huge("a.pdf", PDF_HEAD)})
            form.is_valid()
            assert name in form.errors, f"{cls.__qualname__}.{name} took a terabyte"
            found += 1
    assert found >= 4


def test_an_oversized_letter_stops_arriving_at_the_limit(client, db, settings, tmp_path, monkeypatch):
    """The public form takes a letter from anyone: past the limit, no more of it is received or spooled."""
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    from continuum.intake import letters
    from continuum.intake.models import Request

    from .intake.conftest import PDF, form_data

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(letters, "MAX_LETTER_BYTES", 200_000)
    spooled = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def spy(self, raw_data, start):
        spooled.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", spy)
    big = SimpleUploadedFile("letter.pdf", PDF + b"0" * 5_000_000, content_type="application/pdf")
    response = client.post("/request/", {**form_data(), "authorization_letter": big})
    assert response.status_code == 422
    assert "the limit is 10 MB" in response.context["form"].errors["authorization_letter"][0]
    assert sum(spooled) <= letters.MAX_LETTER_BYTES
    assert not Request.objects.exists() and not any(p.is_file() for p in tmp_path.rglob("*"))


def test_the_request_form_still_checks_csrf(db):
    from django.test import Client

    from continuum.intake.models import Request

    from .intake.conftest import form_data

    assert Client(enforce_csrf_checks=True).post("/request/", form_data()).status_code == 403
    assert not Request.objects.exists()


def test_uploads_live_outside_the_web_root_and_no_url_serves_them(client, users, login, settings, tmp_path):
    media = Path(settings.MEDIA_ROOT).resolve()
    web_roots = [Path(settings.STATIC_ROOT).resolve()] + [
        Path(d).resolve() for d in settings.STATICFILES_DIRS
    ]
    web_roots += [Path(app.path, "static").resolve() for app in apps.get_app_configs()]
    for root in web_roots:
        assert not media.is_relative_to(root) and not root.is_relative_to(media), root
    from django.views.static import serve

    assert [path for path, view in _routes() if view is serve] == []
    settings.MEDIA_ROOT = tmp_path / "media"
    secret = settings.MEDIA_ROOT / "intake" / "letters" / "secret.pdf"
    secret.parent.mkdir(parents=True)
    secret.write_bytes(b"%PDF-1.4 secret")
    login(users["staff"])
    for path in ["/media/intake/letters/secret.pdf", "/intake/letters/secret.pdf", "/uploads/intake/letters/secret.pdf",
                 "/static/../media/intake/letters/secret.pdf", "/static/intake/letters/secret.pdf"]:  # fmt: skip
        response = client.get(path)
        assert response.status_code == 404, path


def _modules():
    for info in pkgutil.walk_packages(continuum.__path__, "continuum."):
        if ".migrations" in info.name or info.name.startswith("continuum.analysis"):
            continue
        yield importlib.import_module(info.name)


def test_every_spreadsheet_writer_escapes_formulas():
    """The web app's exports open in spreadsheets: any module that writes CSV or Excel uses formula_safe."""
    writers = []
    for module in _modules():
        source = Path(module.__file__).read_text(encoding="utf-8") if module.__file__ else ""
        calls = {node.attr for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Attribute)}
        if calls & {"writer", "DictWriter", "writerow", "writerows", "Workbook", "append_row"}:
            writers.append(module.__name__)
            assert "formula_safe" in source, f"{module.__name__} writes a spreadsheet without formula_safe"
    assert len(writers) >= 2  # the metrics and implementation-tracking exports
    for start in ["=", "+", "-", "@", "\t", "\r"]:
        assert formula_safe(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}
    assert formula_safe("Columbus") == "Columbus" and formula_safe(None) == ""


GARBAGE = "\x01<script>x</script>' OR 1=1 --" + "9" * 30


def _form_classes() -> list[type[forms.BaseForm]]:
    found = {}
    for module in _modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, forms.BaseForm)
                and cls.__module__.startswith("continuum.")
                and cls.base_fields
            ):
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[name] for name in sorted(found)]


def _build(cls, data, users, db_objects, files=None):
    """Construct a form the way its view does: the keyword arguments its __init__ names, from a small world."""
    kwargs = {}
    for name, parameter in inspect.signature(cls.__init__).parameters.items():
        if parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty:
            assert name in db_objects, f"{cls.__qualname__} needs {name!r}: add it to the world in this test"
            kwargs[name] = db_objects[name]
    model = getattr(getattr(cls, "_meta", None), "model", None)
    if model in db_objects:  # a model form whose __init__ reads its saved record
        kwargs["instance"] = db_objects[model]
    while True:
        try:
            return cls(data, files, **kwargs)
        except KeyError as missing:  # an __init__ that takes it with kwargs.pop(name), as allauth's forms do
            name = missing.args[0]
            assert name in db_objects and name not in kwargs, f"{cls.__qualname__} needs {name!r}: add it"
            kwargs[name] = db_objects[name]


LENIENT = (forms.CharField, forms.BooleanField, forms.NullBooleanField, forms.FileField)


def test_every_form_refuses_garbage_and_missing_fields(users, orgs, site_world):
    """Required fields refuse nothing; every typed field (a choice, number, date, e-mail, record...) refuses
    garbage. Free text and yes/no boxes take anything, by nature."""
    classes = _form_classes()
    assert len(classes) >= 30
    for cls in classes:
        empty = _build(cls, {}, users, site_world)
        required = [n for n, f in empty.fields.items() if f.required and not f.disabled]
        if required:
            assert not empty.is_valid(), cls
            assert set(required) <= set(empty.errors), cls
        garbage = _build(cls, dict.fromkeys(empty.fields, GARBAGE), users, site_world)
        typed = [n for n, f in garbage.fields.items() if not isinstance(f, LENIENT) and not f.disabled]
        if typed:
            assert not garbage.is_valid(), f"{cls.__qualname__} accepted garbage"
            assert set(typed) <= set(garbage.errors), (
                f"{cls.__qualname__}: {set(typed) - set(garbage.errors)}"
            )


@pytest.fixture
def site_world(users, orgs):
    """What forms are built with: a site, its report and version, the user."""
    from continuum.intake.models import Request
    from continuum.reports.models import Report
    from continuum.sites.models import Site
    from continuum.workplans.models import WorkPlan

    from .intake.conftest import make_request

    site = Site.objects.create(
        agency=orgs["agency_a"], provider=orgs["provider_a"], program="critical_response",
        ta_type="technical_assistance", title="Hardening site", description="x", status=Site.Status.DELIVERY,
    )  # fmt: skip
    report = Report.objects.create(site=site, title="Report", created_by=users["provider_a"])
    plan = WorkPlan.objects.create(site=site, version=1, created_by=users["provider_a"])
    request = make_request()
    from continuum.sites.transitions import LIFECYCLE

    return {"user": users["staff"], "site": site, "report": report, "plan": plan, "requester": None,
            "step": LIFECYCLE.step("suspend"), "versions": [1, 2], Request: request}  # fmt: skip


@pytest.mark.parametrize("who", [None, "liaison_a", "staff", "admin"])
def test_posting_garbage_to_any_page_saves_nothing(client, users, login, who):
    """Every page's POST, empty or full of garbage, is refused or re-rendered with errors: no 5xx, no audit event
    (every save writes one), whoever posts."""
    if who:
        login(users[who])
    saves = AuditEvent.objects.exclude(
        action=AuditEvent.Action.SECURITY
    )  # a failed log-in is audited, rightly
    before = saves.count()
    for path in _plain_routes():
        if path in ("/accounts/logout/",):
            continue
        for data in ({}, {"q": GARBAGE, "name": GARBAGE, "email": GARBAGE, "reason": GARBAGE}):
            response = client.post(path, data)
            assert response.status_code < 500, path
    assert saves.count() == before
