"""What a template reads: dates as 2026年3月5日, amounts in figures and in words (人民币大写), images as paths."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings


def document_data(doc, *, attach: Callable[[bytes], str]) -> dict:
    """JSON for the template: dates as 2026年3月5日, amounts in figures and in words, images as file paths.

    `attach` stores image bytes where the template can read them and returns the path to use.
    """
    return {"title": doc.title, **_data(doc, attach)}


def _data(value, attach):
    if dataclasses.is_dataclass(value):
        return {f.name: _data(getattr(value, f.name), attach) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_data(v, attach) for v in value]
    if isinstance(value, Decimal):
        return {"figure": f"{_cents(value):,.2f}", "words": yuan_in_words(value)}
    if isinstance(value, dt.datetime):
        local = local_time(value)
        return {
            "date": date_text(local.date()),
            "time": f"{local.hour}时{local.minute:02d}分",
            "text": f"{date_text(local.date())}{local.hour}时{local.minute:02d}分",
        }
    if isinstance(value, dt.date):
        return date_text(value)
    if isinstance(value, bytes):
        return attach(value)
    return value


def date_text(day: dt.date) -> str:
    """2026年3月5日: Arabic numerals, no leading zeros (GB/T 9704-2012 成文日期)."""
    return f"{day.year}年{day.month}月{day.day}日"


def local_time(moment: dt.datetime) -> dt.datetime:
    zone = ZoneInfo(settings.TIME_ZONE)
    return moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)


def image_format(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:2048].lower()):
        return "svg"
    return None


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_GROUPS = ("", "万", "亿", "万亿")


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def yuan_in_words(amount: Decimal) -> str:
    """人民币大写: 5000 → 伍仟元整, 10050.5 → 壹万零伍拾元伍角整, 1.05 → 壹元零伍分."""
    cents = int(_cents(amount) * 100)
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    words = _integer_words(yuan) + "元" if yuan else ""
    if not jiao and not fen:
        return (words or "零元") + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    return words + (_DIGITS[fen] + "分" if fen else "整")


def _integer_words(number: int) -> str:
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    words, gap = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if not group:
            gap = True
            continue
        if words and (gap or group < 1000):
            words += "零"
        words += _group_words(group) + _GROUPS[index]
        gap = False
    return words


def _group_words(group: int) -> str:
    words, zero = "", False
    for place, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        digit = group // place % 10
        if not digit:
            zero = bool(words)
            continue
        if zero:
            words += "零"
            zero = False
        words += _DIGITS[digit] + unit
    return words
