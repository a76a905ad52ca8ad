"""Catalog at district scale: import + apply a 2,000-item release, then time 300 searches (first page + count).

Runs on a temporary SQLite file by default, or on DATABASE_URL (a PostgreSQL database whose name contains
'bench'; it is emptied first)."""

import csv
import io
import random
import statistics
import time

from _benchdb import setup_bench_database

ITEMS = 2000
QUERIES = 300
SEED = 7

# (code, name, prefix, law, [(subject, violation, keywords)]) — real kinds of items, varied synthetically.
DOMAINS = [
    (
        "comprehensive",
        "综合执法",
        "ZH",
        "《城市市容和环境卫生管理条例》",
        [
            ("餐饮服务业经营者", "超过排放标准排放油烟", "油烟|油烟扰民|排烟"),
            ("单位和个人", "擅自占用城市道路从事经营活动", "占道经营|摆摊|流动摊贩"),
            ("运输单位", "随意倾倒、抛撒建筑垃圾", "建筑垃圾|渣土|抛撒"),
            ("单位和个人", "擅自设置户外广告设施", "户外广告|广告牌|店招"),
            ("施工单位", "夜间施工产生噪声污染", "噪声|夜间施工|扰民"),
        ],
    ),
    (
        "market",
        "市场监管",
        "SJ",
        "《中华人民共和国食品安全法》",
        [
            ("食品经营者", "未取得食品经营许可从事食品经营活动", "无证经营|无证小吃|食品许可"),
            ("食品经营者", "经营超过保质期的食品", "过期食品|保质期"),
            ("经营者", "不按规定明码标价", "明码标价|价格欺诈"),
            ("网络交易经营者", "未公示营业执照信息", "电商|网店|亮照"),
        ],
    ),
    (
        "culture",
        "文化市场",
        "WH",
        "《互联网上网服务营业场所管理条例》",
        [
            ("互联网上网服务营业场所经营单位", "接纳未成年人进入营业场所", "网吧|未成年人"),
            ("娱乐场所", "超过核定人数接纳消费者", "娱乐场所|歌舞厅|超员"),
        ],
    ),
    (
        "emergency",
        "应急管理",
        "YJ",
        "《中华人民共和国安全生产法》",
        [
            ("生产经营单位", "未按规定开展安全生产教育和培训", "安全培训|安全生产"),
            ("生产经营单位", "未建立事故隐患排查治理制度", "隐患排查|安全隐患"),
        ],
    ),
    (
        "natural_resources",
        "自然资源",
        "ZR",
        "《中华人民共和国土地管理法》",
        [
            ("单位和个人", "未经批准非法占用土地", "违法占地|土地"),
            ("单位和个人", "擅自改变土地用途", "土地用途"),
        ],
    ),
    (
        "health",
        "卫生健康",
        "WJ",
        "《公共场所卫生管理条例》",
        [
            ("公共场所经营者", "未取得卫生许可证擅自营业", "卫生许可|公共场所"),
            ("控烟场所经营者", "未在禁止吸烟场所设置禁烟标识", "控烟|吸烟|禁烟标识"),
        ],
    ),
    (
        "fire",
        "消防",
        "XF",
        "《中华人民共和国消防法》",
        [
            ("单位", "占用、堵塞、封闭疏散通道、安全出口", "消防通道|安全出口|堵塞"),
            ("个人", "在居民楼道内为电动自行车充电", "电动自行车|飞线充电|楼道"),
        ],
    ),
    (
        "transport",
        "交通运输",
        "JT",
        "《巡游出租汽车经营服务管理规定》",
        [
            ("出租汽车驾驶员", "拒载、议价、绕道行驶", "出租车|拒载|绕路"),
            ("单位和个人", "未取得道路运输经营许可擅自从事经营", "非法营运|黑车"),
        ],
    ),
    (
        "ecology",
        "生态环境",
        "ST",
        "《中华人民共和国水污染防治法》",
        [
            ("排污单位", "通过暗管、渗井等逃避监管的方式排放水污染物", "偷排|暗管|水污染"),
            ("单位和个人", "露天焚烧秸秆、落叶等产生烟尘污染的物质", "露天焚烧|烟尘"),
        ],
    ),
]
PLACES = [
    "",
    "（在商业街区）",
    "（在居民小区）",
    "（在交通枢纽）",
    "（在景区）",
    "（在学校周边）",
    "（在农贸市场）",
]
ARTICLES = [
    "第十二条",
    "第二十七条",
    "第三十五条",
    "第四十二条",
    "第五十六条",
    "第八十一条",
    "第一百一十八条",
]
HEADERS = [
    "code",
    "name",
    "domain",
    "kind",
    "legal_basis",
    "penalty_basis",
    "delegated",
    "delegated_from",
    "keywords",
    "required_evidence",
    "high_frequency",
    "scenes",
]


