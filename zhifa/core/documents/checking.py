"""Checking a plain context against its document's contract: every missing or mistyped field is named."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Literal

from zhifa.core.documents.contracts import DOCUMENTS, DocumentContext, DocumentError
from zhifa.core.documents.data import image_format


def document_build(template: str, context: Mapping | DocumentContext) -> DocumentContext:
    """The typed document for `context`, or DocumentError naming every field that is missing or wrong."""
    cls = DOCUMENTS.get(template)
    if cls is None:
        raise DocumentError(f"没有名为 {template!r} 的文书")
    errors: list[dict] = []
    doc = _build(cls, context, "", errors)
    if not errors:
        errors = [{"field": name, "message": message} for name, message in doc.check()]
    if errors:
        listed = "；".join(f"{e['field']}：{e['message']}" for e in errors)
        raise DocumentError(f"《{cls.title}》的数据有误：{listed}", errors=errors)
    return doc


def _build(cls, value, path: str, errors: list[dict]):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if not isinstance(value, cls):
            errors.append({"field": path or cls.__name__, "message": f"应为 {cls.__name__}"})
            return None
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if not isinstance(value, Mapping):
        errors.append({"field": path or cls.__name__, "message": "应为对象（字典）"})
        return None
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    for unknown in sorted(set(value) - set(fields)):
        errors.append({"field": _join(path, unknown), "message": "不是本文书的字段"})
    kwargs = {}
    for name, f in fields.items():
        where = _join(path, name)
        has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        raw = value.get(name)
        if raw is None or raw == "":
            if name in value and _optional(hints[name]):
                kwargs[name] = None
            elif not has_default:
                errors.append({"field": where, "message": "缺少必填项"})
            continue
        converted = _convert(hints[name], raw, where, errors)
        minimum = f.metadata.get("min_items", 0)
        if isinstance(converted, list) and len(converted) < minimum:
            errors.append({"field": where, "message": f"至少需要 {minimum} 项"})
        kwargs[name] = converted
    if errors:
        return None
    return cls(**kwargs)


@functools.cache
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def _optional(hint) -> bool:
    return type(None) in typing.get_args(hint)


def _convert(hint, raw, where: str, errors: list[dict]):
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        hint = args[0] if len(args) == 1 else hint
        args = list(typing.get_args(hint))
    origin = typing.get_origin(hint)

    def wrong(expected: str):
        errors.append({"field": where, "message": f"应为{expected}"})

    if origin is Literal:
        if raw not in args:
            wrong("以下之一：" + "、".join(map(str, args)))
        return raw
    if origin is list:
        if not isinstance(raw, list | tuple):
            wrong("列表")
            return []
        return [_convert(args[0], item, f"{where}[{i}]", errors) for i, item in enumerate(raw)]
    if dataclasses.is_dataclass(hint):
        return _build(hint, raw, where, errors)
    if hint is str:
        if not isinstance(raw, str):
            wrong("文字")
        return raw
    if hint is bool:
        if not isinstance(raw, bool):
            wrong("是或否（bool）")
        return raw
    if hint is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            wrong("整数")
        return raw
    if hint is Decimal:
        # Money is never a float: 0.1 + 0.2 must not reach a decision.
        if isinstance(raw, bool) or not isinstance(raw, int | Decimal | str):
            wrong("金额（Decimal、整数或数字文字）")
            return raw
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            wrong("金额")
            return raw
        if not amount.is_finite() or amount < 0:
            wrong("不小于 0 的金额")
        return amount
    if hint is dt.datetime:
        if not isinstance(raw, dt.datetime):
            wrong("日期时间")
        return raw
    if hint is dt.date:
        if not isinstance(raw, dt.date) or isinstance(raw, dt.datetime):
            wrong("日期")
        return raw
    if hint is bytes:
        if not isinstance(raw, bytes | bytearray) or image_format(bytes(raw)) is None:
            wrong("PNG 或 SVG 图像")
        return bytes(raw)
    raise TypeError(f"{where}: unsupported contract type {hint!r}")  # a contract bug, not a data error


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
