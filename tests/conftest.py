"""Shared fixtures: one organization of each kind twice over (A and B), and one user per role."""

import contextlib
import functools
import json
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by tests are still
# synchronous, so Django's async-safety guard does not apply to them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple-42"


def pytest_collection_modifyitems(config, items):
    """Mutation testing (benchmarks/mutation.py) runs a mutant's tests until the first failure. The tests that
    killed this mutant or another of its function in the last run go first, then the rest, each group fastest
    first (mutmut's own timings): a killed mutant then costs about one test, not every test that comes before
    its killer (for a page function, up to 150 page tests)."""
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if "__mutmut_" not in mutant:
        return
    took = _mutmut_timings()
    known = _mutmut_killers().get(mutant.rpartition("__mutmut_")[0], set())
    items.sort(key=lambda item: (item.nodeid not in known, took.get(item.nodeid, float("inf"))))


_KILLER: list[str] = []  # in a mutation run, the test that failed first (the run stops there)


def pytest_runtest_logreport(report):
    if report.failed and not _KILLER and "__mutmut_" in os.environ.get("MUTANT_UNDER_TEST", ""):
        _KILLER.append(report.nodeid)


def pytest_sessionfinish(session):
    """In a mutation run, write down for each mutant the test that killed it, for the order above in the next
    run (benchmarks/mutation.py keeps them in benchmarks/results/mutation_killers.json), and the processor time
    its run took since it was forked, for the time per module in the report."""
    log = os.environ.get("CONTINUUM_MUTATION_LOG")
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if log and "__mutmut_" in mutant:
        took = os.times()  # a forked process's own times start at zero
        entry = {"mutant": mutant, "test": _KILLER[0] if _KILLER else None, "cpu": took.user + took.system}
        with open(log, "a") as out:  # one short line per mutant: appends from two workers don't mix
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")


@functools.cache
def _mutmut_timings() -> dict[str, float]:
    """Each test's time in mutmut's stats run (mutmut-stats.json beside the mutated copy), read once in the
    process every mutant's run is forked from (pytest_collection_finish), not in each run (0.9 MB of JSON)."""
    stats = Path("mutmut-stats.json")
    return json.loads(stats.read_text()).get("duration_by_test", {}) if stats.is_file() else {}


@functools.cache
def _mutmut_killers() -> dict[str, set[str]]:
    """The tests that killed some mutant of each function in the last run (CONTINUUM_MUTATION_KILLERS: each
    mutant's killer), read once in the fork server (pytest_collection_finish)."""
    path = os.environ.get("CONTINUUM_MUTATION_KILLERS", "")
    killers = json.loads(Path(path).read_text()) if path and Path(path).is_file() else {}
    by_function: dict[str, set[str]] = {}
    for mutant, test in killers.items():
        by_function.setdefault(mutant.rpartition("__mutmut_")[0], set()).add(test)
    return by_function


def pytest_collection_finish(session):
    """Mutation testing (benchmarks/mutation.py sets CONTINUUM_MUTATION) forks each mutant's run from a process
    that has only collected the tests: what the tests load on first use (the URLconf and every view behind it,
    the templates, JAX and NumPyro behind the threshold test) is loaded there once, not in each of thousands of
    runs (1 to 2.4 s of a run of one test)."""
    if not (os.environ.get("CONTINUUM_MUTATION") and session.config.option.collectonly):
        return
    import importlib

    from django.template.loader import get_template

    _mutmut_timings()
    _mutmut_killers()
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every URLconf and view module)
    templates = Path(__file__).resolve().parents[1] / "src" / "continuum" / "templates"
    for template in sorted(templates.rglob("*.*")):
        get_template(template.relative_to(templates).as_posix())
    for module in (
        "jax.numpy",
        "jax.scipy.special",
        "numpyro.distributions",
        "numpyro.infer",
        "numpyro.diagnostics",
    ):
        importlib.import_module(module)


if os.environ.get("CONTINUUM_TEST_DB_TEMPLATE"):

    @pytest.fixture(scope="session")
    def django_db_setup(django_test_environment, django_db_blocker):
        """Mutation testing (benchmarks/mutation.py) runs the tests once per mutant: each run then uses its own
        copy of a database migrated once (CONTINUUM_TEST_DB_TEMPLATE) instead of creating a test database,
        which even with --reuse-db loads every migration to check it (0.9 s of a 1.2 s run of one web test)."""
        from django.conf import settings
        from django.db import connections

        copy = f"{os.environ['CONTINUUM_TEST_DB_TEMPLATE']}.{os.getpid()}"
        shutil.copyfile(os.environ["CONTINUUM_TEST_DB_TEMPLATE"], copy)
        connections["default"].close()
        settings.DATABASES["default"]["NAME"] = connections["default"].settings_dict["NAME"] = copy
        yield
        connections["default"].close()
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(copy + suffix)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing is deliberately slow; the tests make many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_public_page_cache(settings):
    """Tests look at a public page, change something and look again; tests/web/test_public_cache.py turns
    the cache on to test it."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _own_report_files(settings, tmp_path):
    """Published reports' rendered files go to a folder of the test's own."""
    settings.REPORT_FILES_DIR = tmp_path / "report-files"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits (allauth, intake) and used TOTP codes live in the shared cache (a database table in the
    tests); each test starts with none."""
    yield
    from django.core.cache import caches

    for cache in caches.all():
        # the database cache, in a test without database access, holds nothing of the test's
        with contextlib.suppress(RuntimeError):
            cache.clear()


