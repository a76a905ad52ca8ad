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
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.preprocessing import normalize

from zhifa.engine import textfeatures

# How much the catalog similarity counts once a history model exists (the rest is the model's probability).
CATALOG_WEIGHT_WITH_HISTORY = 0.4
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


def _row_scaled(m: np.ndarray) -> np.ndarray:
    top = m.max(axis=1, keepdims=True)
    return np.divide(m, top, out=np.zeros_like(m), where=top > 0)


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
        # Kept transposed in row order: multiplying by a transposed view would convert it on every call.
        self._item_matrix_t = self.item_matrix.T.tocsr()
        self._keywords = [
            tuple(sorted({k.lower() for k in e.keywords if len(k) >= 2}, key=len, reverse=True))
            for e in self.entries
        ]
        # keyword → item columns, probed with every substring of a text up to the longest keyword's length.
        self._keyword_items: dict[str, list[int]] = {}
        for col, kws in enumerate(self._keywords):
            for kw in kws:
                self._keyword_items.setdefault(kw, []).append(col)
        self._max_kw = max((len(k) for k in self._keyword_items), default=0)
        self._item_words = [frozenset(textfeatures.words(d)) for d in docs]
        self.model: SGDClassifier | None = None
        self._model_columns: np.ndarray | None = None
        known = [(t, c) for t, c in zip(history_texts, history_codes, strict=True) if c in self._index]
        if len({c for _, c in known}) >= 2:
            texts, codes = zip(*known, strict=True)
            # Logistic loss by stochastic gradient: as accurate here as a full solver, a second instead of a minute.
            self.model = SGDClassifier(loss="log_loss", alpha=1e-4, max_iter=50, tol=1e-3, random_state=0)
            self.model.fit(normalize(self.vectorizer.transform(texts)), codes)
            # C-ordered copy of the weights: scipy would copy the transposed view on every prediction.
            self._coef_t = np.ascontiguousarray(self.model.coef_.T)
            self._model_columns = np.array([self._index[c] for c in self.model.classes_])

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Score matrix (texts × items), each row in [0, ~1.4]."""
        return self._scores(texts, [self._keyword_hits(t) for t in texts])

    def _scores(self, texts: Sequence[str], keyword_hits: list[dict[int, set[str]]]) -> np.ndarray:
        x = normalize(self.vectorizer.transform(texts))
        sim = (x @ self._item_matrix_t).toarray()
        bonus = np.zeros_like(sim)
        for row, found in enumerate(keyword_hits):
            for col, hits in found.items():
                bonus[row, col] = min(MAX_KEYWORD_BONUS, len(hits) * KEYWORD_BONUS)
        catalog = sim + bonus
        if self.model is None:
            return catalog
        proba = np.zeros_like(sim)
        proba[:, self._model_columns] = self._predict_proba(x)
        # Both parts scaled to their row maximum, so neither dominates by its units.
        return CATALOG_WEIGHT_WITH_HISTORY * _row_scaled(catalog) + (
            1 - CATALOG_WEIGHT_WITH_HISTORY
        ) * _row_scaled(proba)

    def _predict_proba(self, x) -> np.ndarray:
        """What SGDClassifier.predict_proba gives for log loss (one-vs-rest, normalised), on kept weights."""
        decision = np.asarray(x @ self._coef_t) + self.model.intercept_
        if decision.shape[1] == 1:  # two classes: one column of decisions
            p = 1.0 / (1.0 + np.exp(-decision))
            return np.hstack([1 - p, p])
        p = 1.0 / (1.0 + np.exp(-decision))
        total = p.sum(axis=1, keepdims=True)
        return np.divide(p, total, out=np.full_like(p, 1.0 / p.shape[1]), where=total > 0)

    def _keyword_hits(self, text: str) -> dict[int, set[str]]:
        """Item column → the item's keywords that occur in the text."""
        low = (text or "").lower()
        found: dict[int, set[str]] = {}
        n = len(low)
        for i in range(n):
            for j in range(i + 2, min(n, i + self._max_kw) + 1):
                cols = self._keyword_items.get(low[i:j])
                if cols:
                    for col in cols:
                        found.setdefault(col, set()).add(low[i:j])
        return found

    def classify_many(self, texts: Sequence[str], k: int = 5) -> list[list[Match]]:
        if not texts:
            return []
        keyword_hits = [self._keyword_hits(t) for t in texts]
        scores = self._scores(texts, keyword_hits)
        k = min(k, len(self.entries))
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        results = []
        for row, text in enumerate(texts):
            cols = sorted(top[row], key=lambda c: (-scores[row, c], self.codes[c]))
            hits = keyword_hits[row]
            text_words: list[str] | None = None
            matches = []
            for c in cols:
                if scores[row, c] <= 0:
                    continue
                matched = sorted(hits.get(int(c), ()), key=lambda w: (-len(w), w))
                if not matched:
                    # No keyword of the item occurs: explain by the words the text shares with the item.
                    if text_words is None:
                        text_words = textfeatures.words(text)
                    matched = [w for w in text_words if len(w) >= 2 and w in self._item_words[c]]
                entry = self.entries[c]
                score = round(float(scores[row, c]), 4)
                matches.append(
                    Match(entry.code, entry.name, entry.domain, score, tuple(dict.fromkeys(matched))[:6])
                )
            results.append(matches)
        return results

    def classify(self, text: str, k: int = 5) -> list[Match]:
        return self.classify_many([text], k)[0]


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
