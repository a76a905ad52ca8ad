"""Text → label by model selection: several scikit-learn candidates, chosen by stratified k-fold cross-validation.

The textbook baseline — character n-gram TF-IDF with a linear SVM — is always a candidate and wins ties, so a
district that brings its own labelled history never gets a model that cross-validates below it. The other
candidates add jieba words, a weighted title, class balancing, logistic regression, complement naive Bayes and a
calibrated ensemble. Features are computed once per fold and shared by the candidates that use them.

Past `HASHING_ROWS` rows (the large-data path, 50,000 by default, up to millions): the vectorizers hash (no
vocabulary in memory), the candidates are linear models by SGD beside the baseline, cross-validation runs on a
stratified sample of `MAX_CV_ROWS`, and the chosen model is fitted chunk by chunk — document frequencies counted
one chunk at a time, SGD by partial_fit over shuffled chunks, a batch model (the baseline) on a stratified sample
of at most `MAX_FIT_ROWS` — so memory holds one chunk's matrix, not the file's.
"""

from __future__ import annotations

import pickle
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.naive_bayes import ComplementNB
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

from zhifa.engine import textfeatures

FORMAT = "zhifa.textmodel/2"
SEP = "\x1e"  # between title and body in one document
TITLE_WEIGHT = 0.6
HASHING_ROWS = 50_000  # above this, the large-data path: hashed features (no vocabulary in memory), SGD
MAX_CV_ROWS = 5_000  # cross-validation on at most this many rows (a stratified sample chooses as well)
MAX_FIT_ROWS = 100_000  # on the large-data path, a batch model (the baseline) is fitted on at most this many
CHUNK_ROWS = 20_000  # rows vectorised at a time on the large-data path
SGD_ALPHA_ROWS = 0.2  # SGD's alpha × training rows (chosen on synthetic 留言: 4,000 rows, alpha 5e-5)
SGD_PASSES = 2  # passes of partial_fit over all rows on the large-data path, more (up to 20) while the passes
MIN_SGD_UPDATES = 200_000  # make fewer updates than this (a file just past the threshold)
HASHED_FEATURES = 2**20  # hashed features per kind (char, word, title) …
COEF_BUDGET = 16_000_000  # … fewer when labels × features would pass this many weights (float64: 128 MB)
BASELINE = "char_svm"


def document(title: str, body: str) -> str:
    """One document from a title and a body; the title's own features are added by the title candidates."""
    return f"{title}{SEP}{body}" if title.strip() else body


def _flat(doc: str) -> str:
    return doc.replace(SEP, "。").lower()


def _title(doc: str) -> str:
    return doc.split(SEP, 1)[0].lower() if SEP in doc else ""


def _word_features(doc: str) -> list[str]:
    """jieba words and word bigrams of the whole document."""
    ws = textfeatures.words(_flat(doc))
    return ws + [f"{a} {b}" for a, b in zip(ws, ws[1:], strict=False)]


def _vectorizer(kind: str, hashed: int):
    """TF-IDF of a feature kind; `hashed` > 0: on that many hashed features, no vocabulary kept."""
    if kind == "word":
        opts = {"analyzer": _word_features}
    else:
        opts = {
            "analyzer": "char",
            "ngram_range": (1, 3),
            "preprocessor": _title if kind == "title" else _flat,
        }
    if hashed:
        return _HashedTfidf(hashed, **opts)
    return TfidfVectorizer(sublinear_tf=True, dtype=np.float32, **opts)


def _hashed_width(n_labels: int) -> int:
    """Hashed features per kind on the large-data path: HASHED_FEATURES, halved (down to 2**16) while the linear
    models' weights — labels × three kinds × features — would pass COEF_BUDGET: memory stays bounded whatever
    the number of labels (a file of a few hundred items as labels gets fewer, shared features)."""
    width = HASHED_FEATURES
    while width > 2**16 and width * 3 * n_labels > COEF_BUDGET:
        width //= 2
    return width


def _chunks(rows: Sequence):
    size = CHUNK_ROWS  # read at each call: a test sets it small
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


