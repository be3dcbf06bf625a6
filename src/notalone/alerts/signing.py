"""The alert on the wire: a CloudEvents 1.0 event in structured JSON mode, signed with
HMAC-SHA256 over ``"{timestamp}.{body}"`` (Stripe's and Coop's scheme) so a receiver can
check both who sent it and that it is not a replay (a fresh timestamp, an unseen event id)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from cloudevents.core.bindings.http import to_structured_event
from cloudevents.core.v1.event import CloudEvent

EVENT_TYPE = "org.notalone.alert.created"
SIGNATURE_HEADER = "NotAlone-Signature"
CONTENT_TYPE = "application/cloudevents+json"
TOLERANCE_SECONDS = 300  # how old a signed timestamp a receiver should accept


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def envelope(
    *, event_id: str, organisation: str, subject: str, time: datetime, data: dict
) -> bytes:
    """The event as sent: the same bytes on every retry."""
    event = CloudEvent(
        attributes={
            "type": EVENT_TYPE,
            "source": f"/notalone/{organisation}/alerts",
            "id": event_id,
            "time": time,
            "subject": subject,
            "datacontenttype": "application/json",
        },
        data=data,
    )
    return to_structured_event(event).body


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header's value: ``t=<unix seconds>,v1=<hex HMAC-SHA256>``."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(
    secret: str, header: str, body: bytes, *, now: int, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """For receivers: is ``header`` a valid signature of ``body``, made within ``tolerance``
    seconds of ``now``? Compares in constant time."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
