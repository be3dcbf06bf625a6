"""``/v1/guardian-subscriptions``: a platform (``X-API-Key``, scope ``alerts:manage``)
subscribes a guardian to alerts about a child's account, and reads the child's log of what
was shared. A platform sees only its own subscriptions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response

from notalone.alerts import service
from notalone.alerts.schemas import (
    AlertRead,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionRead,
)
from notalone.web.deps import AlertsKeyDep, EngineDep, SessionsDep, SettingsDep

router = APIRouter(tags=["alerts"])
SubscriptionId = Annotated[str, Path(min_length=1, max_length=36)]
_ERRORS = {
    401: {"description": "no valid X-API-Key"},
    403: {"description": "the key lacks the alerts:manage scope"},
    404: {"description": "no such subscription for this platform"},
    422: {"description": "invalid request (input never echoed)"},
}


@router.post(
    "/v1/guardian-subscriptions",
    response_model=SubscriptionCreated,
    status_code=201,
    responses=_ERRORS,
)
def subscribe(
    body: SubscriptionCreate,
    key: AlertsKeyDep,
    engine: EngineDep,
    sessions: SessionsDep,
    settings: SettingsDep,
) -> SubscriptionCreated:
    """Alert a guardian when a report from this platform about the child crosses
    ``threshold``. The answer carries the webhook's signing secret, once."""
    with sessions.begin() as session:
        return service.subscribe(
            session=session,
            data=body,
            platform=key.platform,
            organisation=key.organisation,
            engine=engine,
            now=datetime.now(UTC),
            email_enabled=bool(settings.smtp_host),
            allow_private=settings.webhook_allow_private,
        )


@router.get(
    "/v1/guardian-subscriptions/{subscription_id}",
    response_model=SubscriptionRead,
    responses=_ERRORS,
)
def get_subscription(
    subscription_id: SubscriptionId, key: AlertsKeyDep, sessions: SessionsDep
) -> SubscriptionRead:
    with sessions.begin() as session:
        return service.get_subscription(
            session=session, platform=key.platform, subscription_id=subscription_id
        )


@router.delete("/v1/guardian-subscriptions/{subscription_id}", status_code=204, responses=_ERRORS)
def cancel(subscription_id: SubscriptionId, key: AlertsKeyDep, sessions: SessionsDep) -> Response:
    """No more alerts; pending ones are dropped, the log stays."""
    with sessions.begin() as session:
        service.cancel(
            session=session,
            platform=key.platform,
            subscription_id=subscription_id,
            now=datetime.now(UTC),
        )
    return Response(status_code=204)


@router.get(
    "/v1/guardian-subscriptions/{subscription_id}/alerts",
    response_model=list[AlertRead],
    responses=_ERRORS,
)
def alerts(
    subscription_id: SubscriptionId, key: AlertsKeyDep, sessions: SessionsDep
) -> list[AlertRead]:
    """The child's log: every alert, its disclosure level and why, and whether it arrived."""
    with sessions.begin() as session:
        return service.alerts_of(
            session=session, platform=key.platform, subscription_id=subscription_id
        )
