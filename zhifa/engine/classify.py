"""Classify a complaint text to catalog items: catalog similarity from day one, plus what confirmed history teaches.

The catalog side needs nothing but the items themselves (name, keywords, legal text). When people have confirmed
the items of past events, each item's confirmed texts form a centroid that the text is also compared with, and a
domain profile (catalog and history together) re-weights the items by how well their domain fits. Every ranked
item carries the words that matched, as its explanation.

The features, the blend weight and the domain exponent were chosen by 5-fold cross-validation inside the train
split of tests/data/complaints.jsonl (benchmarks/cv_classify.py). In that comparison the history centroids
("Rocchio") blended with the catalog did as well as logistic regression, SGD or complement naive Bayes trained on
catalog and history, and they train in a fraction of a second on thousands of texts. Re-checked on 365 train texts
(the former test lines included) + 201 extra, 5-fold CV 95.6% domain top-1 / 96.2% item top-3 with the settings
below: a logistic-regression domain vote, a linear SVM over items blended in, the nearest single confirmed text
beside the centroid, a prior from each item's share of the history, character trigrams, and other values of the
three weights: none gained more than one text of 365 on both figures at once (a text is 0.27 points; trigrams
lost three), and fitting on one training file while scoring the other favoured none; so the settings stand.

A batch is classified with no Python loop over characters or items: features are integer keys found by numpy over
the whole batch and looked up in a numpy hash table, one sparse product scores every item, keywords and the
items' explaining words are found in one pass (textfeatures.PhraseFinder); only the top k of each text become
Python objects (benchmarks/bench_classify_route.py; tests/engine/test_classify_fastpath.py holds the fast paths
to their plain definitions, bit for bit).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from zhifa.engine import textfeatures

# Share of the similarity to an item's confirmed texts (the rest is the similarity to its catalog text).
HISTORY_WEIGHT = 0.3
# Item scores are multiplied by (domain fit relative to the best domain) ** DOMAIN_EXPONENT.
DOMAIN_EXPONENT = 0.5
# A small bonus per catalog keyword found verbatim: it orders near-ties, the n-grams carry the rest.
KEYWORD_BONUS = 0.02
MAX_KEYWORD_BONUS = 0.06
# Words of the legal wording that many items share: no explanation of why a text fits one item.
GENERIC_WORDS = frozenset(
    "未经 批准 审批 手续 办理 超过 规定 进入 查处 个人 单位 行为 标准 使用 设置 活动 擅自 违反 相关 要求 处理 "
    "情况 造成 进行 按照 其他 有关 或者 以及 责令 改正 罚款 以上 以下 不得 应当 未按 依法 国家 人员 "
    # Where, who and when of any complaint: a fumes complaint's 附近居民 is no reason to cite a noise-notice item.
    "附近 周边 周围 居民 住户 业主 群众 市民 小区 楼下 楼上 门口 旁边 路边 晚上 夜里 白天 早上 每天 多次 长期 "
    "严重 影响 意见 不管 公共 场所 区域 地方".split()
)
# A word of the items' own text found in this share of all items or more says nothing about one of them
# (居民, 附近, 区域, 建设 …): it never explains a match, whatever the fixed list above forgets.
GENERIC_SHARE = 0.04


@dataclass(frozen=True)
class CatalogEntry:
    code: str
    name: str
    domain: str
    keywords: tuple[str, ...] = ()
    legal_text: str = ""


def plain_name(name: str) -> str:
    """An item's name as people say it: 对……的行政处罚 → ……"""
    for suffix in ("的行政处罚", "的行政强制", "的行政检查", "的处罚", "的检查"):
        name = name.removesuffix(suffix)
    return name.removeprefix("对")


class Match(NamedTuple):
    """A ranked item; `matched` holds the phrases of the item found in the text, never a generic word alone.

    A named tuple rather than a frozen dataclass: a batch makes five per text, and a tuple is built in a
    third of the time (the frozen dataclass sets each field through object.__setattr__)."""

    code: str
    name: str
    domain: str
    score: float
    matched: tuple[str, ...] = ()

    @property
    def plain_name(self) -> str:
        return plain_name(self.name)

    @property
    def basis(self) -> str:
        """One line of explanation: the matched phrases and the item's plain name ("" when nothing matched)."""
        if not self.matched:
            return ""
        return f"“{'”“'.join(self.matched)}” → {self.plain_name}"


def explained(matches: Sequence[Match]) -> list[Match]:
    """The matches that may be shown as a basis: those with a phrase of their own found in the text."""
    return [m for m in matches if m.matched]


