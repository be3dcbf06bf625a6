"""Aggregate counts of reports for campaigns, press and the helpline's own planning, with
small-cell suppression: a cell under ``k`` reports is never published, and no total is given
from which a suppressed cell could be worked out by subtraction.

Dimensions: ``category`` (a report with several categories counts once in each),
``chi_category`` (the same through the taxonomy's Child Helpline International crosswalk,
for CHI's aggregate data framework), ``severity``,
``age_band``, ``province``, ``kind`` (who reported) and ``week`` (ISO week of receipt). Reports
without a value for a dimension count under ``"unknown"``.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from itertools import product

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from notalone.accounts.models import Account
from notalone.accounts.permissions import Action
from notalone.cases.models import Case, Report
from notalone.cases.work import require
from notalone.db import as_utc
from notalone.errors import InputError
from notalone.taxonomy import BY_ID

DIMENSIONS = ("category", "chi_category", "severity", "age_band", "province", "kind", "week")
K = 5  # the smallest count ever published
UNKNOWN = "unknown"


class Cell(BaseModel):
    values: dict[str, str]
    count: int


class Statistics(BaseModel):
    group_by: list[str]
    k: int = Field(description="cells with fewer reports are suppressed")
    since: datetime | None
    until: datetime | None
    cells: list[Cell] = Field(description="published cells, largest first")
    suppressed_cells: int = Field(description="cells withheld because they are under k")

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([*self.group_by, "count"])
        for cell in self.cells:
            writer.writerow([*(cell.values[d] for d in self.group_by), cell.count])
        return out.getvalue()


def report_statistics(
    *,
    session: Session,
    account: Account,
    group_by: Sequence[str],
    since: datetime | None = None,
    until: datetime | None = None,
    k: int = K,
) -> Statistics:
    require(account, Action.VIEW_STATISTICS)
    unknown = [d for d in group_by if d not in DIMENSIONS]
    if not group_by or unknown or len(set(group_by)) != len(group_by):
        raise InputError(
            f"group_by takes distinct dimensions among {', '.join(DIMENSIONS)}",
            fields={"group_by": "invalid"},
        )
    if k < K:
        raise InputError(f"k cannot be under {K}", fields={"k": "too small"})
    query = (
        select(Report)
        .join(Case, Report.case_id == Case.id)
        .where(Case.organisation == account.organisation)
    )
    if since is not None:
        query = query.where(Report.received_at >= since)
    if until is not None:
        query = query.where(Report.received_at < until)
    counts: Counter[tuple[str, ...]] = Counter()
    for report in session.scalars(query):
        for key in product(*(_values(report, d) for d in group_by)):
            counts[key] += 1
    published = [(key, n) for key, n in counts.items() if n >= k]
    published.sort(key=lambda kv: (-kv[1], kv[0]))
    return Statistics(
        group_by=list(group_by),
        k=k,
        since=since,
        until=until,
        cells=[Cell(values=dict(zip(group_by, key, strict=True)), count=n) for key, n in published],
        suppressed_cells=len(counts) - len(published),
    )


def _values(report: Report, dimension: str) -> list[str]:
    if dimension == "category":
        return sorted({c["id"] for c in report.categories}) or ["none"]
    if dimension == "chi_category":  # Child Helpline International's, via the crosswalk
        chi = {label for c in report.categories if c["id"] in BY_ID for label in BY_ID[c["id"]].chi}
        return sorted(chi) or ["none"]
    if dimension == "week":
        year, week, _ = as_utc(report.received_at).isocalendar()
        return [f"{year}-W{week:02d}"]
    value = getattr(report, dimension)
    return [value or UNKNOWN]
