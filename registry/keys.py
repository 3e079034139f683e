"""Secrets kept beside the register, made on first use: every gateway opening the same register
(two gateways on one PostgreSQL, the daemon and the command line) reads the same one."""

from __future__ import annotations

import secrets
from datetime import datetime, timezone

from sqlalchemy.exc import IntegrityError

from registry import audit
from registry.database import Register
from registry.models import RegisterKey

MESSAGE_TOKENS = "message-tokens"  # the key of X-QLVB-Token (gateway/exchange/tokens.py)


def register_key(register: Register, name: str = MESSAGE_TOKENS) -> bytes:
    """The register's secret of this name (32 random bytes), made by the first gateway that asks."""
    with register.session() as session:
        row = session.get(RegisterKey, name)
        if row is not None:
            return row.secret
    try:
        with register.session() as session, session.begin():
            session.add(RegisterKey(name=name, secret=secrets.token_bytes(32), created_at=datetime.now(timezone.utc)))
            audit.record(session, "register-key-created", name=name)  # its name only, never the secret
    except IntegrityError:
        pass  # another gateway made it at the same moment: theirs is the one
    with register.session() as session:
        row = session.get(RegisterKey, name)
        assert row is not None
        return row.secret
