"""The routing model: from a complaint's text to the agencies and categories likely to handle it.

Plain scikit-learn, no database, so that the evaluation (`evaluate_triage`, `bench/triage.py`)
and the product (`training`, `suggestions`) run the very same code.

1. Features, shared by both heads: TF-IDF of stemmed words and word pairs (`aduan.search.text`)
   plus the regencies the text names (`places.place_tokens`), and TF-IDF of character 2–5-grams
   of the raw text (catches misspellings, "jln"/"jalan", names the stemmer does not know).
2. Each head (agency, category) is a linear SVM, one-vs-rest.
3. Confidence: the SVM's scores turned into probabilities by a softmax whose temperature is
   fitted on cross-validated scores of the training data only.
4. Abstaining: on the same cross-validated scores, the smallest top-1 probability at which the
   head's suggestions were right at least `target_precision` of the time; below it the head says
   nothing ("no suggestion"). Nothing here ever looks at the rows it is scored on.
"""

import itertools
import re
import time
from dataclasses import dataclass

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from aduan.search.text import terms

from .places import place_tokens

DIGITS = re.compile(r"\d+")
TEMPERATURES = (0.5, 1, 2, 3, 4, 6, 8, 12, 16, 24)
INNER_FOLDS = 3
# Fewer known words than this and the text says too little to route (a greeting, a single word).
MIN_KNOWN_WORDS = 3
MIN_SUPPORT = 10


def word_features(text: str) -> list[str]:
    stems = terms(text)
    return [*stems, *(f"{a}_{b}" for a, b in itertools.pairwise(stems)), *place_tokens(text)]


def char_text(text: str) -> str:
    return DIGITS.sub("0", text.lower())


class Features:
    def __init__(self, max_char_features: int = 60_000, max_word_features: int = 40_000):
        self.words = TfidfVectorizer(
            analyzer=word_features,
            sublinear_tf=True,
            min_df=1,
            max_features=max_word_features,
            dtype=np.float32,
        )
        self.chars = TfidfVectorizer(
            analyzer="char_wb",
            preprocessor=char_text,
            ngram_range=(2, 5),
            sublinear_tf=True,
            min_df=2,
            max_features=max_char_features,
            dtype=np.float32,
        )

    def fit_transform(self, texts):
        matrix = hstack([self.words.fit_transform(texts), self.chars.fit_transform(texts)]).tocsr()
        # The pruned vocabularies are only diagnostics and would bloat the stored model.
        self.words.stop_words_ = self.chars.stop_words_ = None
        return matrix

    def transform(self, texts):
        return hstack([self.words.transform(texts), self.chars.transform(texts)]).tocsr()

    def known_words(self, texts) -> np.ndarray:
        """How many distinct single words of each text the model has seen in training."""
        if getattr(self, "_unigrams", None) is None:
            columns = sorted((i, w) for w, i in self.words.vocabulary_.items())
            self._unigrams = np.array(["_" not in w and not w.startswith("z") for _i, w in columns])
        matrix = self.words.transform(texts).tocsr()
        return np.array(
            [
                self._unigrams[matrix.indices[a:b]].sum()
                for a, b in zip(matrix.indptr[:-1], matrix.indptr[1:], strict=True)
            ]
        )


