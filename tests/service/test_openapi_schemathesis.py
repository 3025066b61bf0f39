"""schemathesis against the OpenAPI schema the real server serves (/v1/openapi.json): generated requests
for every operation; no 5xx, every response (errors included) matches the documented schema and status.

Bounded: a few examples per operation (hypothesis settings below), each from its own client address so
the rate limit does not hide the endpoints behind 429s."""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from support.service_client import STAFF_KEY, client_ip

EXAMPLES = 12
STAFF_READS = {"GET /v1/conversations", "GET /v1/feedback", "GET /v1/insights"}


def test_served_api_matches_its_schema(service):
    schema = schemathesis.openapi.from_url(service.url + "v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    labels = {op.label for op in operations}
    assert {"POST /v1/chat/completions", "POST /v1/search", "GET /v1/documents", "POST /v1/documents",
            "DELETE /v1/documents/{doc_id}", "GET /v1/models", "GET /healthz", "GET /readyz",
            "GET /v1/conversations", "GET /v1/feedback", "GET /v1/insights"} <= labels, labels
    for op in operations:
        strategy = op.as_strategy()
        # The read-only staff routes are also generated with the staff key, so their 200 and 422 answers are
        # checked against the schema too (never the document changes: random uploads would change the index).
        auth = ({"Authorization": f"Bearer {STAFF_KEY}"} if op.label in STAFF_READS else {})

        @given(case=strategy)
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def check(case):
            case.call_and_validate(headers={"X-Forwarded-For": client_ip(), **auth}, timeout=60)

        check()
