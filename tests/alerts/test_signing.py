"""The webhook signature: a receiver can tell a genuine, fresh event from anything else."""

from __future__ import annotations

from notalone.alerts.signing import new_secret, sign, verify

BODY = b'{"specversion": "1.0", "id": "e1"}'


def test_genuine_fresh_events_verify_and_nothing_else_does() -> None:
    secret, t = new_secret(), 1_790_000_000
    header = sign(secret, BODY, t)
    assert verify(secret, header, BODY, now=t + 299)
    assert not verify(secret, header, BODY, now=t + 301)  # a replay, later
    assert not verify(secret, header, BODY + b" ", now=t)  # altered
    assert not verify(new_secret(), header, BODY, now=t)  # someone else's key
    forged_time = header.replace(f"t={t}", f"t={t + 100}")
    assert not verify(secret, forged_time, BODY, now=t + 100)
    for junk in ("", "t=abc,v1=00", "v1=" + "0" * 64, "garbage"):
        assert not verify(secret, junk, BODY, now=t)
