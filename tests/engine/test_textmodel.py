"""router_train's model selection: candidates cross-validated on the same folds, never below the baseline."""

import pickle

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfTransformer

from zhifa.engine import textmodel
from zhifa.engine.text_synthetic import messages
from zhifa.engine.textmodel import BASELINE, CANDIDATES, LARGE_CANDIDATES, TextModel, document, select


@pytest.fixture(scope="module")
def synthetic():
    rows = messages(seed=7)
    return [document(t, b) for t, b, _ in rows], [b for _, b, _ in rows], [lb for *_, lb in rows]


def test_selected_model_is_never_below_the_char_svm_baseline(synthetic):
    with_titles, bodies, labels = synthetic
    for docs in (with_titles, bodies):
        sel = select(docs, labels, folds=5)
        keys = [r.key for r in sel.results]
        assert BASELINE in keys and len(keys) == len(set(keys))
        assert sel.folds == 5 and sel.cv_rows == len(labels) == 230
        assert sel.chosen.accuracy >= sel.baseline.accuracy
        # Out-of-fold predictions cover every row, and the accuracy printed is theirs.
        assert (sel.chosen.predicted >= 0).all()
        assert sel.chosen.accuracy == pytest.approx(float((sel.chosen.predicted == sel.truth).mean()))
        assert sel.runner_up is not None and sel.runner_up.accuracy <= sel.chosen.accuracy
        cm = sel.confusion()
        assert (
            cm.shape == (7, 7)
            and cm.sum() == 230
            and np.trace(cm) / 230 == pytest.approx(sel.chosen.accuracy)
        )
    # Title candidates only when there is a title.
    assert "title_union_svm" not in keys


def test_baseline_wins_a_tie():
    # Two labels that every candidate separates perfectly: all tie at 1.0, and the baseline is kept.
    docs = [f"{p}油烟扰民" for p in "东西南北中前"] * 2 + [f"{p}拖欠工资" for p in "东西南北中前"] * 2
    labels = ["环境保护"] * 12 + ["劳动和社会保障"] * 12
    sel = select(docs, labels, folds=3)
    assert sel.chosen.accuracy == 1.0
    assert sel.chosen.key == BASELINE


def test_candidate_list_must_hold_the_baseline():
    with pytest.raises(ValueError, match="baseline"):
        select(["甲", "乙", "甲", "乙"], ["a", "b", "a", "b"], candidates=[CANDIDATES[2]])


def test_train_save_load_predict(tmp_path, synthetic):
    with_titles, _, labels = synthetic
    model = TextModel.train(with_titles[:150], labels[:150], folds=3)
    path = tmp_path / "m.pkl"
    model.save(path)
    loaded = TextModel.load(path)
    got = loaded.predict([document("关于某某路7号公司拖欠工资的问题", "老板拖欠工资三个月，不签劳动合同")])
    assert got[0][0] == "劳动和社会保障" and 0 < got[0][1] <= 1
    assert loaded.predict([]) == []
    assert set(loaded.classes) == set(labels[:150])
    # Held-out rows: the model learnt something real (7 labels, chance is about 0.26).
    pred = [p for p, _ in loaded.predict(with_titles[150:])]
    assert np.mean([p == t for p, t in zip(pred, labels[150:], strict=True)]) > 0.75


def test_bad_inputs(tmp_path):
    with pytest.raises(ValueError, match="至少需要两种不同的标签"):
        TextModel.train(["甲", "乙"], ["x", "x"])
    with pytest.raises(ValueError, match="differ in length"):
        select(["甲"], ["x", "y"])
    bad = tmp_path / "bad.pkl"
    bad.write_bytes(pickle.dumps({"format": "zhifa.textmodel/1"}))
    with pytest.raises(ValueError, match="不是 zhifa 文本模型"):
        TextModel.load(bad)
    junk = tmp_path / "junk.pkl"
    junk.write_bytes(b"not a pickle")
    with pytest.raises(ValueError, match="不是 zhifa 文本模型"):
        TextModel.load(junk)


def test_large_data_path_past_the_threshold_is_never_below_the_baseline(synthetic, monkeypatch, tmp_path):
    # The fixed synthetic set with the threshold set under its size: hashed features, SGD candidates beside the
    # baseline, cross-validation on a stratified sample, a chunked fit — and still never below the baseline.
    with_titles, _, labels = synthetic
    sel = select(with_titles, labels, folds=5, large_rows=100, max_cv_rows=200)
    assert sel.large and sel.cv_rows == 200
    assert [r.key for r in sorted(sel.results, key=lambda r: r.key)] == sorted(
        c.key for c in LARGE_CANDIDATES
    )
    assert sel.chosen.accuracy >= sel.baseline.accuracy > 0.5
    assert not select(with_titles, labels, folds=5).large  # 230 rows: the ordinary path
    # Weights stay bounded: fewer hashed features when labels are many.
    assert textmodel._hashed_width(7) == 2**19 and textmodel._hashed_width(400) == 2**16
    # The chosen model fitted through the large path (chunks of 50 rows) predicts held-out rows as well as CV said.
    monkeypatch.setattr(textmodel, "CHUNK_ROWS", 50)
    for candidate in (sel.chosen.candidate, LARGE_CANDIDATES[0], LARGE_CANDIDATES[1]):
        model = TextModel(candidate).fit(with_titles[:180], labels[:180], large_rows=100)
        assert model.large
        pred = [p for p, _ in model.predict(with_titles[180:])]
        assert np.mean([p == t for p, t in zip(pred, labels[180:], strict=True)]) > 0.75, candidate.key
    model.save(tmp_path / "large.pkl")
    assert TextModel.load(tmp_path / "large.pkl").predict(with_titles[180:]) == model.predict(
        with_titles[180:]
    )


def test_hashed_tfidf_fitted_by_chunks_equals_fitted_at_once(synthetic, monkeypatch):
    docs = synthetic[0]
    whole = textmodel._HashedTfidf(2**18, analyzer="char", ngram_range=(1, 3), preprocessor=textmodel._flat)
    X = whole.fit_transform(docs)
    chunked = textmodel._HashedTfidf(2**18, analyzer="char", ngram_range=(1, 3), preprocessor=textmodel._flat)
    monkeypatch.setattr(textmodel, "CHUNK_ROWS", 37)
    chunked.fit(docs)
    assert np.array_equal(whole.idf, chunked.idf)
    assert abs(chunked.transform(docs) - X).max() < 1e-6
    # sklearn's own TF-IDF weighting of the same hashed counts.
    ref = TfidfTransformer(sublinear_tf=True).fit_transform(whole.hasher.transform(docs))
    assert abs(ref - X).max() < 1e-5
