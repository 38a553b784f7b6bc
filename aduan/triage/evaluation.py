"""Scoring the routing model on rows it did not learn from (`evaluate_triage`, `bench/triage.py`).

Each figure is computed on the test rows only; the model, its calibration and its abstain
threshold come from the training rows alone (see `model`).
"""

import time

import numpy as np
from sklearn.metrics import f1_score

from .model import Router

# Rows predicted one at a time, as the product does, to measure the latency; the rest are
# predicted together (the same scores, in a fraction of the time).
LATENCY_SAMPLE = 200


def train_and_predict(
    train: list[dict], test: list[dict], **options
) -> tuple[Router, list, list[float]]:
    """Fit on `train` and predict `test`: its first LATENCY_SAMPLE rows one at a time, as the
    product does (each timed: their words are new to the stemmer's cache, as a new report's are),
    the rest in one batch. Returns the router, the predictions and the milliseconds each timed
    row took."""
    router = Router(**options).fit(
        [r["text"] for r in train],
        [r["agency"] for r in train],
        [r.get("category") or None for r in train],
    )
    predictions, millis = [], []
    for row in test[:LATENCY_SAMPLE]:
        started = time.perf_counter()
        predictions.append(router.predict([row["text"]])[0])
        millis.append((time.perf_counter() - started) * 1000)
    if rest := [row["text"] for row in test[LATENCY_SAMPLE:]]:
        predictions.extend(router.predict(rest))
    return router, predictions, millis


def score(test: list[dict], predictions: list, millis: list[float], train_seconds: float) -> dict:
    def head(index: int, field: str):
        rows = [
            (row[field], p[index])
            for row, p in zip(test, predictions, strict=True)
            if row.get(field)
        ]
        if not rows:
            return 0.0, 0.0, 0.0
        truth = [t for t, _p in rows]
        first = [p.labels[0][0] if p.labels else "" for _t, p in rows]
        top1 = np.mean([t == f for t, f in zip(truth, first, strict=True)])
        top3 = np.mean([t in [label for label, _c in p.labels[:3]] for t, p in rows])
        macro = f1_score(truth, first, average="macro", labels=sorted(set(truth)), zero_division=0)
        return float(top1), float(top3), float(macro)

    a1, a3, af = head(0, "agency")
    c1, c3, cf = head(1, "category")
    confident = [
        (row["agency"], p[0]) for row, p in zip(test, predictions, strict=True) if p[0].confident
    ]
    precision = np.mean([t == p.labels[0][0] for t, p in confident]) if confident else 0.0
    return {
        "agency_top1": round(a1, 4),
        "agency_top3": round(a3, 4),
        "agency_macro_f1": round(af, 4),
        "category_top1": round(c1, 4),
        "category_top3": round(c3, 4),
        "category_macro_f1": round(cf, 4),
        "abstain_rate": round(1 - len(confident) / len(test), 4) if test else 0.0,
        "precision_when_confident": round(float(precision), 4),
        "train_seconds": round(train_seconds, 2),
        "predict_ms_p95": round(float(np.percentile(millis, 95)), 2) if millis else 0.0,
    }


def evaluate(train: list[dict], test: list[dict], **options) -> dict:
    router, predictions, millis = train_and_predict(train, test, **options)
    return score(test, predictions, millis, router.train_seconds)
