"""Text similarity for duplicate detection, without a database (so that `bench/duplicates.py`
measures the product's own function).

scikit-learn (and SciPy behind it: about a second to import) is loaded at the first comparison,
not when the module is: every web worker, command and test subprocess imports this module with
the URLs, and most never compare two texts."""

import functools

import numpy as np

from aduan.search.text import terms


@functools.cache
def _vectorizers():
    from sklearn.feature_extraction.text import HashingVectorizer

    from .model import char_text  # the routing model's module imports scikit-learn too

    chars = HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        preprocessor=char_text,
        n_features=2**20,
        alternate_sign=False,
        norm=None,
    )
    words = HashingVectorizer(
        analyzer=terms, n_features=2**20, alternate_sign=False, norm=None, binary=True
    )
    return chars, words


def _vectors(docs: list[str]):
    """Each text as its two L2-normalised vectors: character 3-5-grams and stemmed words."""
    from sklearn.preprocessing import normalize

    chars, words = _vectorizers()
    return normalize(chars.transform(docs).log1p()), normalize(words.transform(docs))


def text_similarity(text: str, others: list[str]) -> np.ndarray:
    """Similarity (0–1) of `text` to each of `others`."""
    if not others:
        return np.zeros(0)
    chars, words = _vectors([text, *others])
    return np.asarray(((chars[1:] @ chars[0].T) + (words[1:] @ words[0].T)).todense()).ravel() / 2


def pairwise_similarity(texts: list[str]) -> np.ndarray:
    """The same similarity between every two of `texts`, as a square matrix (one vectorisation
    for all of them): the recurring problems (`stats.recurring`) cluster a desa's reports by
    it."""
    if not texts:
        return np.zeros((0, 0))
    chars, words = _vectors(texts)
    return np.asarray(((chars @ chars.T) + (words @ words.T)).todense()) / 2