def build_csv(rng: random.Random) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS)
    per_domain = ITEMS // len(DOMAINS) + 1
    n = 0
    for code, _name, prefix, law, templates in DOMAINS:
        for i in range(per_domain):
            if n == ITEMS:
                break
            subject, violation, keywords = templates[i % len(templates)]
            place = PLACES[(i // len(templates)) % len(PLACES)]
            variant = i // (len(templates) * len(PLACES))
            suffix = f"（情形{variant + 1}）" if variant else ""
            delegated = rng.random() < 0.3
            writer.writerow(
                [
                    f"{prefix}{i + 1:04d}",
                    f"对{subject}{violation}{place}{suffix}的行政处罚",
                    code,
                    rng.choice(["行政处罚"] * 8 + ["行政强制", "行政检查"]),
                    f"{law}{rng.choice(ARTICLES)}",
                    f"{law}{rng.choice(ARTICLES)}",
                    "是" if delegated else "否",
                    "2022-06-01" if delegated else "",
                    keywords,
                    "现场检查笔录|现场照片|询问笔录",
                    "是" if rng.random() < 0.02 else "否",
                    rng.choice(["", "", "吃", "住", "行", "游", "购", "娱", "吃|购"]),
                ]
            )
            n += 1
    return out.getvalue().encode()


def queries(rng: random.Random) -> list[dict]:
    texts = [
        "油烟",
        "占道 经营",
        "《中华人民共和国食品安全法》",
        "建筑垃圾",
        "消防通道",
        "电动自行车 楼道",
        "网吧 未成年人",
        "明码标价",
        "露天焚烧",
        "第八十一条",
        "噪声",
        "无证",
        "ZH0001",
        "sj0100",
        "XF0042",
        "出租车 拒载",
        "安全生产法 培训",
        "不存在的事项",
    ]
    filters = [
        {},
        {},
        {"delegated": True},
        {"domain": "comprehensive"},
        {"domain": "market", "delegated": False},
        {"high_frequency": True},
        {"scene": "吃"},
        {"kind": "行政处罚"},
    ]
    return [{"q": rng.choice(texts), **rng.choice(filters)} for _ in range(QUERIES)]


def main() -> None:
    vendor = setup_bench_database("catalog")

    from zhifa.accounts.services import user_create
    from zhifa.catalog.selectors import item_search
    from zhifa.catalog.services import release_apply, release_import
    from zhifa.org.services import domain_create

    rng = random.Random(SEED)
    for sort, (code, name, *_rest) in enumerate(DOMAINS, start=1):
        domain_create(code=code, name=name, is_core=sort <= 6, sort=sort)
    user = user_create(username="bench", password="bench-password-123", role="officer")
    content = build_csv(rng)

    started = time.perf_counter()
    release = release_import(content=content, filename="bench.csv", version="bench-1", by="bench")
    imported = time.perf_counter()
    release_apply(release=release, by="bench")
    applied = time.perf_counter()
    print(
        f"catalog import ({vendor}): {(imported - started) * 1000:.0f} ms parse+diff, "
        f"{(applied - imported) * 1000:.0f} ms apply ({release.summary['added']} items, {len(content) // 1024} KB csv)"
    )

    timings, hits = [], 0
    for params in queries(rng):
        t0 = time.perf_counter()
        qs = item_search(user=user, **params)
        page = list(qs[:50])
        total = qs.count()
        timings.append((time.perf_counter() - t0) * 1000)
        hits += bool(page) and total > 0
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"catalog search p50: {p50:.1f} ms, p95: {p95:.1f} ms, max: {timings[-1]:.1f} ms "
        f"({QUERIES} queries, {ITEMS} items, {hits} with results)"
    )


if __name__ == "__main__":
    main()
