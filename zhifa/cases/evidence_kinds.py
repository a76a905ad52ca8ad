"""The catalog's required evidence (free text such as 询问笔录, 现场照片或视频) read as the eight statutory kinds.

An entry may name its kind outright ("视听资料:现场照片或视频"); otherwise the first rule below whose word
appears in it decides, and anything else is 书证 (a document). The order matters: 询问笔录 is the party's
statement before it is a 笔录, a monitoring *report* is an expert opinion before it is a record."""

from zhifa.cases.choices import EvidenceKind

RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("证人",), EvidenceKind.WITNESS),
    (("询问笔录", "陈述", "申辩", "调查笔录"), EvidenceKind.PARTY),
    (("检查笔录", "勘验", "现场笔录", "测量记录", "现场记录", "取证记录", "核查记录"), EvidenceKind.RECORD),
    (("鉴定", "检测报告", "检验报告", "监测记录", "检定", "检测"), EvidenceKind.EXPERT),
    (("电子数据", "截图", "在线监测", "交易流水", "电子"), EvidenceKind.ELECTRONIC),
    (("照片", "视频", "录像", "录音", "影像"), EvidenceKind.AUDIOVISUAL),
    (("实物", "样品", "物品"), EvidenceKind.PHYSICAL),
)
_BY_LABEL = {label: value for value, label in EvidenceKind.choices}


def requirement_kind(text: str) -> str:
    """The statutory kind of one required-evidence entry."""
    text = (text or "").strip()
    head, sep, _ = text.partition(":")
    if sep and head.strip() in _BY_LABEL:
        return _BY_LABEL[head.strip()]
    for words, kind in RULES:
        # "物品清单" is a list on paper: a document, not the object.
        if kind == EvidenceKind.PHYSICAL and ("清单" in text or "凭证" in text):
            continue
        if any(w in text for w in words):
            return kind
    return EvidenceKind.DOCUMENT


def requirement_label(text: str) -> str:
    """The entry as shown, without a leading kind ("视听资料:现场照片" → "现场照片")."""
    head, sep, rest = (text or "").partition(":")
    return rest.strip() if sep and head.strip() in _BY_LABEL else (text or "").strip()
