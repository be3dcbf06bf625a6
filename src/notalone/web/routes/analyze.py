"""``/healthz``, ``/v1/analyze`` and the OpenAI-compatible ``/v1/moderations``."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from notalone import __version__
from notalone.detection.types import Assessment
from notalone.errors import InputError
from notalone.taxonomy import BY_ID, CATEGORY_IDS, FLAG_SEVERITY, TAXONOMY_VERSION
from notalone.web.deps import EngineDep, SettingsDep
from notalone.web.schemas import (
    AnalyzeRequest,
    Health,
    ModerationRequest,
    ModerationResponse,
    ModerationResult,
)

router = APIRouter()
_ERRORS = {
    413: {"description": "message over the size limit (JSON error envelope)"},
    422: {"description": "invalid request (JSON error envelope; input never echoed)"},
}
_OPENAI_KEYS = sorted({k for c in BY_ID.values() for k in c.openai})


@router.get("/healthz", response_model=Health, tags=["service"])
def healthz(engine: EngineDep) -> Health:
    return Health(version=__version__, rules=engine.ruleset.digest)


@router.post("/v1/analyze", response_model=Assessment, responses=_ERRORS, tags=["detection"])
def analyze(body: AnalyzeRequest, engine: EngineDep) -> Assessment:
    """Assess one message: severity, categories with evidence spans, advice, helplines."""
    return engine.analyze(body.text, body.lang, locale=body.locale)


def _moderation(a: Assessment) -> ModerationResult:
    severities = {cid: a.severity_of(cid) for cid in CATEGORY_IDS}
    scores = {cid: (a.category(cid).score if a.category(cid) else 0.0) for cid in CATEGORY_IDS}
    flags = {cid: severities[cid] >= FLAG_SEVERITY for cid in CATEGORY_IDS}
    for key in _OPENAI_KEYS:
        mapped = [cid for cid in CATEGORY_IDS if key in BY_ID[cid].openai]
        scores[key] = max(scores[cid] for cid in mapped)
        flags[key] = any(flags[cid] for cid in mapped)
    return ModerationResult(
        flagged=a.flagged,
        categories=flags,
        category_scores=scores,
        severity=a.severity,
        category_severities=severities,
        language=a.language,
        spans=[ev for c in a.categories for ev in c.evidence],
    )


@router.post(
    "/v1/moderations", response_model=ModerationResponse, responses=_ERRORS, tags=["detection"]
)
def moderations(
    body: ModerationRequest, engine: EngineDep, settings: SettingsDep
) -> ModerationResponse:
    """Drop-in for the OpenAI moderation endpoint: ``flagged`` means severity ≥ medium."""
    inputs = [body.input] if isinstance(body.input, str) else body.input
    if not inputs:
        raise InputError("input must not be an empty list", fields={"input": "empty"})
    if len(inputs) > settings.max_batch:
        raise InputError(
            f"at most {settings.max_batch} inputs per request", fields={"input": "too many"}
        )
    results = []
    for i, text in enumerate(inputs):
        try:
            results.append(_moderation(engine.analyze(text)))
        except InputError as exc:
            exc.fields = {f"input.{i}": exc.code}
            raise
    return ModerationResponse(
        id=f"modr-{uuid.uuid4().hex}",
        model=f"notalone-text-{__version__}",
        taxonomy_version=TAXONOMY_VERSION,
        results=results,
    )
