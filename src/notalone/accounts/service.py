"""Accounts, passwords and tokens. Functions never commit (the caller owns the transaction).

Passwords are hashed with argon2id (argon2-cffi's defaults, re-hashed when they change);
tokens are 256-bit random strings of which only the SHA-256 is stored, so a database leak
yields no usable token. After ``MAX_FAILED_SIGN_INS`` wrong passwords in a row an account
refuses every sign-in for ``LOCKOUT`` (the caller records failures with
``record_failed_sign_in``, in a transaction of its own, because the failed attempt's own
transaction is rolled back). Every refused sign-in says the same thing and verifies one hash,
a lock-out included: a distinct answer would tell a guesser which usernames exist.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from notalone.accounts.models import Account, ApiKey, ApiToken
from notalone.accounts.permissions import Role
from notalone.db import as_utc
from notalone.errors import Conflict, Forbidden, InputError, Unauthorized

TOKEN_LIFETIME = timedelta(hours=12)
MAX_FAILED_SIGN_INS = 10
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 12
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_HASHER = PasswordHasher()
# Verified against when the username is unknown, so both failures take the same time.
_DUMMY = _HASHER.hash(secrets.token_urlsafe(16))
REFUSED = (
    f"wrong username or password (after {MAX_FAILED_SIGN_INS} wrong passwords in a row an "
    f"account is locked for {int(LOCKOUT.total_seconds() // 60)} minutes; an admin can help)"
)


def create_account(
    *, session: Session, username: str, password: str, role: str, organisation: str, now: datetime
) -> Account:
    if not _USERNAME.match(username):
        raise InputError(
            "a username is 2-64 lower-case letters, digits, '.', '_' or '-'",
            fields={"username": "invalid"},
        )
    if len(password) < MIN_PASSWORD:
        raise InputError(
            f"a password needs at least {MIN_PASSWORD} characters", fields={"password": "short"}
        )
    try:
        role = Role(role).value
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise InputError(
            f"unknown role {role!r}; use {known}", fields={"role": "unknown"}
        ) from None
    if not organisation or len(organisation) > 64:
        raise InputError(
            "an organisation name is 1-64 characters", fields={"organisation": "invalid"}
        )
    if session.scalar(select(Account.id).where(Account.username == username)):
        raise Conflict(f"the username {username!r} is taken", fields={"username": "taken"})
    account = Account(
        id=str(uuid.uuid4()),
        username=username,
        password_hash=_HASHER.hash(password),
        role=role,
        organisation=organisation,
        active=True,
        created_at=now,
    )
    session.add(account)
    session.flush()
    return account


def issue_token(
    *, session: Session, username: str, password: str, now: datetime
) -> tuple[str, datetime]:
    """A bearer token for the account, and when it expires."""
    account = session.scalar(select(Account).where(Account.username == username))
    if account is not None and _locked(account, now):
        account = None  # refused like an unknown name, after the same hash work
    try:
        _HASHER.verify(account.password_hash if account else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        account = None
    if account is None or not account.active:
        raise Unauthorized(REFUSED)
    if _HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = _HASHER.hash(password)
    account.failed_sign_ins, account.locked_until = 0, None
    token = secrets.token_urlsafe(32)
    expires = now + TOKEN_LIFETIME
    session.add(
        ApiToken(
            id=str(uuid.uuid4()),
            account_id=account.id,
            token_sha256=_digest(token),
            created_at=now,
            expires_at=expires,
        )
    )
    session.flush()
    return token, expires


def record_failed_sign_in(*, session: Session, username: str, now: datetime) -> None:
    """Count a wrong password; the ``MAX_FAILED_SIGN_INS``-th in a row locks the account for
    ``LOCKOUT`` (unknown usernames and attempts during a lock-out count for nothing)."""
    account = session.scalar(select(Account).where(Account.username == username).with_for_update())
    if account is None or _locked(account, now):
        return
    account.failed_sign_ins += 1
    if account.failed_sign_ins >= MAX_FAILED_SIGN_INS:
        account.failed_sign_ins, account.locked_until = 0, now + LOCKOUT
    session.flush()


def _locked(account: Account, now: datetime) -> bool:
    return account.locked_until is not None and as_utc(account.locked_until) > now


def account_for_token(*, session: Session, token: str, now: datetime) -> Account:
    found = session.execute(
        select(Account, ApiToken.expires_at)
        .join(ApiToken, ApiToken.account_id == Account.id)
        .where(ApiToken.token_sha256 == _digest(token))
    ).first()
    if found is None or not found[0].active or as_utc(found[1]) <= now:
        raise Unauthorized("missing, unknown or expired token; get one at /v1/auth/token")
    return found[0]


def revoke_token(*, session: Session, token: str) -> None:
    """Sign out: the token stops working at once (unknown tokens are ignored)."""
    found = session.scalar(select(ApiToken).where(ApiToken.token_sha256 == _digest(token)))
    if found is not None:
        session.delete(found)
        session.flush()


SCOPES = ("reports:write", "alerts:manage")


def create_api_key(
    *, session: Session, platform: str, organisation: str, scopes: list[str], now: datetime
) -> str:
    """A new key for ``platform`` (shown once; only its SHA-256 is kept)."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise InputError(f"scopes must be among {', '.join(SCOPES)}", fields={"scopes": "unknown"})
    if not platform or len(platform) > 64:
        raise InputError("a platform name is 1-64 characters", fields={"platform": "invalid"})
    key = "na_" + secrets.token_urlsafe(32)
    session.add(
        ApiKey(
            id=str(uuid.uuid4()),
            platform=platform,
            organisation=organisation,
            key_sha256=_digest(key),
            scopes=sorted(set(scopes)),
            created_at=now,
        )
    )
    session.flush()
    return key


def api_key_for(*, session: Session, key: str, scope: str) -> ApiKey:
    """The active key with ``scope``, or ``Unauthorized`` / ``Forbidden``."""
    found = session.scalar(select(ApiKey).where(ApiKey.key_sha256 == _digest(key)))
    if found is None or found.revoked_at is not None:
        raise Unauthorized("unknown or revoked API key")
    if scope not in found.scopes:
        raise Forbidden(f"this API key lacks the {scope} scope")
    return found


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