DEMO_PASSWORD = "demo-password-for-the-test"


@pytest.fixture(scope="module")
def demo_program(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo program loaded twice (as a second `make run` does) once for a whole test module, for tests that
    read it or whose changes their own transaction rolls back: a first load takes 6 s on PostgreSQL, and a
    module's tests each loading it cost a minute. It is held in a transaction of its own around the module's
    tests (each test's `db` transaction is a savepoint inside it) and rolled back after the last one. Tests that
    need a server of their own (`transactional_db`, the browser) load the demo themselves."""
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    files = tmp_path_factory.mktemp("demo")
    # what the autouse fixtures set for each test, set for the load (they run after a module's fixtures)
    overrides = override_settings(
        MEDIA_ROOT=files / "media",
        REPORT_FILES_DIR=files / "report-files",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    overrides.enable()
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
    try:
        with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
            patch.setenv("CONTINUUM_DEMO_PASSWORD", DEMO_PASSWORD)
            call_command("load_demo", quiet=True, throwaway_database=True)
            call_command("load_demo", quiet=True, throwaway_database=True)
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
        overrides.disable()


@pytest.fixture
def orgs(db):
    from continuum.agencies.models import Agency, ProgramOffice, ProviderOrganization

    return {
        "office": ProgramOffice.objects.create(name="COPS Office"),
        "agency_a": Agency.objects.create(
            name="Columbus (OH) Division of Police", agency_type="local", city="Columbus", state="OH",
            ori="OHCOP0000", sworn_officers=1900, population_served=905748,
        ),
        "agency_b": Agency.objects.create(
            name="Fargo (ND) Police Department", agency_type="local", city="Fargo", state="ND",
            sworn_officers=195, population_served=125990,
        ),
        "provider_a": ProviderOrganization.objects.create(
            name="Jensen Hughes", provider_type="critical_response"
        ),
        "provider_b": ProviderOrganization.objects.create(
            name="National Policing Institute", provider_type="critical_response"
        ),
    }  # fmt: skip


ROLE_ORG = {
    "executive_a": ("agency_executive", "agency_a"),
    "liaison_a": ("agency_liaison", "agency_a"),
    "executive_b": ("agency_executive", "agency_b"),
    "liaison_b": ("agency_liaison", "agency_b"),
    "provider_a": ("provider_staff", "provider_a"),
    "provider_b": ("provider_staff", "provider_b"),
    "sme_a": ("sme", "provider_a"),
    "staff": ("program_staff", "office"),
    "reviewer": ("program_staff", "office"),
    "admin": ("administrator", "office"),
}


def make_user(email: str, role: str, organization, **fields):
    """A user as an administrator would issue it; roles that must use two factors get an authenticator app
    (TOTP), as they would have after their first sign-in."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from continuum.accounts.models import User
    from continuum.accounts.security import MFA_ROLES

    user = User.objects.create_user(
        email=email, password=PASSWORD, role=role, organization=organization, **fields
    )
    if role in MFA_ROLES:
        TOTP.activate(user, generate_totp_secret())
    return user


def at_once(work, times: int) -> None:
    """Run `work` in `times` threads started together, and wait for them all (races, concurrent first requests).
    Each thread closes its own database connection when done."""
    import threading

    from django.db import connection

    def run():
        try:
            work()
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def totp_code(user) -> str:
    """What the user's authenticator app shows now."""
    import time

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    secret = decrypt(Authenticator.objects.get(user=user, type="totp").data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client, user):
    """Sign a test client in as `user` the way a completed allauth log-in leaves the session: password, and
    the second factor for those who have one."""
    import time

    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.mfa.utils import is_mfa_enabled

    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    records = [{"method": "password", "at": time.time(), "email": user.email}]
    if is_mfa_enabled(user):
        records.append({"method": "mfa", "at": time.time(), "type": "totp"})
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return client


@pytest.fixture
def users(orgs):
    """Users keyed by a short name: executive_a, liaison_b, provider_a, sme_a, staff, admin, …"""
    return {
        key: make_user(
            f"{key}@example.gov",
            role,
            orgs[org],
            first_name=key.split("_")[0].title(),
            last_name=key.split("_")[-1].upper(),
        )
        for key, (role, org) in ROLE_ORG.items()
    }


@pytest.fixture
def login(client):
    """Log the test client in as a user; returns the client."""
    return lambda user: sign_in(client, user)


from tests.browser import browser, chromium  # noqa: E402, F401  (fixtures for the browser tests)