class _HashedTfidf:
    """TfidfVectorizer(sublinear_tf=True)'s weights on hashed features: no vocabulary is kept, and `fit` counts
    document frequencies chunk by chunk, so a million rows never sit in memory as one matrix."""

    def __init__(self, width: int, **opts):
        self.width = width
        self.hasher = HashingVectorizer(
            n_features=width, alternate_sign=False, norm=None, dtype=np.float32, **opts
        )

    def _learn(self, counts: Sequence[sp.csr_matrix], n: int) -> None:
        df = np.zeros(self.width, dtype=np.int64)
        for m in counts:  # the hasher sums duplicates: one entry per (row, feature)
            df += np.bincount(m.indices, minlength=self.width)
        self.idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)

    def _weigh(self, m: sp.csr_matrix) -> sp.csr_matrix:
        m.data = (np.log(m.data) + 1) * self.idf[m.indices]
        return normalize(m)

    def fit(self, docs: Sequence[str]) -> _HashedTfidf:
        self._learn((self.hasher.transform(c) for c in _chunks(docs)), len(docs))
        return self

    def fit_transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        m = self.hasher.transform(docs)
        self._learn([m], len(docs))
        return self._weigh(m)

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        return self._weigh(self.hasher.transform(docs))


@dataclass(frozen=True)
class Candidate:
    key: str
    label: str  # printed
    features: tuple[str, ...]  # "char", "word", "title"
    classifier: str  # "svm", "svm_balanced", "lr", "cnb", "sgd", "sgd_balanced", "ensemble"


CANDIDATES = (
    Candidate(BASELINE, "字符 n-gram TF-IDF + 线性 SVM（基线）", ("char",), "svm"),
    Candidate("char_svm_bal", "字符 n-gram + 线性 SVM（类别加权）", ("char",), "svm_balanced"),
    Candidate("char_lr", "字符 n-gram + 逻辑回归（类别加权）", ("char",), "lr"),
    Candidate("char_cnb", "字符 n-gram + 补集朴素贝叶斯", ("char",), "cnb"),
    Candidate("word_svm", "jieba 词 TF-IDF + 线性 SVM（类别加权）", ("word",), "svm_balanced"),
    Candidate("union_svm", "字符 + 词 TF-IDF + 线性 SVM（类别加权）", ("char", "word"), "svm_balanced"),
    Candidate("union_lr", "字符 + 词 TF-IDF + 逻辑回归（类别加权）", ("char", "word"), "lr"),
    Candidate(
        "title_union_svm", "标题加权 + 字符 + 词 + 线性 SVM", ("char", "word", "title"), "svm_balanced"
    ),
    Candidate("union_ensemble", "字符 + 词，校准 SVM 与逻辑回归集成", ("char", "word"), "ensemble"),
)
# Past HASHING_ROWS: linear models by SGD on hashed features (the baseline stays, on hashed features too).
LARGE_CANDIDATES = (
    CANDIDATES[0],
    Candidate("char_sgd", "字符 n-gram（哈希）+ SGD", ("char",), "sgd"),
    Candidate("char_sgd_bal", "字符 n-gram（哈希）+ SGD（类别加权）", ("char",), "sgd_balanced"),
    Candidate("union_sgd", "字符 + 词（哈希）+ SGD", ("char", "word"), "sgd"),
    Candidate("title_union_sgd", "标题加权 + 字符 + 词（哈希）+ SGD", ("char", "word", "title"), "sgd"),
)


def _sgd(rows: int, seed: int, class_weight=None) -> SGDClassifier:
    # Regularisation per row, as LinearSVC's C is: alpha = SGD_ALPHA_ROWS / rows, so the 4,000 rows of a CV fold
    # and the 100,000 of the final fit get the same model (a fixed alpha favoured one size or the other).
    return SGDClassifier(
        loss="modified_huber",
        alpha=SGD_ALPHA_ROWS / max(rows, 1),
        class_weight=class_weight,
        random_state=seed,
    )


def _classifier(kind: str, min_count: int, seed: int, rows: int = 0):
    if kind == "svm":
        return LinearSVC(C=1.0)
    if kind == "svm_balanced":
        return LinearSVC(C=1.0, class_weight="balanced")
    if kind == "lr":
        return _logistic()
    if kind == "cnb":
        return ComplementNB(alpha=0.3)
    if kind == "sgd":
        return _sgd(rows, seed)
    if kind == "sgd_balanced":
        return _sgd(rows, seed, "balanced")
    if kind == "ensemble":
        return _Ensemble(min_count)
    raise ValueError(f"unknown classifier {kind!r}")