def _row_scaled(m: np.ndarray) -> np.ndarray:
    top = m.max(axis=1, keepdims=True)
    return np.divide(m, top, out=np.zeros_like(m), where=top > 0)


def _document(entry: CatalogEntry) -> str:
    # Keywords are what citizens say, so they weigh more than the formal name; legal text adds the law's terms.
    name = entry.name.removeprefix("对").removesuffix("的行政处罚").removesuffix("的行政强制")
    return " ".join([name, name, *(entry.keywords * 3), entry.legal_text])


class _Tfidf:
    """TF-IDF of pre-analysed texts as sklearn's TfidfVectorizer(sublinear_tf=True) computes it, L2-normalised
    rows; counted with collections.Counter, a few times faster than the vectorizer's Python loop."""

    def __init__(self, analysed: Sequence[list[str]]):
        self.vocabulary: dict[str, int] = {}
        counts = [Counter(f) for f in analysed]
        for c in counts:
            for feat in c:
                self.vocabulary.setdefault(feat, len(self.vocabulary))
        raw = self._counts(counts)
        df = np.bincount(raw.indices, minlength=len(self.vocabulary))
        self.idf = np.log((1 + len(counts)) / (1 + df)) + 1
        self.fitted = self._weigh(raw)
        self._table: textfeatures.KeyTable | None = None  # built on the first transform_keys

    def _counts(self, counts: Sequence[Counter]) -> sp.csr_matrix:
        vocabulary = self.vocabulary
        indptr, indices, data = [0], [], []
        for c in counts:
            for feat, n in c.items():
                j = vocabulary.get(feat)
                if j is not None:
                    indices.append(j)
                    data.append(n)
            indptr.append(len(indices))
        return sp.csr_matrix(
            (np.array(data, dtype=np.float64), np.array(indices, dtype=np.int32), np.array(indptr)),
            shape=(len(counts), len(vocabulary)),
        )

    def _weigh(self, m: sp.csr_matrix) -> sp.csr_matrix:
        m.data = (1 + np.log(m.data)) * self.idf[m.indices]
        return normalize(m)

    def transform_keys(self, rows: np.ndarray, keys: np.ndarray, n_rows: int) -> sp.csr_matrix:
        """`transform` of features given as integer keys (textfeatures.item_feature_keys): the vocabulary is a
        numpy hash table probed for the whole batch at once, and the counts come from one sort of (row, column)."""
        if self._table is None:
            self._table = textfeatures.KeyTable(
                {k: j for f, j in self.vocabulary.items() if (k := textfeatures.feature_key(f)) is not None}
            )
        cols = self._table.lookup(keys)
        known = cols >= 0
        width = len(self.vocabulary)
        cells = rows[known] * width + cols[known]
        cells.sort()
        # Runs of one cell are one feature of one text: its count is the run's length (sum_duplicates' result,
        # in the same column order, so the weights below are bit for bit those of `transform`).
        if len(cells):
            first = np.flatnonzero(np.concatenate(([True], cells[1:] != cells[:-1])))
            counts = np.diff(np.append(first, len(cells))).astype(np.float64)
            cells = cells[first]
        else:
            counts = np.zeros(0)
        indptr = np.searchsorted(cells, np.arange(n_rows + 1) * width)
        m = sp.csr_matrix((counts, (cells % width).astype(np.int32), indptr), shape=(n_rows, width))
        return self._weigh(m)

    def transform(self, analysed: Sequence[list[str]]) -> sp.csr_matrix:
        # One C-level map over the batch's features (no Counter per text); the CSR conversion sums repeats.
        flat = list(chain.from_iterable(analysed))
        ids = np.fromiter(map(self.vocabulary.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
        rows = np.repeat(np.arange(len(analysed)), [len(f) for f in analysed])
        known = ids >= 0
        m = sp.csr_matrix(
            (np.ones(int(known.sum())), (rows[known], ids[known])),
            shape=(len(analysed), len(self.vocabulary)),
        )
        m.sum_duplicates()
        return self._weigh(m)


def _indicator(rows: np.ndarray, n_rows: int) -> sp.csr_matrix:
    """n_rows × len(rows) matrix with a 1 in row rows[j] of column j: summing columns into groups."""
    return sp.csr_matrix((np.ones(len(rows)), (rows, np.arange(len(rows)))), shape=(n_rows, len(rows)))


def _longest_first(word: str) -> tuple[int, str]:
    return -len(word), word


def _shared_words(found: set[str], low: str) -> list[str]:
    """Of the item's words found in the text, those not part of a longer one, in text order."""
    kept: list[str] = []
    for w in sorted(found, key=len, reverse=True):
        if not any(w in k for k in kept):
            kept.append(w)
    return sorted(kept, key=low.find)


class ItemClassifier:
    """Build with the catalog (and optionally confirmed history); then classify texts, one or many."""

    def __init__(
        self,
        entries: Sequence[CatalogEntry],
        *,
        history_texts: Sequence[str] = (),
        history_codes: Sequence[str] = (),
        history_weights: Sequence[float] | None = None,
    ):
        """history_weights: one per history text (e.g. by recency, 0.5 ** (age / half-life)); all 1 by default."""
        if not entries:
            raise ValueError("the catalog is empty")
        if len(history_texts) != len(history_codes):
            raise ValueError("history texts and codes differ in length")
        if history_weights is not None and len(history_weights) != len(history_codes):
            raise ValueError("history weights and codes differ in length")
        weights = list(history_weights) if history_weights is not None else [1.0] * len(history_codes)
        self.entries = list(entries)
        self.codes = [e.code for e in self.entries]
        self._index = {c: i for i, c in enumerate(self.codes)}
        docs = [_document(e) for e in self.entries]
        known = [
            (t, self._index[c], w)
            for t, c, w in zip(history_texts, history_codes, weights, strict=True)
            if c in self._index and w > 0
        ]
        # One feature pass over catalog and history; the history's document frequencies tell the everyday
        # characters from the telling ones.
        analysed = [textfeatures.item_features(d) for d in docs]
        analysed += [textfeatures.item_features(t) for t, _, _ in known]
        self.vectorizer = _Tfidf(analysed)
        matrix = self.vectorizer.fitted
        n = len(docs)
        self.item_matrix = matrix[:n]
        # Kept transposed in row order: multiplying by a transposed view would convert it on every call.
        self._item_matrix_t = self.item_matrix.T.tocsr()
        domains = sorted({e.domain for e in self.entries})
        self._item_domain = np.array([domains.index(e.domain) for e in self.entries])
        profile = _indicator(self._item_domain, len(domains)) @ self.item_matrix
        self.history_size = len(known)
        self._centroid_t = None
        if known:
            cols = np.array([c for _, c, _ in known])
            history = sp.diags(np.array([w for _, _, w in known])) @ matrix[n:]
            self._centroid_t = normalize(_indicator(cols, n) @ history).T.tocsr()
            profile = profile + _indicator(self._item_domain[cols], len(domains)) @ history
        self._domain_t = normalize(profile).T.tocsr()
        self._keywords = [
            tuple(
                sorted(
                    {k.lower() for k in e.keywords if len(k) >= 2 and k not in GENERIC_WORDS},
                    key=len,
                    reverse=True,
                )
            )
            for e in self.entries
        ]
        # keyword → item columns, probed with every substring of a text up to the longest keyword's length.
        self._keyword_items: dict[str, list[int]] = {}
        for col, kws in enumerate(self._keywords):
            for kw in kws:
                self._keyword_items.setdefault(kw, []).append(col)
        self._keyword_set = frozenset(self._keyword_items)
        self._keyword_finder = textfeatures.PhraseFinder(self._keyword_set)
        # The items' own words, cut on the first classify_many (only explanations need them).
        self._docs = docs
        self._item_words: list[frozenset[str]] = []
        self._explainer: textfeatures.PhraseFinder | None = None
        self._code_rank = np.argsort(np.argsort(np.array(self.codes), kind="stable"), kind="stable")
        self._generic: frozenset[str] | None = None
        self._combined_t: sp.csr_matrix | None = None

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Score matrix (texts × items), each row in [0, ~1]."""
        return self._scores(texts, self._keyword_hits(texts, self._keyword_finder)[0])

    def _scores(self, texts: Sequence[str], keyword_hits: list[dict[int, set[str]]]) -> np.ndarray:
        rows, keys = textfeatures.item_feature_keys(texts)
        x = self.vectorizer.transform_keys(rows, keys, len(texts))
        if self._combined_t is None:
            # Catalog, history and domain profiles side by side: one sparse product per batch instead of three
            # (the blend of catalog and history is linear, so it is folded into the matrix).
            items = self._item_matrix_t
            if self._centroid_t is not None:
                items = (1 - HISTORY_WEIGHT) * items + HISTORY_WEIGHT * self._centroid_t
            self._combined_t = sp.hstack([items, self._domain_t], format="csr")
        both = (x @ self._combined_t).toarray()
        n = len(self.entries)
        sim = both[:, :n]
        # The keyword bonus of every (text, item) pair with a hit, added in one indexed step.
        hit_rows = [row for row, found in enumerate(keyword_hits) for _ in found]
        if hit_rows:
            hit_cols = [col for found in keyword_hits for col in found]
            hit_counts = np.array(
                [len(h) for found in keyword_hits for h in found.values()], dtype=np.float64
            )
            sim[hit_rows, hit_cols] += np.minimum(MAX_KEYWORD_BONUS, hit_counts * KEYWORD_BONUS)
        domain_fit = _row_scaled(both[:, n:])
        return sim * (domain_fit**DOMAIN_EXPONENT)[:, self._item_domain]

    def _keyword_hits(
        self, texts: Sequence[str], finder: textfeatures.PhraseFinder
    ) -> tuple[list[dict[int, set[str]]], list[set[str]]]:
        """For each text: item column → the item's keywords that occur in the text; and all the finder's phrases
        that occur in it (keywords, and with the explaining finder the items' own words)."""
        hits: list[dict[int, set[str]]] = []
        items, keywords = self._keyword_items, self._keyword_set
        present = finder.find([(t or "").lower() for t in texts])
        for words in present:
            found: dict[int, set[str]] = {}
            for w in words & keywords:
                for col in items[w]:
                    found.setdefault(col, set()).add(w)
            hits.append(found)
        return hits, present

    def _explaining_finder(self) -> textfeatures.PhraseFinder:
        """Keywords and every item's own words in one finder: a text's explanations need one pass over it."""
        if self._explainer is None:
            self._item_words = [self._words_of(col) for col in range(len(self.entries))]
            self._explainer = textfeatures.PhraseFinder(set(self._keyword_items).union(*self._item_words))
        return self._explainer

    def generic_words(self) -> frozenset[str]:
        """The fixed generic words, and the words found in GENERIC_SHARE of the items' texts or more."""
        if self._generic is None:
            # First use: teach the tokenizer the keywords, so that 油烟扰民 stays one word.
            textfeatures.add_words(k for e in self.entries for k in e.keywords)
            df = Counter(w for doc in self._docs for w in set(textfeatures.words(doc)))
            floor = max(3, GENERIC_SHARE * len(self._docs))
            self._generic = GENERIC_WORDS | {w for w, n in df.items() if n >= floor}
        return self._generic

    def _words_of(self, col: int) -> frozenset[str]:
        """The item's words of two characters or more, generic words left out."""
        generic = self.generic_words()
        return frozenset(
            w
            for w in textfeatures.words(self._docs[col])
            if len(w) >= 2 and not w.isdigit() and w not in generic
        )

    def classify_many(self, texts: Sequence[str], k: int = 5) -> list[list[Match]]:
        if not texts:
            return []
        keyword_hits, present = self._keyword_hits(texts, self._explaining_finder())
        scores = self._scores(texts, keyword_hits)
        k = min(k, len(self.entries))
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        # Order each row's top k by score, then code, in one vectorised sort; Python sees plain lists only.
        top_scores = np.take_along_axis(scores, top, axis=1)
        order = np.lexsort((self._code_rank[top], -top_scores), axis=1)
        top_cols = np.take_along_axis(top, order, axis=1).tolist()
        top_scores = np.round(np.take_along_axis(top_scores, order, axis=1), 4).tolist()
        entries = self.entries
        results = []
        for row, text in enumerate(texts):
            hits = keyword_hits[row]
            matches = []
            for c, score in zip(top_cols[row], top_scores[row], strict=True):
                if score <= 0:
                    continue
                found = hits.get(c)
                if found:
                    # Longest first, then by character; most items hit by one keyword need no sort at all.
                    matched = (
                        tuple(found) if len(found) == 1 else tuple(sorted(found, key=_longest_first))[:6]
                    )
                else:
                    # No keyword of the item occurs: explain by the words of the item's text found in the text.
                    shared = self._item_words[c] & present[row]
                    matched = tuple(_shared_words(shared, text.lower()))[:6] if shared else ()
                entry = entries[c]
                matches.append(Match(entry.code, entry.name, entry.domain, score, matched))
            results.append(matches)
        return results

    def classify(self, text: str, k: int = 5) -> list[Match]:
        return self.classify_many([text], k)[0]
