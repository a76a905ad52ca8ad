"""The shape of the public's complaints: a few delegated item categories carry most of them.

南星's 2023 plan in the reference case took the 9 categories of delegated items complained about ten times or
more in a year: 374 complaints, 88.83 % of all. The phrase table's weights say how people word each problem;
this rescales them (outside the hub, whose travel-scene mix stays its own) so the nine categories below carry
FOCUS_SHARE of the town's phrase weight, in the given proportions, and every other item shares the rest.
"""

from dataclasses import replace

# Lead item → its weight among the nine. All nine are delegated to the subdistricts.
FOCUS = {
    "ZH0101": 0.15,  # 餐饮油烟
    "ZH0015": 0.12,  # 店外经营
    "ZH0018": 0.12,  # 占用城市道路
    "ZH0108": 0.11,  # 夜间施工噪声
    "ZH0061": 0.10,  # 露天烧烤
    "XF0012": 0.10,  # 楼道停放电动车
    "ZH0118": 0.10,  # 装修噪声
    "ZH0113": 0.10,  # 社会生活噪声
    "ZH0052": 0.10,  # 乱倒生活垃圾
}
# The nine's share of the town's phrase weight. Below 88.83 %: phrases of the other items are more often a
# patrol's or a grid worker's finding than a citizen's complaint, so the nine's share among complaints is higher.
FOCUS_SHARE = 0.80


def concentrate(phrases: list) -> list:
    """The phrases with town weights rescaled to FOCUS; hub phrases and the total weight unchanged."""
    town = [p for p in phrases if not p.hub]
    total = sum(p.weight for p in town)
    by_item: dict[str, float] = {}
    for p in town:
        by_item[p.items[0]] = by_item.get(p.items[0], 0.0) + p.weight
    missing = sorted(set(FOCUS) - set(by_item))
    if missing:
        raise ValueError(f"complaint focus names items without phrases: {missing}")
    focus_sum = sum(FOCUS.values())
    rest = sum(w for code, w in by_item.items() if code not in FOCUS)
    out = []
    for p in phrases:
        if p.hub:
            out.append(p)
            continue
        lead = p.items[0]
        if lead in FOCUS:
            weight = total * FOCUS_SHARE * FOCUS[lead] / focus_sum * p.weight / by_item[lead]
        else:
            weight = total * (1 - FOCUS_SHARE) * p.weight / rest
        out.append(replace(p, weight=round(weight, 6)))
    return out
