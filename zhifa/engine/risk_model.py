"""Risk weights learned from outcomes: regularised logistic regression on any table of past inspections.

Works on plain rows (dicts of strings, as csv.DictReader gives), so a city's own outcome table can be used
unchanged — e.g. Chicago's food inspections with `--target Results --positive Fail --features "Facility
Type,Risk,Inspection Type,Zip:cat"`. Numeric columns are median-imputed and standardised, categorical ones
one-hot encoded (rare values pooled); each prediction splits its log-odds into per-column contributions
(coefficient × transformed value, summed over the columns one original column became), so it explains itself.
"""

from __future__ import annotations

import csv
import io
import math
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, TimeSeriesSplit, cross_val_predict
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from zhifa.engine import risk_history
from zhifa.engine.risk import COLOURS

FORMAT = "zhifa.riskmodel/2"
KINDS = {"lr": "正则化逻辑回归", "hgb": "梯度提升树（HistGradientBoosting）"}
# Gradient boosting must beat the logistic regression by this much cross-validated AUC to be chosen: a model
# whose reasons are coefficients is worth keeping unless the other earns its place.
HGB_MARGIN = 0.005
HOLDOUT = 0.2  # the latest (or a random) fifth of the rows, for the capture report
BLANK = "（空）"
POSITIVE_WORDS = ("1", "1.0", "true", "yes", "y", "是", "有", "违法", "不合格", "fail", "failed")
NUMERIC_SHARE = 0.9  # a column is numeric when this share of its non-blank values are numbers
ID_SHARE = 0.5  # an inferred categorical column with more distinct values than this share is an identifier


class TableError(ValueError):
    """A problem with the input table, in words for the person who made it (row numbers count the header as 1)."""


