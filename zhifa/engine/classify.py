"""Classify a complaint text to catalog items: catalog similarity from day one, plus a linear model of history.

The catalog side needs nothing but the items themselves (name, keywords, legal text). When people have
confirmed the items of past events, a logistic regression learns from them and its probabilities are blended in.
Every ranked item carries the words that matched, as its explanation.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from zhifa.engine import textfeatures

# How much the catalog similarity counts once a history model exists (the rest is the model's probability).
CATALOG_WEIGHT_WITH_HISTORY = 0.35
KEYWORD_BONUS = 0.12
MAX_KEYWORD_BONUS = 0.36


@dataclass(frozen=True)
class CatalogEntry:
    code: str
    name: str
    domain: str
    keywords: tuple[str, ...] = ()
    legal_text: str = ""


@dataclass(frozen=True)
class Match:
    code: str
    name: str
    domain: str
    score: float
    matched: tuple[str, ...] = field(default=())


def _document(entry: CatalogEntry) -> str:
    # Keywords are what citizens say, so they weigh more than the formal name; legal text adds the law's terms.
    name = entry.name.removeprefix("对").removesuffix("的行政处罚").removesuffix("的行政强制")
    return " ".join([name, name, *(entry.keywords * 3), entry.legal_text])


class ItemClassifier:
    """Build with the catalog (and optionally confirmed history); then classify texts, one or many."""

    def __init__(
        self,
        entries: Sequence[CatalogEntry],
        *,
        history_texts: Sequence[str] = (),
        history_codes: Sequence[str] = (),
    ):
        if not entries:
            raise ValueError("the catalog is empty")
        self.entries = list(entries)
        self.codes = [e.code for e in self.entries]
        self._index = {c: i for i, c in enumerate(self.codes)}
        textfeatures.add_words(k for e in self.entries for k in e.keywords)
        docs = [_document(e) for e in self.entries]
        self.vectorizer = TfidfVectorizer(analyzer=textfeatures.analyze, sublinear_tf=True, min_df=1)
        self.vectorizer.fit(docs + list(history_texts))
        self.item_matrix = normalize(self.vectorizer.transform(docs))
        self._keywords = [
            tuple(sorted({k for k in e.keywords if len(k) >= 2}, key=len, reverse=True)) for e in self.entries
        ]
        self.model: LogisticRegression | None = None
        self._model_columns: np.ndarray | None = None
        known = [(t, c) for t, c in zip(history_texts, history_codes, strict=True) if c in self._index]
        if len({c for _, c in known}) >= 2:
            texts, codes = zip(*known, strict=True)
            self.model = LogisticRegression(C=8.0, max_iter=2000)
            self.model.fit(self.vectorizer.transform(texts), codes)
            self._model_columns = np.array([self._index[c] for c in self.model.classes_])

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Score matrix (texts × items), each row in [0, ~1.4]."""
        x = normalize(self.vectorizer.transform(texts))
        sim = (x @ self.item_matrix.T).toarray()
        bonus = np.zeros_like(sim)
        for row, text in enumerate(texts):
            low = (text or "").lower()
            for col, kws in enumerate(self._keywords):
                hits = sum(1 for k in kws if k in low)
                if hits:
                    bonus[row, col] = min(MAX_KEYWORD_BONUS, hits * KEYWORD_BONUS)
        catalog = sim + bonus
        if self.model is None:
            return catalog
        proba = np.zeros_like(sim)
        proba[:, self._model_columns] = self.model.predict_proba(x)
        top = catalog.max(axis=1, keepdims=True)
        scaled = np.divide(catalog, top, out=np.zeros_like(catalog), where=top > 0)
        return CATALOG_WEIGHT_WITH_HISTORY * scaled + (1 - CATALOG_WEIGHT_WITH_HISTORY) * proba

    def classify_many(self, texts: Sequence[str], k: int = 5) -> list[list[Match]]:
        if not texts:
            return []
        scores = self.scores(texts)
        k = min(k, len(self.entries))
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        results = []
        for row, text in enumerate(texts):
            cols = sorted(top[row], key=lambda c: (-scores[row, c], self.codes[c]))
            results.append(
                [self._match(text, int(c), float(scores[row, c])) for c in cols if scores[row, c] > 0]
            )
        return results

    def classify(self, text: str, k: int = 5) -> list[Match]:
        return self.classify_many([text], k)[0]

    def _match(self, text: str, col: int, score: float) -> Match:
        entry = self.entries[col]
        low = (text or "").lower()
        matched = [kw for kw in self._keywords[col] if kw in low]
        if not matched:
            item_words = set(textfeatures.words(_document(entry)))
            matched = [w for w in textfeatures.words(text) if w in item_words and len(w) >= 2]
        return Match(entry.code, entry.name, entry.domain, round(score, 4), tuple(dict.fromkeys(matched))[:6])


class TextModel:
    """A text → label model for any labelled history (item, domain or department): TF-IDF + logistic regression."""

    def __init__(self, C: float = 8.0):
        self.vectorizer = TfidfVectorizer(analyzer=textfeatures.analyze, sublinear_tf=True)
        self.model = LogisticRegression(C=C, max_iter=3000)

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> TextModel:
        if len(texts) != len(labels):
            raise ValueError("texts and labels differ in length")
        if len(set(labels)) < 2:
            raise ValueError("at least two distinct labels are needed to train")
        self.model.fit(self.vectorizer.fit_transform(texts), labels)
        return self

    def predict(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        proba = self.model.predict_proba(self.vectorizer.transform(texts))
        best = proba.argmax(axis=1)
        return [(str(self.model.classes_[i]), float(proba[r, i])) for r, i in enumerate(best)]

    def save(self, path) -> None:
        with open(path, "wb") as fh:
            pickle.dump({"format": "zhifa.textmodel/1", "model": self}, fh)

    @staticmethod
    def load(path) -> TextModel:
        # Only load models this installation wrote: pickle runs code from the file.
        with open(path, "rb") as fh:
            data = pickle.load(fh)
        if not isinstance(data, dict) or data.get("format") != "zhifa.textmodel/1":
            raise ValueError(f"{path} is not a zhifa text model")
        return data["model"]