def _logistic():
    # One-vs-rest liblinear: several times faster than the multinomial lbfgs fit on sparse n-grams, as accurate.
    return OneVsRestClassifier(LogisticRegression(C=20.0, class_weight="balanced", solver="liblinear"))


class _Ensemble:
    """Mean of the probabilities of a calibrated linear SVM and a logistic regression."""

    def __init__(self, min_count: int):
        self.cv = min(3, min_count)

    def fit(self, X, y):
        self.members = [_logistic()]
        if self.cv >= 2:  # calibration needs two texts of every label
            svm = LinearSVC(C=1.0, class_weight="balanced")
            self.members.append(CalibratedClassifierCV(svm, cv=self.cv, method="sigmoid"))
        for m in self.members:
            m.fit(X, y)
        self.classes_ = self.members[0].classes_
        return self

    def predict_proba(self, X):
        return sum(m.predict_proba(X) for m in self.members) / len(self.members)


def _class_scores(clf, X) -> np.ndarray:
    """(rows, classes) scores in [0, 1] summing to 1: probabilities, or a softmax of the SVM margins."""
    if hasattr(clf, "predict_proba"):
        return clf.predict_proba(X)
    d = clf.decision_function(X)
    if d.ndim == 1:
        d = np.column_stack([-d, d])
    e = np.exp(3 * (d - d.max(axis=1, keepdims=True)))
    return e / e.sum(axis=1, keepdims=True)


class _Features:
    """The fitted vectorizers of a feature set; transform stacks them (the title weighted)."""

    def __init__(self, kinds: Sequence[str], hashed: int):
        self.kinds, self.hashed = tuple(kinds), hashed

    def fit_transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        self.vectorizers = {k: _vectorizer(k, self.hashed) for k in self.kinds}
        return self._stack({k: v.fit_transform(docs) for k, v in self.vectorizers.items()})

    def fit(self, docs: Sequence[str]) -> _Features:
        """Fit without keeping the matrix (hashed features: chunk by chunk)."""
        self.vectorizers = {k: _vectorizer(k, self.hashed).fit(docs) for k in self.kinds}
        return self

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        return self._stack({k: v.transform(docs) for k, v in self.vectorizers.items()})

    def _stack(self, parts: dict[str, sp.csr_matrix]) -> sp.csr_matrix:
        return sp.hstack([_weigh(k, m) for k, m in parts.items()], format="csr").astype(np.float32)


@dataclass
class CandidateResult:
    candidate: Candidate
    accuracy: float
    macro_f1: float
    fold_accuracy: list[float] = field(default_factory=list)
    predicted: np.ndarray | None = None  # out-of-fold labels (indices into Selection.labels)

    @property
    def key(self) -> str:
        return self.candidate.key


@dataclass
class Selection:
    labels: list[str]
    results: list[CandidateResult]  # best first
    folds: int
    cv_rows: int
    truth: np.ndarray  # label indices of the CV rows
    large: bool = False  # the large-data path (hashed features, SGD candidates, chunked fit)

    @property
    def chosen(self) -> CandidateResult:
        return self.results[0]

    @property
    def runner_up(self) -> CandidateResult | None:
        return self.results[1] if len(self.results) > 1 else None

    @property
    def baseline(self) -> CandidateResult:
        return next(r for r in self.results if r.key == BASELINE)

    def confusion(self) -> np.ndarray:
        """Rows: true label, columns: the chosen model's out-of-fold label."""
        return confusion_matrix(self.truth, self.chosen.predicted, labels=range(len(self.labels)))


def _check(texts: Sequence[str], labels: Sequence[str]) -> None:
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    if len(set(labels)) < 2:
        raise ValueError("至少需要两种不同的标签才能训练")


