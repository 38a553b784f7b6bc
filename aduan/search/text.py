"""Indonesian text as the search index and the triage models see it: lower-cased words, stop
words dropped, each word reduced to its stem by PySastrawi ("perbaikan" → "baik", "berlubang" →
"lubang"), so that a query finds every inflection of its words.

The stemmer is slow on a first sight of a word and fast after (`_stem` caches), which suits
complaint texts: a few thousand distinct words make up most of them.
"""

import functools
import re

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

WORD = re.compile(r"[0-9a-z]+")
# Sastrawi's list drops words a complaint turns on; keep negations and place words.
KEEP = frozenset({"tidak", "belum", "bukan", "jalan", "desa", "kota", "rumah", "sekolah"})
STOPWORDS = frozenset(StopWordRemoverFactory().get_stop_words()) - KEEP
_stemmer = StemmerFactory().create_stemmer()


@functools.lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    if word.isdigit() or len(word) <= 3:
        return word
    return _stemmer.stem(word) or word


def words(text: str) -> list[str]:
    """Lower-cased words of `text`, in order."""
    return WORD.findall((text or "").lower())


def stem(word: str) -> str:
    return _stem(word.lower())


def terms(text: str) -> list[str]:
    """Stemmed words without stop words, in order: the search document and the query terms."""
    return [_stem(w) for w in words(text) if w not in STOPWORDS]


def document(text: str) -> str:
    return " ".join(terms(text))
