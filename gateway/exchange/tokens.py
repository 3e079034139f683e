"""The token every mail we send carries (X-QLVB-Token): an HMAC-SHA-256 of its Message-ID under the
register's key. What comes back about one of our mails (a delivery report returning its headers)
is believed only when it returns that token: a Message-ID alone can be guessed, the token cannot.
Pure: the key and a Message-ID in, a token or a yes/no out."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-QLVB-Token"
LENGTH = 32  # hex digits kept of the HMAC: 128 bits


def _canonical(message_id: str) -> bytes:
    """The Message-ID as written, without the angle brackets or the spaces a server may add."""
    return message_id.strip().strip("<>").strip().encode("utf-8", "surrogateescape")


def token(key: bytes, message_id: str) -> str:
    return hmac.new(key, _canonical(message_id), hashlib.sha256).hexdigest()[:LENGTH]


def issued(key: bytes, message_id: str, presented: str | None) -> bool:
    """Whether `presented` is the token we put on the mail with this Message-ID."""
    if not presented or not message_id.strip():
        return False
    return hmac.compare_digest(token(key, message_id).encode(), presented.strip().lower().encode("utf-8", "replace"))
