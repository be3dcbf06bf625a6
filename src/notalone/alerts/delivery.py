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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import httpcore2
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
    key must not reach the service's own network), and the connection goes to the very address
    that was checked, so a name that resolves again to another address (DNS rebinding) cannot
    slip past the check."""

    def __init__(self, *, timeout: float = 10.0, allow_private: bool = False) -> None:
        backend = httpcore2.SyncBackend() if allow_private else _PublicOnly()
        self._pool = httpcore2.ConnectionPool(network_backend=backend)
        self._timeouts = {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}

    def send(self, claim: Claim, now: datetime) -> Outcome:
        if not claim.webhook_url or not claim.webhook_secret:
            return Outcome("the subscription has no webhook", retry=False)
        headers = {
            "Content-Type": CONTENT_TYPE,
            SIGNATURE_HEADER: sign(claim.webhook_secret, claim.body, int(now.timestamp())),
            "User-Agent": f"notalone/{__version__}",
        }
        try:
            response = self._pool.request(
                "POST",
                claim.webhook_url,
                headers=headers,
                content=claim.body,
                extensions={"timeout": self._timeouts},
            )
        except _PrivateAddress:
            return Outcome(PRIVATE_REFUSED, retry=False)
        except _HTTP_ERRORS as exc:
            return Outcome(type(exc).__name__)
        status = response.status
        if 200 <= status < 300:
            return Outcome()
        return Outcome(f"HTTP {status}", retry=status >= 500 or status in (408, 429))

    def close(self) -> None:
        self._pool.close()


class _PrivateAddress(httpcore2.ConnectError):
    """The webhook's host resolves to an address off the public internet."""


_HTTP_ERRORS = (
    httpcore2.NetworkError,
    httpcore2.TimeoutException,
    httpcore2.ProtocolError,
    httpcore2.UnsupportedProtocol,
    httpcore2.ConnectionNotAvailable,
)


class _PublicOnly(httpcore2.SyncBackend):
    """Resolves the host once, refuses it unless every address is public, then connects to
    those addresses themselves (TLS still verifies the certificate against the host name)."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore2.SOCKET_OPTION] | None = None,
    ) -> httpcore2.NetworkStream:
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore2.ConnectError("DNS lookup failed") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
        if not addresses or not all(is_public(a) for a in addresses):
            raise _PrivateAddress(PRIVATE_REFUSED)
        failure: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore2.ConnectError, httpcore2.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure


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