def read_table(path: str | Path) -> tuple[list[str], list[dict[str, str]]]:
    """A CSV file as (header, rows): UTF-8 with or without BOM, or GB18030 (Excel on Chinese Windows)."""
    try:
        content = Path(path).read_bytes()
    except FileNotFoundError:
        raise TableError(f"找不到文件 {path}") from None
    except OSError as exc:
        raise TableError(f"无法读取文件 {path}：{exc.strerror}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError(f"{path} 的编码无法识别，请以 UTF-8 或 GB18030 保存")
    try:
        records = [r for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise TableError(f"{path} 不是合法的 CSV：{exc}") from None
    numbered = [(i, r) for i, r in enumerate(records, start=1) if any(cell.strip() for cell in r)]
    if not numbered:
        raise TableError(f"{path} 是空文件：第 1 行应为表头")
    (_, header), body = numbered[0], numbered[1:]
    header = [h.strip() for h in header]
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes or "" in header:
        raise TableError(f"表头有重复或空白的列名：{'、'.join(dupes) or '（空白）'}")
    if not body:
        raise TableError(f"{path} 没有数据：第 1 行为表头，第 2 行起每行一条记录")
    rows = []
    for line, record in body:
        if len(record) != len(header):
            raise TableError(f"第 {line} 行有 {len(record)} 列，表头有 {len(header)} 列")
        rows.append({"_line": line, **{h: v.strip() for h, v in zip(header, record, strict=True)}})
    return header, rows


def _line(row: Mapping, index: int) -> int:
    return int(row.get("_line", index + 2))


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", "")) if text else math.nan
    except ValueError:
        return None
    return value if math.isfinite(value) or math.isnan(value) else None


def _as_float(x):
    return np.asarray(x, dtype=float)


@dataclass(frozen=True)
class Feature:
    name: str
    kind: str  # "num" or "cat"


class RiskModel:
    """Outcome table → P(violation found), with thresholds for green / yellow / red and per-column reasons."""

    def __init__(self, C: float = 1.0, mix: Sequence[float] = (0.7, 0.2, 0.1)):
        if len(mix) != 3 or any(m < 0 for m in mix) or not math.isclose(sum(mix), 1.0, abs_tol=1e-6):
            raise ValueError("颜色比例应为三个非负数且合计为 1（绿、黄、红）")
        self.C = C
        self.mix = tuple(float(m) for m in mix)
        self.features: list[Feature] = []
        self.notes: list[str] = []

    # --- fitting ---------------------------------------------------------------------------------------------

    def fit(
        self,
        rows: Sequence[Mapping[str, str]],
        target: str,
        features: Sequence[str] | None = None,
        *,
        positive: str | None = None,
        folds: int = 5,
        seed: int = 0,
        kind: str = "auto",
        date: str | None = None,
        subject: str | None = None,
        licence: str | None = None,
    ) -> RiskModel:
        """features: column names, each optionally suffixed ":num" or ":cat" to force its kind; by default every
        column but the target, leaving out identifier-like text columns. Blank target rows are an error.

        kind: "lr", "hgb" or "auto" (chosen by cross-validated AUC). With a date column the validation is in time
        order (train on earlier rows, test on later ones) and, with a subject column, each row gains its subject's
        earlier inspections as features; a licence-date column adds the licence's age."""
        if not rows:
            raise TableError("表中没有数据行")
        if kind not in ("auto", *KINDS):
            raise TableError(f"模型类型只能是 auto、lr 或 hgb，实际为 {kind}")
        columns = [c for c in rows[0] if c != "_line"]
        self.target, self.notes = target, []
        if target not in columns:
            raise TableError(f"缺少目标列：{target}")
        for role, col in (("日期", date), ("主体", subject), ("开业日期", licence)):
            if col is not None and col not in columns:
                raise TableError(f"缺少{role}列：{col}")
        if (subject or licence) and not date:
            raise TableError("按主体历史或开业时间构造特征需要同时给出日期列（--date）")
        self.date_col, self.subject_col, self.licence_col = date, subject, licence
        y = self._target(rows, target, positive)
        order = list(range(len(rows)))
        engineered: list[str] = []
        if date:
            self.history = risk_history.History()
            rows, order = risk_history.engineer(
                rows,
                date_col=date,
                subject_col=subject,
                licence_col=licence,
                outcomes=y,
                history=self.history,
                error=TableError,
            )
            engineered = risk_history.engineered_names(subject, licence)
        special = {date, subject, licence} - {None}
        explicit = features is not None
        if features is None:
            features = [c for c in columns if c != target and c not in special]
        else:
            clash = [f for f in features if f.strip().partition(":")[0].strip() in special]
            if clash:
                raise TableError(f"日期、主体、开业日期列不直接作为特征：{'、'.join(clash)}")
        self.features = self._choose_features(
            rows,
            columns + engineered,
            target,
            [*features, *(f"{n}:num" for n in engineered)],
            explicit=explicit,
        )
        if not self.features:
            raise TableError("没有可用的特征列")
        X = self._matrix(rows)[order]
        y = y[order]
        self.n_rows, self.positive_rate = len(y), float(y.mean())
        with threadpool_limits(limits=1):
            self._select(X, y, kind, folds, seed, by_time=bool(date))
        p = self.predict_matrix(X)
        # Thresholds at the training probabilities' quantiles, so the training table splits into the chosen mix
        # (ties at a quantile can move a few rows between colours).
        self.thresholds = (
            float(np.quantile(p, self.mix[0])),
            float(np.quantile(p, self.mix[0] + self.mix[1])),
        )
        sample = X if len(X) <= 5000 else X[np.random.default_rng(seed).choice(len(X), 5000, replace=False)]
        spread = self.contributions_matrix(sample).std(axis=0)
        order_ = np.argsort(-spread, kind="stable")
        self.importance = [(self.features[i].name, float(spread[i])) for i in order_]
        return self

    def _select(self, X: np.ndarray, y: np.ndarray, kind: str, folds: int, seed: int, by_time: bool) -> None:
        """Cross-validated AUC of each candidate, a held-out capture report, the chosen model fitted on all rows
        and calibrated. Rows are in date order when by_time."""
        minority = int(min(y.sum(), len(y) - y.sum()))
        kinds = list(KINDS) if kind == "auto" else [kind]
        k = min(folds, minority)
        self.validation = "按时间顺序（先训练较早的，再检验较晚的）" if by_time else "分层随机"
        self.candidates: list[dict] = []
        for name in kinds:
            aucs = []
            if k >= 2:
                splitter = (
                    TimeSeriesSplit(n_splits=k)
                    if by_time
                    else StratifiedKFold(k, shuffle=True, random_state=seed)
                )
                for train, test in splitter.split(X, y):
                    if len(set(y[train])) < 2 or len(set(y[test])) < 2:
                        continue
                    fitted = self._pipeline(name).fit(X[train], y[train])
                    aucs.append(roc_auc_score(y[test], fitted.predict_proba(X[test])[:, 1]))
            self.candidates.append(
                {
                    "kind": name,
                    "label": KINDS[name],
                    "cv_auc": float(np.mean(aucs)) if aucs else math.nan,
                    "cv_sd": float(np.std(aucs)) if aucs else math.nan,
                }
            )
        if k < 2:
            self.notes.append("正负样本太少，未做交叉验证")
        self.kind = kinds[0]
        if len(self.candidates) == 2:
            lr, hgb = self.candidates
            if hgb["cv_auc"] > lr["cv_auc"] + HGB_MARGIN:
                self.kind = "hgb"
        best = next(c for c in self.candidates if c["kind"] == self.kind)
        self.cv_auc = (best["cv_auc"], best["cv_sd"])
        self._holdout_report(X, y, seed, by_time)
        self.pipeline = self._pipeline(self.kind).fit(X, y)
        # Calibrated probabilities: Platt's sigmoid fitted on out-of-fold log-odds of the chosen model, applied to
        # the model fitted on all rows — a monotone map, so the ranking (and the reasons) stay the model's own.
        cal_folds = min(3, minority)
        if cal_folds >= 2:
            oof = cross_val_predict(
                self._pipeline(self.kind),
                X,
                y,
                cv=StratifiedKFold(cal_folds, shuffle=True, random_state=seed),
                method="decision_function",
            )
            self.calibrator = LogisticRegression(C=1e6).fit(oof.reshape(-1, 1), y)
            self.calibration = "Platt（sigmoid，用交叉验证外的预测拟合）"
        else:
            self.calibrator, self.calibration = None, "未校准（样本太少）"

    def _holdout_report(self, X: np.ndarray, y: np.ndarray, seed: int, by_time: bool) -> None:
        """Each candidate trained on the first 80 % (in date order when by_time) and ranked on the rest: AUC and
        the share of violations found in the top 10 % and top 50 %, beside inspecting the rest in date order."""
        n_test = int(round(HOLDOUT * len(y)))
        self.report: dict | None = None
        if n_test < 20:
            return
        if by_time:
            cut = len(y) - n_test
            train, test = np.arange(cut), np.arange(cut, len(y))
        else:
            idx = np.random.default_rng(seed).permutation(len(y))
            train, test = np.sort(idx[n_test:]), np.sort(idx[:n_test])
        if len(set(y[train])) < 2 or len(set(y[test])) < 2:
            return
        yt = y[test]
        self.report = {
            "rows": len(test),
            "positives": int(yt.sum()),
            "baseline": (
                capture(np.arange(len(yt))[::-1].astype(float), yt, 0.1),
                capture(np.arange(len(yt))[::-1].astype(float), yt, 0.5),
            ),
        }
        for c in self.candidates:
            p = self._pipeline(c["kind"]).fit(X[train], y[train]).predict_proba(X[test])[:, 1]
            c["holdout_auc"] = float(roc_auc_score(yt, p))
            c["top10"], c["top50"] = capture(p, yt, 0.1), capture(p, yt, 0.5)

    def _target(self, rows, target: str, positive: str | None) -> np.ndarray:
        values = [str(r.get(target, "")).strip() for r in rows]
        blank = [i for i, v in enumerate(values) if not v]
        if blank:
            raise TableError(f"第 {_line(rows[blank[0]], blank[0])} 行的目标列 {target} 为空")
        distinct = sorted(set(values))
        if len(distinct) == 1:
            raise TableError(f"目标列 {target} 只有一种结果（{distinct[0]}），无法训练")
        if positive is not None:
            if positive not in distinct:
                raise TableError(
                    f"目标列 {target} 中没有取值 {positive}；现有取值：{'、'.join(distinct[:10])}"
                )
            self.positive = positive
        elif len(distinct) != 2:
            shown = "、".join(distinct[:10]) + ("……" if len(distinct) > 10 else "")
            raise TableError(
                f"目标列 {target} 应为二值（如 0/1、是/否），实际有 {len(distinct)} 种取值：{shown}；"
                "可用 --positive 指定哪个取值算“发现问题”"
            )
        else:
            known = [v for v in distinct if v.lower() in POSITIVE_WORDS]
            if len(known) != 1:
                raise TableError(
                    f"无法判断目标列 {target} 的哪个取值算“发现问题”（{'/'.join(distinct)}），请用 --positive 指定"
                )
            self.positive = known[0]
        return np.array([v == self.positive for v in values], dtype=np.int8)

    def _choose_features(self, rows, columns, target, requested, *, explicit: bool) -> list[Feature]:
        out = []
        for spec in requested:
            name, _, kind = spec.strip().partition(":")
            name, kind = name.strip(), kind.strip().lower()
            if kind not in ("", "num", "cat"):
                raise TableError(f"特征 {spec} 的类型只能是 :num 或 :cat")
            if name not in columns:
                raise TableError(f"缺少列：{name}")
            if name == target:
                raise TableError(f"目标列 {target} 不能同时作为特征")
            values = [r[name] for r in rows]
            filled = [v for v in values if v]
            if not kind:
                numbers = sum(_number(v) is not None for v in filled)
                kind = "num" if filled and numbers >= NUMERIC_SHARE * len(filled) else "cat"
                if kind == "cat" and not explicit and len(set(filled)) > ID_SHARE * len(rows):
                    self.notes.append(f"列 {name} 取值几乎各不相同（编号或名称），未作为特征")
                    continue
            if kind == "num":
                for i, v in enumerate(values):
                    if _number(v) is None:
                        raise TableError(f"第 {_line(rows[i], i)} 行 {name} 列的值“{v}”不是数字")
                if not filled:
                    raise TableError(f"数值列 {name} 全部为空")
            out.append(Feature(name, kind))
        return out

    def _matrix(self, rows) -> np.ndarray:
        X = np.empty((len(rows), len(self.features)), dtype=object)
        for j, f in enumerate(self.features):
            if f.kind == "num":
                for i, r in enumerate(rows):
                    if f.name not in r:
                        raise TableError(f"缺少列：{f.name}")
                    value = _number(str(r[f.name]).strip())
                    if value is None:
                        raise TableError(f"第 {_line(r, i)} 行 {f.name} 列的值“{r[f.name]}”不是数字")
                    X[i, j] = value
            else:
                for i, r in enumerate(rows):
                    if f.name not in r:
                        raise TableError(f"缺少列：{f.name}")
                    X[i, j] = str(r[f.name]).strip() or BLANK
        return X

    def _pipeline(self, kind: str = "lr") -> Pipeline:
        if kind == "hgb":
            return self._hgb_pipeline()
        parts = []
        for j, f in enumerate(self.features):
            if f.kind == "num":
                step = Pipeline(
                    [
                        ("float", FunctionTransformer(_as_float)),
                        ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
                        ("scale", StandardScaler()),
                    ]
                )
            else:
                step = OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5)
            parts.append((f"f{j}", step, [j]))
        return Pipeline(
            [
                ("columns", ColumnTransformer(parts, sparse_threshold=0.3)),
                ("model", LogisticRegression(C=self.C, max_iter=2000)),
            ]
        )

    def _hgb_pipeline(self) -> Pipeline:
        # Trees need no scaling; categories are ordinal codes the booster splits on natively, missing as NaN.
        parts, cats = [], []
        for j, f in enumerate(self.features):
            if f.kind == "num":
                parts.append((f"f{j}", FunctionTransformer(_as_float), [j]))
                cats.append(False)
            else:
                enc = OrdinalEncoder(
                    handle_unknown="use_encoded_value",
                    unknown_value=np.nan,
                    min_frequency=5,
                    max_categories=200,
                )
                parts.append((f"f{j}", enc, [j]))
                cats.append(True)
        return Pipeline(
            [
                ("columns", ColumnTransformer(parts)),
                (
                    "model",
                    HistGradientBoostingClassifier(
                        learning_rate=0.1,
                        max_iter=120,
                        max_leaf_nodes=15,
                        min_samples_leaf=40,
                        l2_regularization=1.0,
                        categorical_features=np.array(cats, dtype=bool),
                        early_stopping=False,
                        random_state=0,
                    ),
                ),
            ]
        )

    # --- using ----------------------------------------------------------------------------------------------

    def predict_matrix(self, X: np.ndarray) -> np.ndarray:
        """Calibrated probability of finding a violation for each row of a feature matrix."""
        if self.calibrator is None:
            return self.pipeline.predict_proba(X)[:, 1]
        return self.calibrator.predict_proba(self.pipeline.decision_function(X).reshape(-1, 1))[:, 1]

    def contributions_matrix(self, X: np.ndarray) -> np.ndarray:
        """(n, features) log-odds contributions. Logistic regression: coefficient × value, the row sums plus the
        intercept are the log-odds. Boosting: how far the log-odds fall when the column is set to its typical
        value (median or most frequent) — one readable number per column, not an exact decomposition."""
        if self.kind == "hgb":
            return self._occlusion(X)
        columns: ColumnTransformer = self.pipeline.named_steps["columns"]
        coef = self.pipeline.named_steps["model"].coef_[0]
        Z = columns.transform(X)
        out = np.zeros((X.shape[0], len(self.features)))
        for j in range(len(self.features)):
            sl = columns.output_indices_[f"f{j}"]
            if sl.stop > sl.start:
                out[:, j] = np.asarray(Z[:, sl] @ coef[sl]).reshape(-1)
        return out

    def _occlusion(self, X: np.ndarray) -> np.ndarray:
        if not hasattr(self, "typical"):
            self.typical = []
            for j, f in enumerate(self.features):
                col = X[:, j]
                if f.kind == "num":
                    vals = np.asarray(col, dtype=float)
                    self.typical.append(float(np.nanmedian(vals)) if np.isfinite(vals).any() else math.nan)
                else:
                    values, counts = np.unique(col.astype(str), return_counts=True)
                    self.typical.append(str(values[counts.argmax()]))
        base = self.pipeline.decision_function(X)
        out = np.zeros((X.shape[0], len(self.features)))
        for j in range(len(self.features)):
            changed = X.copy()
            changed[:, j] = self.typical[j]
            out[:, j] = base - self.pipeline.decision_function(changed)
        return out

    def predict(self, rows: Sequence[Mapping[str, str]]) -> PredictResult:
        if self.date_col and rows:
            missing = [
                c for c in (self.date_col, self.subject_col, self.licence_col) if c and c not in rows[0]
            ]
            if missing:
                raise TableError(f"缺少列：{'、'.join(missing)}（模型按它们计算历史特征）")
            rows, _ = risk_history.engineer(
                rows,
                date_col=self.date_col,
                subject_col=self.subject_col,
                licence_col=self.licence_col,
                outcomes=None,
                history=self.history,
                error=TableError,
            )
        X = self._matrix(rows)
        p = self.predict_matrix(X) if len(rows) else np.zeros(0)
        t1, t2 = self.thresholds
        colour = ((p >= t1).astype(np.int8) + (p >= t2)).astype(np.int8)
        return PredictResult(p, colour, self.contributions_matrix(X) if len(rows) else np.zeros((0, 0)), self)

    def coefficients(self) -> list[tuple[str, float]]:
        """(transformed feature name, coefficient), largest magnitude first; numeric ones are per standard deviation.
        Empty for gradient boosting, which has no coefficients."""
        if self.kind != "lr":
            return []
        columns: ColumnTransformer = self.pipeline.named_steps["columns"]
        coef = self.pipeline.named_steps["model"].coef_[0]
        names: list[str] = [""] * len(coef)
        for j, f in enumerate(self.features):
            sl = columns.output_indices_[f"f{j}"]
            if f.kind == "num":
                names[sl.start] = f"{f.name}（每增加一个标准差）"
                continue
            encoder = columns.named_transformers_[f"f{j}"]
            for k, out in enumerate(encoder.get_feature_names_out([f.name])):
                label = out[len(f.name) + 1 :]
                names[sl.start + k] = (
                    f"{f.name}={'其他（少见取值）' if label == 'infrequent_sklearn' else label}"
                )
        order = np.argsort(-np.abs(coef), kind="stable")
        return [(names[i], float(coef[i])) for i in order]

    def save(self, path) -> None:
        with open(path, "wb") as fh:
            pickle.dump({"format": FORMAT, "model": self}, fh)

    @staticmethod
    def load(path) -> RiskModel:
        # Only load models this installation wrote: pickle runs code from the file.
        try:
            with open(path, "rb") as fh:
                data = pickle.load(fh)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError):
            raise ValueError(f"{path} 不是 zhifa 风险模型") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"{path} 不是 zhifa 风险模型")
        return data["model"]


def capture(scores: np.ndarray, y: np.ndarray, share: float) -> float:
    """Share of all positives found by inspecting the `share` of rows with the highest scores first."""
    k = max(1, math.ceil(share * len(y)))
    top = np.argsort(-scores, kind="stable")[:k]
    return float(y[top].sum() / y.sum()) if y.sum() else math.nan


@dataclass
class PredictResult:
    probability: np.ndarray
    colour: np.ndarray  # int8 index into COLOURS
    contributions: np.ndarray  # (n, features)
    model: RiskModel

    @property
    def score(self) -> np.ndarray:
        """0–100: the probability of finding a violation, in percent."""
        return 100 * self.probability

    def colours(self) -> list[str]:
        return [COLOURS[c] for c in self.colour]

    def reasons(self, i: int, n: int = 3) -> list[tuple[str, float]]:
        """The columns that raised subject i's risk most, with their log-odds contributions."""
        row = self.contributions[i]
        order = np.argsort(-row, kind="stable")
        return [(self.model.features[j].name, float(row[j])) for j in order[:n] if row[j] > 0]
