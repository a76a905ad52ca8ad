"""Chinese text features for the classifiers: jieba words plus character n-grams.

The generic text model (router_train) uses words with character 2- and 3-grams (`analyze`); the item classifier
uses single characters and bigrams after dropping the fixed phrases of the intake channels (`item_features`),
which 5-fold cross-validation inside the labelled train texts preferred by a wide margin.
"""

import functools
import logging
import re
import threading

import jieba
import numpy as np

jieba.setLogLevel(logging.WARNING)

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_user_words: set[str] = set()
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
STOPWORDS = frozenset(
    "的 了 是 在 我 我们 你 他 她 它 有 和 与 及 或 就 都 也 很 还 又 被 把 给 让 对 从 向 到 这 那 这个 那个 一个 "
    "请 希望 能 能够 可以 要求 反映 投诉 举报 问题 情况 处理 一下 现在 已经 经常 每天 一直 没有 不 没 吗 呢 啊 吧 "
    "什么 怎么 为什么 由于 因为 所以 但是 而且 并且 以及 其 之 等 相关 部门 管理 有关 依法".split()
)


def tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                tok = jieba.Tokenizer()
                tok.initialize()
                _tokenizer = tok
    return _tokenizer


def add_words(words) -> None:
    """Teach the tokenizer catalog keywords so that 油烟扰民 stays one word."""
    tok = tokenizer()
    with _lock:
        for word in words:
            word = word.strip()
            if len(word) >= 2 and word not in _user_words:
                tok.add_word(word, freq=2000)
                _user_words.add(word)
        _cut.cache_clear()


def normalise(text: str) -> str:
    return _PUNCT.sub(" ", text or "").strip().lower()


@functools.lru_cache(maxsize=8192)
def _cut(norm: str) -> tuple[str, ...]:
    # No HMM guessing of unknown words: the character n-grams already cover them, at a third of the cost.
    return tuple(w for w in tokenizer().lcut(norm, HMM=False) if w.strip() and w not in STOPWORDS)


def words(text: str) -> list[str]:
    return list(_cut(normalise(text)))


def analyze(text: str) -> list[str]:
    """Features of a text: its words (w:) and the character 2- and 3-grams of each chunk (c:)."""
    norm = normalise(text)
    feats = [f"w:{w}" for w in _cut(norm)]
    for chunk in norm.split():
        for n in (2, 3):
            feats.extend(f"c:{chunk[i : i + n]}" for i in range(len(chunk) - n + 1))
    return feats


# The set phrases with which hotline, grid and patrol reports open and close: they say how a report came in, not
# what it is about, and would make texts of one channel look alike.
_BOILERPLATE = re.compile(
    r"市民来电反映|来电反映|网格员?巡查中?发现|巡查中?发现|检查中?发现|执法检查|"
    r"要求(?:相关部门)?(?:查处|处理|检查|检测|整改)|某"
)


def item_features(text: str) -> list[str]:
    """Features for the item classifier: character 1- and 2-grams, channel phrases dropped.

    No word segmentation: cross-validation found jieba words added nothing to the n-grams here, and cutting
    was most of the cost of classifying a text."""
    norm = normalise(_BOILERPLATE.sub(" ", text or ""))
    feats: list[str] = []
    for chunk in norm.split():
        feats.extend(chunk)
        feats.extend(map(str.__add__, chunk, chunk[1:]))
    return feats


# A feature as one integer: a character is its code point (< 2**21), a bigram (first << 21) | second. Chunk
# characters are letters or digits, never code point 0, so a bigram's key is always ≥ 2**21.
_SHIFT = 21


def feature_key(feature: str) -> int | None:
    """The integer key of an item feature (one or two characters); None for anything longer."""
    if len(feature) == 1:
        return ord(feature)
    if len(feature) == 2:
        return ord(feature[0]) << _SHIFT | ord(feature[1])
    return None


def codepoints(text: str) -> np.ndarray:
    """The code points of a text as int64, one per character (a lone surrogate passes through as itself)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)


# Between the texts of a batch: a letter (so the punctuation pattern keeps it), in no channel phrase, its own
# lower case — a rare ideograph of CJK Extension B. A batch where a text holds it takes the per-text path.
_BATCH_SEP = "\U0002a6d6"


def item_feature_keys(texts) -> tuple[np.ndarray, np.ndarray]:
    """`item_features` of many texts at once as (row, key) arrays — the same features, counted the same, found
    by numpy over the whole batch instead of a Python loop over each text's characters."""
    texts = [t or "" for t in texts]
    if not texts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    joined = _BATCH_SEP.join(texts)
    sep = ord(_BATCH_SEP)
    if joined.count(_BATCH_SEP) == len(texts) - 1:
        # One substitution of each pattern over the whole batch: no pattern can match across the separator, and
        # lower case of the whole is the texts' lower cases (the separator is uncased, like a text's end).
        cp = codepoints(_PUNCT.sub(" ", _BOILERPLATE.sub(" ", joined)).lower() + _BATCH_SEP)
        ends = cp == sep
        rows = np.cumsum(ends) - ends  # the row of a character: the separators before it
        inside = (cp != 32) & ~ends
    else:
        # Text by text; chunks are then separated by single spaces only, and a space after each text ends it.
        norms = [normalise(_BOILERPLATE.sub(" ", t)) for t in texts]
        cp = codepoints(" ".join(norms) + " ")
        rows = np.repeat(np.arange(len(norms)), np.fromiter(map(len, norms), np.int64, len(norms)) + 1)
        inside = cp != 32
    pair = inside[:-1] & inside[1:]
    keys = np.concatenate([cp[inside], (cp[:-1][pair] << _SHIFT) | cp[1:][pair]])
    return np.concatenate([rows[inside], rows[:-1][pair]]), keys


