"""allauth adapters: accounts are issued by administrators, not self-registered; authenticator secrets are
stored encrypted."""

import base64
import hashlib
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def get_reset_password_from_key_url(self, key: str) -> str:
        """The link in a password-reset e-mail points at the configured SITE_URL, never at the host and port a
        request claimed in its Host header (which an attacker chooses)."""
        return _on_site(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return _on_site(super().get_email_confirmation_url(request, emailconfirmation))

    def send_mail(self, template_prefix, email, context) -> None:
        """E-mails name the configured site, not the request's Host header."""
        site = SimpleNamespace(
            name=urlsplit(settings.SITE_URL).netloc, domain=urlsplit(settings.SITE_URL).netloc
        )
        super().send_mail(template_prefix, email, {**context, "current_site": site})


def _on_site(url: str) -> str:
    parts = urlsplit(url)
    return settings.SITE_URL + urlunsplit(("", "", parts.path, parts.query, parts.fragment))


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets are encrypted with a key derived from SECRET_KEY, so a copy of the database alone cannot
    mint codes. Keys in SECRET_KEY_FALLBACKS still decrypt, so the secret key can be rotated."""

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()

    def can_delete_authenticator(self, authenticator) -> bool:
        """Those whose role requires two factors cannot remove their authenticator app; an administrator can
        delete it in the admin (say, for a lost phone), and the user must then set up a new one to continue."""
        from .security import MFA_ROLES

        return not (authenticator.type == authenticator.Type.TOTP and authenticator.user.role in MFA_ROLES)


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_derive(key)) for key in keys])


def _derive(secret_key: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(b"continuum.mfa:" + secret_key.encode()).digest())
