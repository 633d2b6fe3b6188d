from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from continuum.accounts.security import MFA_ROLES
from continuum.demo import data


class Command(BaseCommand):
    help = "Load (or reload) the demo program: agencies, providers and one user per role."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Don't print the demo log-ins.")
        parser.add_argument(
            "--throwaway-database", action="store_true",
            help="With DEBUG off: confirm this database is a throwaway one (a load test), not production.",
        )  # fmt: skip

    def handle(self, *args, quiet=False, throwaway_database=False, **options):
        if not settings.DEBUG and not throwaway_database:
            raise CommandError(
                "load_demo creates log-ins whose addresses are published and whose password is printed; with "
                "DEBUG off this may be a production database, so nothing was loaded. Run it in development "
                "(DEBUG=1), or pass --throwaway-database for a database you will delete."
            )
        users = data.load()
        if quiet:
            return
        password = data.demo_password()
        self.stdout.write(
            self.style.SUCCESS("Demo data loaded. Log in at http://127.0.0.1:8000/accounts/login/")
        )
        width = max(len(u.email) for u in users)
        for user in users:
            role = dict(data.Role.choices)[user.role]
            second = "  + two-factor code" if user.role in MFA_ROLES else ""
            self.stdout.write(f"  {role:<24} {user.email:<{width}}  password: {password}{second}")
        self.stdout.write(
            "Two-factor code: from an authenticator app set up with the key "
            f"{data.demo_totp_secret()} (time-based, 6 digits)"
        )
        if bypass := getattr(settings, "MFA_TOTP_INSECURE_BYPASS_CODE", None):
            self.stdout.write(f"  or, in this development demo only, the code {bypass}")
