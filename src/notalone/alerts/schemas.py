"""Request and response bodies of guardian subscriptions (``/v1/guardian-subscriptions``)."""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from notalone.alerts.disclosure import Disclosure


class SubscriptionCreate(BaseModel):
    """A guardian's alerts for one child's account on the calling platform."""

    model_config = ConfigDict(extra="forbid")

    child_user: str = Field(
        min_length=1, max_length=256, description="the child's user id on the platform"
    )
    webhook_url: HttpUrl | None = Field(
        default=None, description="where signed CloudEvents are POSTed (http or https)"
    )
    email: str | None = Field(default=None, max_length=254, description="the guardian's email")
    language: Literal["vi", "en"] = Field(default="vi", description="of the alert's text")
    locale: str | None = Field(
        default=None, max_length=16, description="helplines locale (vi-VN, intl); from language"
    )
    age_band: Literal["<13", "13-15", "16-17"] | None = Field(
        default=None, description="the child's age band: younger children get more protection"
    )
    child_consented: bool = Field(
        default=False, description="a teenager agreed that excerpts may be shared in an emergency"
    )
    threshold: Literal["medium", "high", "critical"] = Field(
        default="high", description="the least severity that sends an alert"
    )
    max_disclosure: Disclosure = Field(
        default=Disclosure.SUMMARY,
        description="the most any alert may show: category_only, summary, redacted_excerpt, full",
    )

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            address = Address(addr_spec=value)
        except (ValueError, IndexError):
            raise ValueError("not an email address") from None
        if not address.username or "." not in address.domain:
            raise ValueError("not an email address")
        return address.addr_spec

    @model_validator(mode="after")
    def _a_channel(self) -> SubscriptionCreate:
        if self.webhook_url is None and self.email is None:
            raise ValueError("give a webhook_url, an email, or both")
        return self


class SubscriptionRead(BaseModel):
    id: str
    platform: str
    child_user: str
    webhook_url: str | None
    email: str | None
    language: str
    locale: str
    age_band: str | None
    child_consented: bool
    threshold: str
    max_disclosure: Disclosure
    created_at: datetime
    cancelled_at: datetime | None


class SubscriptionCreated(SubscriptionRead):
    webhook_secret: str | None = Field(
        description="the HMAC-SHA256 key of the NotAlone-Signature header; shown only now"
    )


class AlertRead(BaseModel):
    """One alert as the child's log shows it: what was shared, why, and whether it arrived
    (never the alert's content)."""

    id: str = Field(description="the CloudEvent id")
    channel: str
    severity: str
    categories: list[str]
    disclosure: Disclosure
    reason: str
    status: str = Field(description="pending, delivered or failed")
    attempts: int
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
