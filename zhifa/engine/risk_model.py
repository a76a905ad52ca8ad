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
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from zhifa.engine.risk import COLOURS

FORMAT = "zhifa.riskmodel/1"
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
    ) -> RiskModel:
        """features: column names, each optionally suffixed ":num" or ":cat" to force its kind; by default every
        column but the target, leaving out identifier-like text columns. Blank target rows are an error."""
        if not rows:
            raise TableError("表中没有数据行")
        columns = [c for c in rows[0] if c != "_line"]
        self.target, self.notes = target, []
        if target not in columns:
            raise TableError(f"缺少目标列：{target}")
        y = self._target(rows, target, positive)
        self.features = self._choose_features(rows, columns, target, features)
        if not self.features:
            raise TableError("没有可用的特征列")
        X = self._matrix(rows)
        minority = int(min(y.sum(), len(y) - y.sum()))
        self.pipeline = self._pipeline()
        k = min(folds, minority)
        if k >= 2:
            cv = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
            auc = cross_val_score(self._pipeline(), X, y, cv=cv, scoring="roc_auc")
            self.cv_auc = (float(auc.mean()), float(auc.std()))
        else:
            self.cv_auc = (math.nan, math.nan)
            self.notes.append("正负样本太少，未做交叉验证")
        self.pipeline.fit(X, y)
        self.n_rows, self.positive_rate = len(y), float(y.mean())
        p = self.pipeline.predict_proba(X)[:, 1]
        # Thresholds at the training probabilities' quantiles, so the training table splits into the chosen mix
        # (ties at a quantile can move a few rows between colours).
        self.thresholds = (
            float(np.quantile(p, self.mix[0])),
            float(np.quantile(p, self.mix[0] + self.mix[1])),
        )
        contrib = self.contributions_matrix(X)
        spread = contrib.std(axis=0)
        order = np.argsort(-spread, kind="stable")
        self.importance = [(self.features[i].name, float(spread[i])) for i in order]
        return self

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

    def _choose_features(self, rows, columns, target, requested) -> list[Feature]:
        explicit = requested is not None
        out = []
        for spec in requested if explicit else [c for c in columns if c != target]:
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

    def _pipeline(self) -> Pipeline:
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

    # --- using ----------------------------------------------------------------------------------------------

    def contributions_matrix(self, X: np.ndarray) -> np.ndarray:
        """(n, features) log-odds contributions; row sums + intercept = the log-odds of each prediction."""
        columns: ColumnTransformer = self.pipeline.named_steps["columns"]
        coef = self.pipeline.named_steps["model"].coef_[0]
        Z = columns.transform(X)
        out = np.zeros((X.shape[0], len(self.features)))
        for j in range(len(self.features)):
            sl = columns.output_indices_[f"f{j}"]
            if sl.stop > sl.start:
                out[:, j] = np.asarray(Z[:, sl] @ coef[sl]).reshape(-1)
        return out

    def predict(self, rows: Sequence[Mapping[str, str]]) -> PredictResult:
        X = self._matrix(rows)
        p = self.pipeline.predict_proba(X)[:, 1] if len(rows) else np.zeros(0)
        t1, t2 = self.thresholds
        colour = ((p >= t1).astype(np.int8) + (p >= t2)).astype(np.int8)
        return PredictResult(p, colour, self.contributions_matrix(X) if len(rows) else np.zeros((0, 0)), self)

    def coefficients(self) -> list[tuple[str, float]]:
        """(transformed feature name, coefficient), largest magnitude first; numeric ones are per standard deviation."""
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