def select(
    docs: Sequence[str],
    labels: Sequence[str],
    *,
    folds: int = 5,
    seed: int = 0,
    candidates: Sequence[Candidate] | None = None,
    max_cv_rows: int = MAX_CV_ROWS,
    large_rows: int = HASHING_ROWS,
) -> Selection:
    """Cross-validate the candidates on the same stratified folds; results best first (accuracy, then macro-F1,
    then the earlier candidate — the baseline is first, so it wins ties). Past `large_rows` rows, the large-data
    path (see the module's note)."""
    _check(docs, labels)
    names = sorted(set(labels))
    index = {n: i for i, n in enumerate(names)}
    y_all = np.array([index[v] for v in labels])
    docs = list(docs)
    hashed = _hashed_width(len(names)) if len(docs) > large_rows else 0
    if candidates is None:
        candidates = LARGE_CANDIDATES if hashed else CANDIDATES
        if not any(SEP in d for d in docs):
            candidates = [c for c in candidates if "title" not in c.features]
    if not any(c.key == BASELINE for c in candidates):
        raise ValueError("the baseline must be a candidate")
    rows = np.arange(len(docs))
    counts = np.bincount(y_all)
    if len(docs) > max_cv_rows:
        strat = y_all if counts.min() >= 2 else None
        rows, _ = train_test_split(rows, train_size=max_cv_rows, stratify=strat, random_state=seed)
        rows = np.sort(rows)
    y = y_all[rows]
    cv_docs = [docs[i] for i in rows]
    present = np.bincount(y, minlength=len(names))
    min_count = int(present[present > 0].min())
    k = max(2, min(folds, min_count))
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    predicted = {c.key: np.full(len(y), -1) for c in candidates}
    fold_acc: dict[str, list[float]] = {c.key: [] for c in candidates}
    feature_sets = sorted({c.features for c in candidates})
    # One BLAS thread: the calibrators' tiny optimisations ran 7× slower with a thread pool on a busy machine.
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        # A label with fewer members than folds, or a slow LinearSVC convergence, is expected on small files.
        warnings.simplefilter("ignore")
        for train, test in splitter.split(np.zeros(len(y)), y):
            tr_docs = [cv_docs[i] for i in train]
            te_docs = [cv_docs[i] for i in test]
            # One vectorizer fit per kind and fold, shared by the feature sets that stack it.
            single: dict[str, tuple[sp.csr_matrix, sp.csr_matrix]] = {}
            for kind in sorted({k for fs in feature_sets for k in fs}):
                feats = _Features((kind,), hashed)
                single[kind] = (feats.fit_transform(tr_docs), feats.transform(te_docs))
            train_counts = np.bincount(y[train], minlength=len(names))
            fold_min = int(train_counts[train_counts > 0].min())
            for c in candidates:
                Xtr = sp.hstack([_weigh(k, single[k][0]) for k in c.features], format="csr")
                Xte = sp.hstack([_weigh(k, single[k][1]) for k in c.features], format="csr")
                clf = _classifier(c.classifier, fold_min, seed, len(train)).fit(Xtr, y[train])
                got = np.asarray(clf.classes_)[_class_scores(clf, Xte).argmax(axis=1)]
                predicted[c.key][test] = got
                fold_acc[c.key].append(float((got == y[test]).mean()))
    results = [
        CandidateResult(
            c,
            float((predicted[c.key] == y).mean()),
            float(f1_score(y, predicted[c.key], average="macro", labels=np.unique(y), zero_division=0)),
            fold_acc[c.key],
            predicted[c.key],
        )
        for c in candidates
    ]
    order = {c.key: i for i, c in enumerate(candidates)}
    # Rounded so that a difference of one text in a million is a tie, which goes to the earlier candidate.
    results.sort(key=lambda r: (-round(r.accuracy, 6), -round(r.macro_f1, 6), order[r.key]))
    return Selection(names, results, k, len(y), y, bool(hashed))


def _weigh(kind: str, m: sp.csr_matrix) -> sp.csr_matrix:
    return m * TITLE_WEIGHT if kind == "title" else m


