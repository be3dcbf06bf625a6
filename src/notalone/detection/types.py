"""The result shapes: one ``Assessment`` whatever the input, the same in Python, JSON and HTTP."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from notalone.taxonomy import FLAG_SEVERITY, Severity


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Evidence(_Frozen):
    """A span of the ORIGINAL text (``text == original[start:end]``) and what fired on it."""

    start: int
    end: int
    text: str
    source: str = Field(description="detector id and version, e.g. 'rules@2026.11.1'")
    rule: str | None = Field(default=None, description="stable rule id, when a rule fired")


class CategoryAssessment(_Frozen):
    id: str
    score: float = Field(ge=0, le=1)
    severity: Severity
    explanation: str = Field(description="why, in the message's language")
    evidence: list[Evidence]


class Advice(_Frozen):
    child: list[str]
    guardian: list[str]


class Helpline(_Frozen):
    name: str
    phone: str | None = None
    url: str | None = None
    hours: str | None = None
    description: str


class EngineInfo(_Frozen):
    name: str = "notalone"
    version: str
    taxonomy: str
    rules: str = Field(description="digest of the rule packs in use")


class Assessment(_Frozen):
    severity: Severity
    categories: list[CategoryAssessment] = Field(
        description="categories above 'none', most severe first"
    )
    language: str = Field(description="vi, en or other")
    advice: Advice
    helplines: list[Helpline]
    engine: EngineInfo

    @property
    def flagged(self) -> bool:
        return self.severity >= FLAG_SEVERITY

    def category(self, category_id: str) -> CategoryAssessment | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def severity_of(self, category_id: str) -> Severity:
        found = self.category(category_id)
        return found.severity if found else Severity.NONE
