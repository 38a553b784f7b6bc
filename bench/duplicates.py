"""Precision and recall of duplicate detection on real complaints (bench/README.md).

    .venv/bin/python bench/duplicates.py [../shared/data/complaints/laporgub_dev.csv]

Labelled pairs: `bench/duplicates_labels.csv` holds row numbers of the development file (0-based,
data rows only) and a human label, never the texts. How they were made is in bench/README.md.
The detector is `aduan.triage.duplicates`: its text similarity, its threshold and its time
window (the file has no structured place, so the place adjustment does not apply).
"""

import csv
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aduan.triage.similarity import text_similarity  # noqa: E402

# Kept in step with aduan.triage.duplicates (which needs Django to import).
THRESHOLD, WINDOW_DAYS = 0.45, 60

DEFAULT = ROOT.parent / "shared" / "data" / "complaints" / "laporgub_dev.csv"


def when(value: str) -> dt.datetime:
    return dt.datetime.strptime(value.strip(), "%d-%m-%Y %H:%M")


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else str(DEFAULT)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(ROOT / "bench" / "duplicates_labels.csv", newline="") as f:
        labelled = list(csv.DictReader(f))
    labels = {(int(r["row_a"]), int(r["row_b"])): r["duplicate"] == "1" for r in labelled}
    # The sample chosen without the detector (nearest neighbours by plain TF-IDF, random pairs).
    pairs = [
        (int(r["row_a"]), int(r["row_b"]), r["duplicate"] == "1")
        for r in labelled
        if r["stratum"] != "flagged-by-detector"
    ]
    scored = []
    for a, b, label in pairs:
        similarity = float(text_similarity(rows[a]["text"], [rows[b]["text"]])[0])
        recent = abs(when(rows[a]["submitted_at"]) - when(rows[b]["submitted_at"])) <= dt.timedelta(
            days=WINDOW_DAYS
        )
        scored.append((similarity, recent, label))
    positives = sum(label for _s, _r, label in scored)
    print(f"{len(scored)} labelled pairs, {positives} duplicates; window {WINDOW_DAYS} days")
    for threshold in sorted({0.3, 0.35, 0.4, THRESHOLD, 0.5, 0.6, 0.7}):
        for use_window in (True, False):
            flagged = [(s >= threshold and (r or not use_window), label) for s, r, label in scored]
            tp = sum(f and label for f, label in flagged)
            fp = sum(f and not label for f, label in flagged)
            precision = tp / (tp + fp) if tp + fp else 0.0
            recall = tp / positives if positives else 0.0
            mark = "  <- product setting" if threshold == THRESHOLD and use_window else ""
            print(
                f"threshold {threshold:.2f} {'window' if use_window else 'no window':9s} "
                f"precision {precision:.3f} recall {recall:.3f} (tp {tp}, fp {fp}){mark}"
            )
    whole_file(rows, labels)


def whole_file(rows, labels) -> None:
    """Every pair of the file the product setting flags, judged by the labels (all were
    labelled)."""
    import numpy as np

    times = np.array([when(r["submitted_at"]).timestamp() for r in rows])
    flagged = []
    for a in range(len(rows)):
        later = [
            b for b in range(a + 1, len(rows)) if abs(times[a] - times[b]) <= WINDOW_DAYS * 86400
        ]
        if not later:
            continue
        sims = text_similarity(rows[a]["text"], [rows[b]["text"] for b in later])
        flagged += [(a, b) for b, sim in zip(later, sims, strict=True) if sim >= THRESHOLD]
    judged = [labels[p] for p in flagged if p in labels]
    print(
        f"whole file: {len(flagged)} pairs flagged, {len(judged)} labelled, "
        f"precision {sum(judged) / len(judged):.3f}"
        if judged
        else "whole file: nothing flagged"
    )


if __name__ == "__main__":
    main()
