"""Cross-validated routing figures on the development file (bench/README.md).

    .venv/bin/python bench/triage.py [../shared/data/complaints/laporgub_dev.csv] [--folds 5]

Stratified k-fold on the agency: each fold's model (features, calibration, abstain threshold)
is fitted on the other folds only, then scores its own fold one text at a time. The figures are
pooled over all folds; train_seconds is the mean per fold. Texts are never printed.
"""

import argparse
import csv
import json
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from aduan.triage.evaluation import score, train_and_predict  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "data" / "complaints" / "laporgub_dev.csv"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", default=str(DEFAULT))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with open(args.file, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["text"].strip() and r["agency"].strip()]
    labels = np.array([r["agency"] for r in rows])
    warnings.filterwarnings("ignore", message="The least populated class")
    folds = StratifiedKFold(args.folds, shuffle=True, random_state=args.seed).split(rows, labels)
    tested, predictions, millis, seconds = [], [], [], []
    for number, (train, test) in enumerate(folds, start=1):
        router, predicted, ms = train_and_predict([rows[i] for i in train], [rows[i] for i in test])
        tested += [rows[i] for i in test]
        predictions += predicted
        millis += ms
        seconds.append(router.train_seconds)
        print(
            f"fold {number}: {len(train)} train, {len(test)} test, {router.train_seconds:.1f} s",
            file=sys.stderr,
        )
    result = score(tested, predictions, millis, float(np.mean(seconds)))
    result.update({"rows": len(rows), "folds": args.folds})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
