"""allauth adapters: accounts are issued by administrators, not self-registered; authenticator secrets are
stored encrypted."""

import base64
import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False


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
