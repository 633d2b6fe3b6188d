"""Secret links and keys (invitations, survey links, API tokens, calendar feeds) are stored only as their
SHA-256 digest: a leaked table gives nobody a working link. A random 32-byte token needs no salt or slow hash."""

import hashlib


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