class KeyTable:
    """Integer key → column, as an open-addressing hash table in two numpy arrays, probed for many keys at once
    (a few vectorised rounds instead of a dictionary lookup per key). Keys are ≥ 0; -1 marks an empty slot."""

    def __init__(self, columns: dict[int, int]):
        bits = max(4, (4 * len(columns)).bit_length())  # load ≤ 1/4: most probes end in the first round
        self._shift = np.uint64(64 - bits)
        self._mask = (1 << bits) - 1
        keys = [-1] * (1 << bits)
        cols = [-1] * (1 << bits)
        wanted = list(columns.items())
        for (key, col), slot in zip(
            wanted, self._slots(np.array([k for k, _ in wanted])).tolist(), strict=True
        ):
            while keys[slot] != -1:
                slot = (slot + 1) & self._mask
            keys[slot], cols[slot] = key, col
        self._keys = np.array(keys, dtype=np.int64)
        self._cols = np.array(cols, dtype=np.int64)

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        # Fibonacci hashing: the top bits of key × 2**64/φ (wrapping unsigned multiplication).
        return ((keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> self._shift).astype(np.int64)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The column of each key, -1 for keys not in the table."""
        cols = np.full(len(keys), -1, dtype=np.int64)
        pending = np.arange(len(keys))
        slots = self._slots(keys)
        while len(pending):
            at = slots[pending]
            stored = self._keys[at]
            hit = stored == keys[pending]
            cols[pending[hit]] = self._cols[at[hit]]
            going = (stored != -1) & ~hit
            pending = pending[going]
            slots[pending] = (at[going] + 1) & self._mask
        return cols


class PhraseFinder:
    """Which of many phrases (two characters or more) occur in each of many texts, exactly as `phrase in text`.

    numpy keys every position of the whole batch by its next two and three characters: a two-character phrase is
    found by its key alone; a longer one is compared (str.startswith) only where its first three characters
    stand, so a text costs a few probes instead of one per position and length."""

    def __init__(self, phrases):
        pairs: dict[int, str] = {}
        triples: dict[int, list[str]] = {}
        for p in sorted({p for p in phrases if len(p) >= 2 and "\x00" not in p}):
            if len(p) == 2:
                pairs[_key2(p)] = p
            else:
                triples.setdefault(_key3(p), []).append(p)
        self._pairs = list(pairs.values())
        self._triples = list(map(tuple, triples.values()))
        self._pair_table = KeyTable({k: i for i, k in enumerate(pairs)})
        self._triple_table = KeyTable({k: i for i, k in enumerate(triples)})
        # Characters that start a phrase, and that come second in one (basic plane; any character beyond it
        # maps to the last slot, which is always on): a cheap first sieve before the exact keys are searched.
        self._first = np.zeros(0x10000, dtype=bool)
        self._second = np.zeros(0x10000, dtype=bool)
        self._first[-1] = self._second[-1] = True
        for p in [*self._pairs, *(p for ps in self._triples for p in ps)]:
            self._first[min(ord(p[0]), 0xFFFF)] = self._second[min(ord(p[1]), 0xFFFF)] = True

    def find(self, texts) -> list[set[str]]:
        """For each text, the set of phrases found in it (texts are compared as given: lower them first)."""
        texts = list(texts)
        found: list[set[str]] = [set() for _ in texts]
        if not texts:
            return found
        # NUL between texts: no phrase holds one, so none spans two texts.
        joined = "\x00".join(texts)
        cp = codepoints(joined)
        starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
        low = np.minimum(cp, 0xFFFF)
        sieved = np.flatnonzero(self._first[low[:-1]] & self._second[low[1:]])
        pair_keys = (cp[sieved] << _SHIFT) | cp[sieved + 1]
        phrase = self._pair_table.lookup(pair_keys)
        hit = phrase >= 0
        rows = np.searchsorted(starts, sieved[hit], side="right") - 1
        pairs = self._pairs
        for row, i in zip(rows.tolist(), phrase[hit].tolist(), strict=True):
            found[row].add(pairs[i])
        sieved = sieved[sieved + 2 < len(cp)]
        group = self._triple_table.lookup((pair_keys[: len(sieved)] << _SHIFT) | cp[sieved + 2])
        hit = group >= 0
        at = sieved[hit]
        rows = np.searchsorted(starts, at, side="right") - 1
        triples, startswith = self._triples, joined.startswith
        for i, row, g in zip(at.tolist(), rows.tolist(), group[hit].tolist(), strict=True):
            for phrase in triples[g]:
                if startswith(phrase, i):
                    found[row].add(phrase)
        return found


def _key2(p: str) -> int:
    return ord(p[0]) << _SHIFT | ord(p[1])


def _key3(p: str) -> int:
    return (ord(p[0]) << _SHIFT | ord(p[1])) << _SHIFT | ord(p[2])
