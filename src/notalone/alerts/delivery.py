"""Sending what is due: a webhook POST (signed) or an email (SMTP), one attempt per claimed
alert, its outcome recorded with back-off. Runs in the service (``Dispatcher.run``) or from
the CLI (``notalone alerts deliver``); several workers may run at once (claims are leased).

Errors kept with an alert name the failure (``HTTP 503``, ``ConnectError``), never content.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import socket
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

import httpx2
from sqlalchemy.orm import Session, sessionmaker

from notalone import __version__
from notalone.alerts import mail, service
from notalone.alerts.service import PRIVATE_REFUSED, Claim, is_public
from notalone.alerts.signing import CONTENT_TYPE, SIGNATURE_HEADER, sign

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    error: str | None = None  # None: delivered
    retry: bool = True  # worth trying again later


class Sender(Protocol):
    def send(self, claim: Claim, now: datetime) -> Outcome: ...


class WebhookSender:
    """POSTs the CloudEvent in structured mode with the ``NotAlone-Signature`` header. A 2xx
    is delivered; 408, 429, 5xx and network errors are retried; any other 4xx is final (the
    receiver refuses it). Redirects are not followed. Unless ``allow_private``, a host that
    resolves to a loopback, private, link-local or reserved address is refused (a platform's
    key must not reach the service's own network)."""

    def __init__(self, *, timeout: float = 10.0, allow_private: bool = False) -> None:
        self._client = httpx2.Client(timeout=timeout, follow_redirects=False)
        self.allow_private = allow_private

    def send(self, claim: Claim, now: datetime) -> Outcome:
        if not claim.webhook_url or not claim.webhook_secret:
            return Outcome("the subscription has no webhook", retry=False)
        if not self.allow_private:
            refused = _private_target(claim.webhook_url)
            if refused is not None:
                return refused
        headers = {
            "Content-Type": CONTENT_TYPE,
            SIGNATURE_HEADER: sign(claim.webhook_secret, claim.body, int(now.timestamp())),
            "User-Agent": f"notalone/{__version__}",
        }
        try:
            response = self._client.post(claim.webhook_url, content=claim.body, headers=headers)
        except httpx2.HTTPError as exc:
            return Outcome(type(exc).__name__)
        if response.is_success:
            return Outcome()
        status = response.status_code
        return Outcome(f"HTTP {status}", retry=status >= 500 or status in (408, 429))

    def close(self) -> None:
        self._client.close()


def _private_target(url: str) -> Outcome | None:
    """Why ``url`` may not be called (its host is not on the public internet), or None."""
    parts = urlsplit(url)
    try:
        found = socket.getaddrinfo(parts.hostname or "", parts.port or 443, type=socket.SOCK_STREAM)
    except OSError:
        return Outcome("DNS lookup failed")
    if not found or any(not is_public(info[4][0]) for info in found):
        return Outcome(PRIVATE_REFUSED, retry=False)
    return None


class EmailSender:
    """Sends the alert as a plain-text email through an SMTP server. A 5xx answer (an
    unknown mailbox, say) is final; a 4xx answer or a connection failure is retried."""

    def __init__(
        self,
        *,
        host: str,
        port: int = 25,
        sender: str,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.host, self.port, self.sender, self.starttls = host, port, sender, starttls
        self.username, self.password, self.timeout = username, password, timeout

    def send(self, claim: Claim, now: datetime) -> Outcome:
        if not claim.email:
            return Outcome("the subscription has no email", retry=False)
        message = mail.compose(
            claim.body, to=claim.email, sender=self.sender, language=claim.language
        )
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            return Outcome(f"SMTP {codes[0] if codes else 550}", retry=all(c < 500 for c in codes))
        except smtplib.SMTPResponseException as exc:
            return Outcome(f"SMTP {exc.smtp_code}", retry=exc.smtp_code < 500)
        except (smtplib.SMTPException, OSError) as exc:
            return Outcome(type(exc).__name__)
        return Outcome()


class Dispatcher:
    """Claims due alerts, sends each through its channel's sender, records the outcome."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        senders: dict[str, Sender],
        *,
        backoff: timedelta = timedelta(seconds=30),
        lease: timedelta = timedelta(minutes=2),
        batch: int = 100,
    ) -> None:
        self.sessions, self.senders = sessions, senders
        self.backoff, self.lease, self.batch = backoff, lease, batch

    def run_once(self, now: datetime | None = None) -> Counter[str]:
        """One pass over what is due at ``now``; counts the resulting statuses."""
        now = now or datetime.now(UTC)
        with self.sessions.begin() as session:
            claims = service.claim_due(session=session, now=now, limit=self.batch, lease=self.lease)
        counts: Counter[str] = Counter()
        for claim in claims:
            sender = self.senders.get(claim.channel)
            outcome = (
                sender.send(claim, now)
                if sender
                else Outcome(f"{claim.channel} alerts are not configured", retry=False)
            )
            with self.sessions.begin() as session:
                status = service.settle(
                    session=session,
                    delivery_id=claim.id,
                    error=outcome.error,
                    retry=outcome.retry,
                    now=now,
                    backoff=self.backoff,
                )
            counts[status] += 1
        return counts

    async def run(self, *, every: float, stop: asyncio.Event) -> None:
        """Pass after pass, ``every`` seconds apart, until ``stop`` is set (in a thread: the
        senders block)."""
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.run_once)
            except Exception as exc:  # keep the loop alive; the next pass retries
                log.error("alert delivery pass failed: %s", type(exc).__name__)
            try:
                await asyncio.wait_for(stop.wait(), timeout=every)
            except TimeoutError:
                continue
