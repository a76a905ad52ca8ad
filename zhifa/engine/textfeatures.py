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
