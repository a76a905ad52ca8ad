"""Obviously synthetic citizen messages (title + body, 7 top-level categories like the public 留言 sets) for the
text-model tests and benchmarks: topic phrases mixed with everyday filler, confounding phrases from other
categories, unequal class sizes and a share of wrong labels, so that models differ and none is perfect."""

from __future__ import annotations

import random

TOPICS = {
    "城乡建设": "小区物业不作为 违章搭建阳台 老旧小区加装电梯 楼道墙皮脱落 拆迁安置房迟迟不交付 "
    "开发商延期交房 房产证办不下来 小区绿化被毁 地下室渗水 公共维修基金使用不公开 楼顶私建阁楼 道路开挖未回填",
    "环境保护": "工厂夜间偷排废水 河道发黑发臭 烧烤油烟熏人 搅拌站粉尘很大 垃圾焚烧气味刺鼻 "
    "养殖场污水直排 噪声扰民睡不着 企业排放黑烟 化工厂异味 建筑垃圾乱倒在河边 空气里有刺激性气味 污水管网破损",
    "交通运输": "公交车班次太少 出租车拒载绕路 网约车乱停车 道路坑洼不平 红绿灯时间太短 "
    "公交站台被占用 货车超载上路 长途客车超员 共享单车堆放 路口没有斑马线 地铁站接驳不便 渣土车抛洒",
    "教育文体": "学校违规补课 幼儿园乱收费 学区划分不合理 校外培训机构退费难 教师体罚学生 "
    "体育馆不对外开放 图书馆开放时间短 学生午餐质量差 校车安全隐患 广场舞音响太吵 高考加分不公平 民办学校招生",
    "劳动和社会保障": "公司拖欠工资 不签劳动合同 社保断缴 养老金调整 工伤认定难 加班不给加班费 "
    "辞退不给赔偿 农民工讨薪 医保报销比例 失业金领取 退休手续办理 试用期不缴社保",
    "商贸旅游": "景区门票乱涨价 导游强制购物 商家虚假宣传 预付卡老板跑路 超市卖过期商品 "
    "网购退货难 旅行社擅自改行程 农贸市场缺斤短两 酒店押金不退 商场促销欺诈 民宿无证经营 外卖商家无证",
    "卫生计生": "医院乱收费 医生态度恶劣 黑诊所非法行医 二胎生育登记 疫苗接种预约难 "
    "药店卖处方药不要处方 社区卫生服务站关门 计划生育奖励未兑现 医保卡被盗刷 住院床位紧张 出生证明办理 献血证报销",
}
FILLER = (
    "我是附近的居民 这个问题已经持续很久了 多次反映没有结果 希望有关部门尽快处理 请领导重视 "
    "周边群众意见很大 给生活带来很大不便 打过电话没人管 恳请尽快解决 谢谢 影响很坏 严重影响正常生活 "
    "去年就反映过 现在情况更严重了 附近有很多老人和孩子"
).split()
PLACES = "某某路 某某小区 某某街道 某某镇 某某村 某某大道 某某广场 某某新村".split()
SIZES = {
    "城乡建设": 60,
    "环境保护": 45,
    "交通运输": 35,
    "教育文体": 30,
    "劳动和社会保障": 25,
    "商贸旅游": 20,
    "卫生计生": 15,
}


def messages(seed: int = 7, scale: float = 1.0, noise: float = 0.06) -> list[tuple[str, str, str]]:
    """(title, body, label) rows, shuffled; `scale` multiplies every class size."""
    rng = random.Random(seed)
    topics = {k: v.split() for k, v in TOPICS.items()}
    labels = list(topics)
    out = []
    for label, size in SIZES.items():
        for _ in range(max(2, round(size * scale))):
            place = f"{rng.choice(PLACES)}{rng.randint(1, 99)}号"
            own = rng.sample(topics[label], 2)
            title = f"关于{place}{own[0]}的问题" if rng.random() < 0.7 else f"反映{rng.choice(topics[label])}"
            parts = rng.sample(FILLER, 3) + [own[1]]
            if rng.random() < 0.35:  # a phrase of another category, as real messages often mention
                parts.append(rng.choice(topics[rng.choice([lb for lb in labels if lb != label])]))
            rng.shuffle(parts)
            body = f"{place}，" + "，".join(parts) + "。"
            given = rng.choice(labels) if rng.random() < noise else label
            out.append((title, body, given))
    rng.shuffle(out)
    return out
