"""The only code that reads and writes subscriptions and alerts. Functions never commit: the
caller owns the transaction, so an alert is stored with the report that raised it.

A platform's report concerns a child when the child reported it, was the recipient of the
reported message, or is the other party of a two-person thread; never when the child is
the reported user. Every active subscription of that child whose threshold the report's
severity meets gets one alert per channel.
"""

from __future__ import annotations

import hashlib
import ipaddress
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from notalone.alerts.disclosure import Disclosure, alert_data, choose
from notalone.alerts.models import AlertDelivery, GuardianSubscription
from notalone.alerts.schemas import (
    AlertRead,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionRead,
)
from notalone.alerts.signing import envelope, new_secret
from notalone.cases.models import Report
from notalone.cases.schemas import PlatformReport
from notalone.db import as_utc
from notalone.detection.engine import Engine
from notalone.errors import InputError, NotFound
from notalone.taxonomy import Severity

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
RETRIES = 5  # after the first attempt, each waiting twice as long as the one before
_RECIPIENT_KEYS = ("recipient", "recipientId", "recipients", "recipientIds")
PRIVATE_REFUSED = "webhook address is not public (NOTALONE_WEBHOOK_ALLOW_PRIVATE)"


def is_public(address: str) -> bool:
    """Whether an IP address is on the public internet (not loopback, private, link-local,
    multicast or reserved)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


@dataclass(frozen=True, slots=True)
class Claim:
    """A due alert, taken for one attempt (other workers skip it until its lease ends)."""

    id: str
    channel: str
    body: bytes
    attempt: int
    webhook_url: str | None
    webhook_secret: str | None
    email: str | None
    language: str


def subscribe(
    *,
    session: Session,
    data: SubscriptionCreate,
    platform: str,
    organisation: str,
    engine: Engine,
    now: datetime,
    email_enabled: bool,
    allow_private: bool = False,
) -> SubscriptionCreated:
    """A new subscription (its webhook's signing secret is in the answer, once). A webhook
    host written as an IP address, or ``localhost``, must be public unless ``allow_private``
    (names are resolved and checked again at every delivery)."""
    if data.webhook_url is not None and not allow_private:
        host = data.webhook_url.host or ""
        try:
            private = host == "localhost" or not is_public(host.strip("[]"))
        except ValueError:  # a name, not an address
            private = host.endswith(".localhost")
        if private:
            raise InputError(
                "the webhook's host is not a public address (NOTALONE_WEBHOOK_ALLOW_PRIVATE)",
                fields={"webhook_url": "not public"},
            )
    if data.email is not None and not email_enabled:
        raise InputError(
            "email alerts are not configured on this service (NOTALONE_SMTP_HOST)",
            fields={"email": "unavailable"},
        )
    directory = engine.helpline_directory
    locale = directory.check(data.locale or directory.locale_for(data.language))
    row = GuardianSubscription(
        id=str(uuid.uuid4()),
        platform=platform,
        child_user=data.child_user,
        organisation=organisation,
        language=data.language,
        locale=locale,
        age_band=data.age_band,
        child_consented=data.child_consented,
        threshold=data.threshold,
        max_disclosure=data.max_disclosure.value,
        webhook_url=str(data.webhook_url) if data.webhook_url else None,
        webhook_secret=new_secret() if data.webhook_url else None,
        email=data.email,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return SubscriptionCreated(**_read(row).model_dump(), webhook_secret=row.webhook_secret)


def get_subscription(*, session: Session, platform: str, subscription_id: str) -> SubscriptionRead:
    return _read(_subscription(session, platform, subscription_id))


def cancel(*, session: Session, platform: str, subscription_id: str, now: datetime) -> None:
    """No more alerts; those not yet delivered are dropped (their record stays)."""
    row = _subscription(session, platform, subscription_id)
    if row.cancelled_at is None:
        row.cancelled_at = now
    session.execute(
        update(AlertDelivery)
        .where(AlertDelivery.subscription_id == row.id, AlertDelivery.status == PENDING)
        .values(status=FAILED, last_error="subscription cancelled")
    )
    session.flush()


def alerts_of(*, session: Session, platform: str, subscription_id: str) -> list[AlertRead]:
    row = _subscription(session, platform, subscription_id)
    deliveries = session.scalars(
        select(AlertDelivery)
        .where(AlertDelivery.subscription_id == row.id)
        .order_by(AlertDelivery.created_at, AlertDelivery.id)
    )
    return [
        AlertRead(
            id=d.id,
            channel=d.channel,
            severity=d.severity,
            categories=d.categories,
            disclosure=Disclosure(d.disclosure),
            reason=d.reason,
            status=d.status,
            attempts=d.attempts,
            last_error=d.last_error,
            created_at=as_utc(d.created_at),
            delivered_at=as_utc(d.delivered_at) if d.delivered_at else None,
        )
        for d in deliveries
    ]


def children_concerned(data: PlatformReport) -> set[str]:
    """The platform user ids a report is about protecting (see the module docstring)."""
    reported = data.reportedItem.sender()
    found: set[str] = set()
    if data.reporter.kind == "user":
        found.add(data.reporter.id)
    for key in _RECIPIENT_KEYS:
        value = data.reportedItem.data.get(key)
        values = value if isinstance(value, list) else [value]
        found.update(v for v in values if isinstance(v, str) and v)
    senders = {item.sender() for item in (*data.reportedItemThread, *data.reportedItemsInThread)}
    senders.add(reported)
    senders.discard("unknown")
    if len(senders) == 2:
        found.update(senders)
    return found - {reported, "unknown"}


def raise_alerts(
    *,
    session: Session,
    report_id: str,
    data: PlatformReport,
    platform: str,
    engine: Engine,
    now: datetime,
    expires_after: timedelta | None,
) -> int:
    """Queue the alerts a newly stored platform report calls for; returns how many."""
    children = children_concerned(data)
    if not children:
        return 0
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound("no such report", fields={"report_id": "unknown"})
    severity = Severity(report.severity)
    subscriptions = session.scalars(
        select(GuardianSubscription).where(
            GuardianSubscription.platform == platform,
            GuardianSubscription.child_user.in_(sorted(children)),
            GuardianSubscription.cancelled_at.is_(None),
        )
    ).all()
    queued = 0
    for sub in subscriptions:
        if severity < Severity(sub.threshold):
            continue
        level, reason = choose(
            severity,
            age_band=sub.age_band,
            child_consented=sub.child_consented,
            ceiling=Disclosure(sub.max_disclosure),
        )
        channels = [c for c, to in (("webhook", sub.webhook_url), ("email", sub.email)) if to]
        for channel in channels:
            event_id = str(uuid.uuid4())
            body = envelope(
                event_id=event_id,
                organisation=sub.organisation,
                subject=sub.id,
                time=now,
                data=alert_data(
                    alert_id=event_id,
                    subscription=sub,
                    report=report,
                    level=level,
                    reason=reason,
                    advice=engine.advice_book,
                    helplines=engine.helpline_directory,
                    expires_at=now + expires_after if expires_after else None,
                ),
            )
            session.add(
                AlertDelivery(
                    id=event_id,
                    subscription_id=sub.id,
                    report_id=report.id,
                    channel=channel,
                    severity=severity.value,
                    categories=[c["id"] for c in report.categories],
                    disclosure=level.value,
                    reason=reason[:200],
                    body=body.decode("utf-8"),
                    body_sha256=hashlib.sha256(body).hexdigest(),
                    status=PENDING,
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
            queued += 1
    session.flush()
    return queued


def claim_due(*, session: Session, now: datetime, limit: int, lease: timedelta) -> list[Claim]:
    """Take up to ``limit`` due alerts for one attempt each: their next attempt moves to the
    end of the lease, so a worker that dies mid-send leaves them to be retried."""
    rows = session.execute(
        select(AlertDelivery, GuardianSubscription)
        .join(GuardianSubscription, AlertDelivery.subscription_id == GuardianSubscription.id)
        .where(AlertDelivery.status == PENDING, AlertDelivery.next_attempt_at <= now)
        .order_by(AlertDelivery.next_attempt_at, AlertDelivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=AlertDelivery)
    ).all()
    claims = []
    for delivery, sub in rows:
        assert delivery.body is not None  # purge_text fails a pending alert it empties
        delivery.next_attempt_at = now + lease
        claims.append(
            Claim(
                id=delivery.id,
                channel=delivery.channel,
                body=delivery.body.encode("utf-8"),
                attempt=delivery.attempts + 1,
                webhook_url=sub.webhook_url,
                webhook_secret=sub.webhook_secret,
                email=sub.email,
                language=sub.language,
            )
        )
    session.flush()
    return claims


def settle(
    *,
    session: Session,
    delivery_id: str,
    error: str | None,
    retry: bool,
    now: datetime,
    backoff: timedelta,
) -> str:
    """Record one attempt's outcome (``error`` None: delivered); a retryable failure waits
    ``backoff``, then twice as long each time, for ``RETRIES`` retries. Returns the status."""
    row = session.get(AlertDelivery, delivery_id, with_for_update=True)
    if row is None or row.status != PENDING:  # cancelled meanwhile
        return row.status if row else FAILED
    row.attempts += 1
    if error is None:
        row.status, row.delivered_at, row.last_error = DELIVERED, now, None
    elif retry and row.attempts <= RETRIES:
        row.next_attempt_at = now + backoff * 2 ** (row.attempts - 1)
        row.last_error = error[:200]
    else:
        row.status, row.last_error = FAILED, error[:200]
    session.flush()
    return row.status


def purge_text(*, session: Session, older_than: timedelta, now: datetime) -> int:
    """Delete the content of alerts older than ``older_than`` (excerpts and evidence live in
    it); the digest, level, reason and delivery record stay, and one still undelivered is
    given up. Returns how many."""
    old = AlertDelivery.created_at < now - older_than
    session.execute(
        update(AlertDelivery)
        .where(old, AlertDelivery.status == PENDING)
        .values(status=FAILED, last_error="expired before delivery")
    )
    result = session.execute(
        update(AlertDelivery).where(old, AlertDelivery.body.is_not(None)).values(body=None)
    )
    return result.rowcount or 0


def _subscription(session: Session, platform: str, subscription_id: str) -> GuardianSubscription:
    row = session.get(GuardianSubscription, subscription_id)
    if row is None or row.platform != platform:  # another platform's: as if it did not exist
        raise NotFound("no subscription with this id", fields={"subscription_id": "unknown"})
    return row


def _read(row: GuardianSubscription) -> SubscriptionRead:
    return SubscriptionRead(
        id=row.id,
        platform=row.platform,
        child_user=row.child_user,
        webhook_url=row.webhook_url,
        email=row.email,
        language=row.language,
        locale=row.locale,
        age_band=row.age_band,
        child_consented=row.child_consented,
        threshold=row.threshold,
        max_disclosure=Disclosure(row.max_disclosure),
        created_at=as_utc(row.created_at),
        cancelled_at=as_utc(row.cancelled_at) if row.cancelled_at else None,
    )
