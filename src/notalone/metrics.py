"""Classification and span metrics, named as ``notalone evaluate --json`` prints them.

scikit-learn computes the counts so the figures match what papers compute; this module only
fixes the names (snake_case) and the conventions (zero_division=0, span F1 as in SemEval-2021
Task 5 and ViHOS: per-text character F1, averaged).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    fbeta_score,
    matthews_corrcoef,
    precision_recall_fscore_support,
)


def classification(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str], positive: Sequence[str]
) -> dict[str, object]:
    """Headline metrics over ``labels`` plus the binary risk view (``positive`` vs the rest)."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    labels = list(labels)
    p, r, f, support = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    _, _, wf1, _ = precision_recall_fscore_support(
        gold, pred, labels=labels, average="weighted", zero_division=0
    )
    bin_gold = [int(g in positive) for g in gold]
    bin_pred = [int(q in positive) for q in pred]
    bp, br, bf, _ = precision_recall_fscore_support(
        bin_gold, bin_pred, average="binary", zero_division=0
    )
    return {
        "n": len(gold),
        "macro_f1": float(np.mean(f)),
        "weighted_f1": float(wf1),
        "accuracy": float(accuracy_score(gold, pred)),
        "mcc": float(matthews_corrcoef(gold, pred)) if len(set(gold) | set(pred)) > 1 else 0.0,
        "precision": float(bp),
        "recall": float(br),
        "f1": float(bf),
        "f0_5": float(fbeta_score(bin_gold, bin_pred, beta=0.5, zero_division=0)),
        "per_class": {
            label: {
                "precision": float(p[i]),
                "recall": float(r[i]),
                "f1": float(f[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
        "confusion_matrix": {
            "labels": labels,
            "rows_gold_columns_predicted": confusion_matrix(gold, pred, labels=labels).tolist(),
        },
    }


def false_positive_rate(pred_positive: Sequence[bool]) -> dict[str, object]:
    """For risk-free slices: how often a clean text was flagged."""
    n = len(pred_positive)
    flagged = sum(bool(x) for x in pred_positive)
    return {"n": n, "flagged": flagged, "false_positive_rate": flagged / n if n else 0.0}


def span_f1(
    gold: Sequence[Sequence[tuple[int, int]]], pred: Sequence[Sequence[tuple[int, int]]]
) -> dict[str, float]:
    """Character-level span F1 per text, averaged (empty vs empty counts as 1)."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold span sets but {len(pred)} predicted")
    ps: list[float] = []
    rs: list[float] = []
    fs: list[float] = []
    for g_spans, p_spans in zip(gold, pred, strict=True):
        g = _chars(g_spans)
        q = _chars(p_spans)
        hit = len(g & q)
        if not g and not q:
            prec = rec = 1.0
        else:
            prec = hit / len(q) if q else 0.0
            rec = hit / len(g) if g else 0.0
        ps.append(prec)
        rs.append(rec)
        fs.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    n = len(fs) or 1
    return {"span_f1": sum(fs) / n, "span_precision": sum(ps) / n, "span_recall": sum(rs) / n}


def _chars(spans: Sequence[tuple[int, int]]) -> set[int]:
    out: set[int] = set()
    for start, end in spans:
        out.update(range(start, end))
    return out
