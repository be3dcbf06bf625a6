"""Schemathesis against the service's own OpenAPI spec, on SQLite and PostgreSQL: whatever
the generated request (valid, invalid, hostile), no answer is a 5xx. Both valid requests and
schema-violating ones are generated. Requests carry a
supervisor's token and a platform key with every scope, so authenticated routes are reached
too."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from notalone.accounts.service import SCOPES, create_account, create_api_key, issue_token
from notalone.settings import Settings
from notalone.web.app import create_app

PASSWORD = "a long enough password"


def test_no_route_answers_a_server_error(database_url: str, tmp_path) -> None:
    app = create_app(Settings(database_url=database_url, evidence_dir=tmp_path / "ev",
                              alerts_worker=False))  # fmt: skip
    now = datetime.now(UTC)
    with app.state.sessions.begin() as session:
        create_account(session=session, username="sup", password=PASSWORD, role="supervisor",
                       organisation="111", now=now)  # fmt: skip
        token, _ = issue_token(session=session, username="sup", password=PASSWORD, now=now)
        key = create_api_key(session=session, platform="p", organisation="111",
                             scopes=list(SCOPES), now=now)  # fmt: skip
    credentials = {"Authorization": f"Bearer {token}", "X-API-Key": key}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    answers: Counter[int] = Counter()
    try:
        for operation in operations:
            cases = st.one_of(
                operation.as_strategy(GenerationMode.POSITIVE),
                operation.as_strategy(GenerationMode.NEGATIVE),
            )

            @given(case=cases)
            @settings(max_examples=25, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))  # fmt: skip
            def no_server_error(case) -> None:
                headers = {k: v for k, v in credentials.items() if k not in (case.headers or {})}
                response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
                answers[response.status_code // 100] += 1

            no_server_error()
        assert answers[2] and answers[4]  # it reached the routes, and was refused too
    finally:
        app.state.database.dispose()
