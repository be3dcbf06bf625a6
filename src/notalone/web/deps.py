"""Dependencies shared by routes (``Annotated`` aliases)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from notalone.accounts.models import Account, ApiKey
from notalone.accounts.service import (
    account_for_token,
    api_key_for,
    issue_token,
    record_failed_sign_in,
)
from notalone.cases.evidence import EvidenceStore
from notalone.detection.engine import Engine
from notalone.errors import Unauthorized
from notalone.settings import Settings


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_sessions(request: Request) -> sessionmaker[Session]:
    """The session factory; routes open the transaction themselves (``with s.begin()``) so
    that it commits before the response is sent."""
    return request.app.state.sessions


_BEARER = HTTPBearer(auto_error=False, description="a token from POST /v1/auth/token")


def get_account(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
) -> Account:
    """The account behind the bearer token, or 401."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("this needs a bearer token; get one at /v1/auth/token")
    return account_of(get_sessions(request), credentials.credentials)


def account_of(sessions: sessionmaker[Session], token: str) -> Account:
    """The account a token (bearer or desk session) belongs to, detached; or ``Unauthorized``."""
    with sessions.begin() as session:
        account = account_for_token(session=session, token=token, now=datetime.now(UTC))
        session.expunge(account)
    return account


def sign_in(sessions: sessionmaker[Session], username: str, password: str) -> tuple[str, datetime]:
    """A token and its expiry, or ``Unauthorized``; a wrong password is counted towards the
    account's lock-out in a transaction of its own (the failed one is rolled back)."""
    now = datetime.now(UTC)
    try:
        with sessions.begin() as session:
            return issue_token(session=session, username=username, password=password, now=now)
    except Unauthorized:
        with sessions.begin() as session:
            record_failed_sign_in(session=session, username=username, now=now)
        raise


_API_KEY = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="a platform's key (notalone keys create)"
)


def get_alerts_key(request: Request, key: Annotated[str | None, Depends(_API_KEY)]) -> ApiKey:
    """The platform key behind ``X-API-Key`` with the ``alerts:manage`` scope, or 401/403."""
    if not key:
        raise Unauthorized("this needs an X-API-Key with the alerts:manage scope")
    with get_sessions(request).begin() as session:
        found = api_key_for(session=session, key=key, scope="alerts:manage")
        session.expunge(found)
    return found


def get_evidence(request: Request) -> EvidenceStore:
    return request.app.state.evidence


EngineDep = Annotated[Engine, Depends(get_engine)]
EvidenceDep = Annotated[EvidenceStore, Depends(get_evidence)]
AccountDep = Annotated[Account, Depends(get_account)]
AlertsKeyDep = Annotated[ApiKey, Depends(get_alerts_key)]
SessionsDep = Annotated[sessionmaker[Session], Depends(get_sessions)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