class TextModel:
    """The selected candidate fitted on all rows, with what the selection measured."""

    def __init__(self, candidate: Candidate, selection: Selection | None = None):
        self.candidate = candidate
        self.selection = selection

    @classmethod
    def train(
        cls,
        docs: Sequence[str],
        labels: Sequence[str],
        *,
        folds: int = 5,
        seed: int = 0,
        large_rows: int = HASHING_ROWS,
        **kw,
    ) -> TextModel:
        selection = select(docs, labels, folds=folds, seed=seed, large_rows=large_rows, **kw)
        model = cls(selection.chosen.candidate, selection)
        return model.fit(docs, labels, seed=seed, large_rows=large_rows)

    def fit(
        self, docs: Sequence[str], labels: Sequence[str], *, seed: int = 0, large_rows: int = HASHING_ROWS
    ) -> TextModel:
        _check(docs, labels)
        docs, y = list(docs), np.asarray(labels)
        self.large = len(docs) > large_rows
        with warnings.catch_warnings(), threadpool_limits(limits=1):
            warnings.simplefilter("ignore")
            if self.large:
                self._fit_large(docs, y, seed)
            else:
                self.features = _Features(self.candidate.features, 0)
                X = self.features.fit_transform(docs)
                counts = np.unique(y, return_counts=True)[1]
                self.classifier = _classifier(self.candidate.classifier, int(counts.min()), seed, len(y)).fit(
                    X, y
                )
        # The predictions of a model trained on everything are not kept with it; only the measured figures.
        if self.selection is not None:
            for r in self.selection.results:
                r.predicted = None if r is not self.selection.chosen else r.predicted
        return self

    def _fit_large(self, docs: list[str], y: np.ndarray, seed: int) -> None:
        """Hashed features fitted chunk by chunk; SGD learns by partial_fit over shuffled chunks of all rows, a
        batch model from a stratified sample of at most MAX_FIT_ROWS rows. Memory: one chunk's matrix."""
        rng = np.random.default_rng(seed)
        classes, counts = np.unique(y, return_counts=True)
        self.features = _Features(self.candidate.features, _hashed_width(len(classes))).fit(docs)
        if self.candidate.classifier in ("sgd", "sgd_balanced"):
            # partial_fit takes no "balanced": the same weights, n / (classes × count), given explicitly.
            weights = {c: len(y) / (len(classes) * n) for c, n in zip(classes, counts, strict=True)}
            balanced = self.candidate.classifier == "sgd_balanced"
            clf = _sgd(len(docs), seed, weights if balanced else None)
            passes = min(20, max(SGD_PASSES, -(-MIN_SGD_UPDATES // len(docs))))
            for _ in range(passes):
                for rows in _chunks(rng.permutation(len(docs))):
                    clf.partial_fit(
                        self.features.transform([docs[i] for i in rows]), y[rows], classes=classes
                    )
            self.classifier = clf
            return
        rows = np.arange(len(docs))
        if len(rows) > MAX_FIT_ROWS:
            strat = y if counts.min() >= 2 else None
            rows, _ = train_test_split(rows, train_size=MAX_FIT_ROWS, stratify=strat, random_state=seed)
        X = self.features.transform([docs[i] for i in rows])
        sample_counts = np.unique(y[rows], return_counts=True)[1]
        self.classifier = _classifier(
            self.candidate.classifier, int(sample_counts.min()), seed, len(rows)
        ).fit(X, y[rows])

    def scores(self, docs: Sequence[str]) -> np.ndarray:
        return _class_scores(self.classifier, self.features.transform(list(docs)))

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.classifier.classes_]

    def predict(self, docs: Sequence[str]) -> list[tuple[str, float]]:
        if not docs:
            return []
        s = self.scores(docs)
        best = s.argmax(axis=1)
        classes = self.classes
        return [(classes[i], float(s[r, i])) for r, i in enumerate(best)]

    def save(self, path) -> None:
        with open(path, "wb") as fh:
            pickle.dump({"format": FORMAT, "model": self}, fh)

    @staticmethod
    def load(path) -> TextModel:
        # Only load models this installation wrote: pickle runs code from the file.
        try:
            with open(path, "rb") as fh:
                data = pickle.load(fh)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError):
            raise ValueError(f"{path} 不是 zhifa 文本模型") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"{path} 不是 zhifa 文本模型（请用当前版本的 router_train 重新训练）")
        return data["model"]