class Head:
    """One label (agency or category): a linear SVM with calibrated confidence and a threshold."""

    def __init__(self, C: float = 0.5, target_precision: float = 0.9):
        self.C = C
        self.target_precision = target_precision
        self.temperature = 4.0
        self.threshold = 1.01  # never confident until fitted
        self.classes_ = np.array([])

    def fit(self, X, y, seed: int = 0) -> "Head":
        y = np.asarray(y)
        scores, truth = self._cross_scores(X, y, seed)
        if scores is not None:
            self.temperature = _best_temperature(scores, truth)
            self.threshold = _threshold(
                _softmax(scores, self.temperature), truth, self.target_precision
            )
        self.svm = LinearSVC(C=self.C).fit(X, y)
        self.classes_ = self.svm.classes_
        # float32 halves the stored model; the scores do not need more.
        self.svm.coef_ = self.svm.coef_.astype(np.float32)
        return self

    def _cross_scores(self, X, y, seed):
        """Scores of each training row by a model that did not see it, aligned to all classes."""
        classes = np.unique(y)
        counts = dict(zip(*np.unique(y, return_counts=True), strict=True))
        usable = np.array([counts[label] >= INNER_FOLDS for label in y])
        if len(classes) < 2 or usable.sum() < 30:
            return None, None
        rows = np.flatnonzero(usable)
        scores = np.full((len(rows), len(classes)), -10.0, dtype=np.float64)
        folds = StratifiedKFold(INNER_FOLDS, shuffle=True, random_state=seed).split(rows, y[rows])
        for train, test in folds:
            # Rare classes (too few for the folds) still train, so that they compete as in
            # production.
            train_rows = np.concatenate([rows[train], np.flatnonzero(~usable)])
            svm = LinearSVC(C=self.C).fit(X[train_rows], y[train_rows])
            cols = np.searchsorted(classes, svm.classes_)
            scores[np.ix_(test, cols)] = _decision(svm, X[rows[test]])
        return scores, np.searchsorted(classes, y[rows])

    def probabilities(self, X) -> np.ndarray:
        return _softmax(_decision(self.svm, X), self.temperature)


def _decision(svm, X) -> np.ndarray:
    scores = svm.decision_function(X)
    if scores.ndim == 1:  # two classes: one column, for the second class
        scores = np.column_stack([-scores, scores])
    return scores


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores * temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _best_temperature(scores, truth) -> float:
    def nll(t):
        p = _softmax(scores, t)[np.arange(len(truth)), truth]
        return -np.log(np.clip(p, 1e-9, 1)).mean()

    return min(TEMPERATURES, key=nll)


def _threshold(probs, truth, target: float) -> float:
    """The lowest top-1 probability above which suggestions were right ≥ `target` of the time
    (point estimate, over at least MIN_SUPPORT rows so that one lucky row does not set the bar).
    bench/README.md compares this with a stricter lower-bound rule, which abstained on 93%."""
    top = probs.max(axis=1)
    right = probs.argmax(axis=1) == truth
    order = np.argsort(-top)
    precision = np.cumsum(right[order]) / np.arange(1, len(order) + 1)
    ok = np.flatnonzero(precision >= target)
    ok = ok[ok >= MIN_SUPPORT - 1]
    return float(top[order][ok.max()]) if len(ok) else 1.01


@dataclass
class Ranked:
    labels: list[tuple[str, float]]  # best first, with confidence
    confident: bool


class Router:
    """Both heads on shared features. `fit` takes texts and labels (agency, category; None where
    a row has no category)."""

    def __init__(self, C: float = 0.5, target_precision: float = 0.9, **feature_options):
        self.features = Features(**feature_options)
        self.agency = Head(C, target_precision)
        self.category = Head(C, target_precision)
        self.train_seconds = 0.0
        self.trained_on = 0

    def fit(self, texts: list[str], agencies: list[str], categories: list[str | None]) -> "Router":
        started = time.perf_counter()
        X = self.features.fit_transform(texts)
        self.agency.fit(X, agencies)
        with_category = np.array([c is not None and c != "" for c in categories])
        self.has_categories = (
            with_category.sum() >= 2 and len(set(np.asarray(categories)[with_category])) >= 2
        )
        if self.has_categories:
            self.category.fit(X[with_category], np.asarray(categories)[with_category])
        self.trained_on = len(texts)
        self.train_seconds = time.perf_counter() - started
        return self

    def predict(self, texts: list[str], k: int = 3) -> list[tuple[Ranked, Ranked]]:
        X = self.features.transform(texts)
        enough = self.features.known_words(texts) >= MIN_KNOWN_WORDS
        heads = [self.agency] + ([self.category] if self.has_categories else [])
        ranked = [_rank(head, head.probabilities(X), k, enough) for head in heads]
        if not self.has_categories:
            ranked.append([Ranked([], False)] * len(texts))
        return list(zip(*ranked, strict=True))


def _rank(head: Head, probs: np.ndarray, k: int, enough: np.ndarray) -> list[Ranked]:
    out = []
    for row, enough_words in zip(probs, enough, strict=True):
        best = np.argsort(-row)[:k]
        labels = [(str(head.classes_[i]), float(row[i])) for i in best]
        out.append(Ranked(labels, confident=bool(enough_words and row[best[0]] >= head.threshold)))
    return out
