"""Guardian alerts: a platform subscribes a guardian to a child's account; when a report the
platform sends about that child crosses the subscription's threshold, a signed CloudEvents
webhook and/or an email goes out at a disclosure level chosen per alert.

``models`` are the rows (subscriptions and the delivery outbox), ``disclosure`` decides what
a guardian may see and builds the alert, ``signing`` is the envelope and its HMAC,
``delivery`` sends what is due with retries and back-off, ``service`` the only code that
queries the rows. Alerts are written in the transaction that stores the report, so an
acknowledged report never loses its alert; delivery is at least once (receivers deduplicate
by the event id).
"""
