"""A demo year of training and case reviews (培训与案件研讨): trainings, difficult-case discussions, file reviews and
case selections on real enforcement themes, with the officers who took part and the demo's own cases discussed.
The sessions are synthetic (their minutes say so); deterministic for a seed."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from zhifa.accounts.models import User
from zhifa.audit.services import audit_record
from zhifa.cases.models import Case
from zhifa.demo import asof
from zhifa.org.choices import UnitKind
from zhifa.org.models import Officer, Unit
from zhifa.oversight.choices import TrainingKind
from zhifa.oversight.models import Training

TRAININGS = (
    "《行政处罚法》（2021 修订）重点条款解读",
    "《浙江省综合行政执法条例》学习",
    "赋权街道事项的办案程序与文书",
    "执法全过程记录与执法记录仪使用规范",
    "行政处罚裁量基准适用",
    "首违不罚、轻微免罚清单的适用",
    "行政执法文书制作规范",
    "“双随机、一公开”抽查操作",
    "行政行为码亮码检查与企业评价",
    "餐饮服务食品安全监督检查要点",
    "城镇燃气安全检查要点",
    "“九小场所”消防安全检查",
    "违法建设认定与查处程序",
    "听证程序组织实务",
)
DISCUSSIONS = (
    "餐饮油烟直排案件的证据固定",
    "占道经营屡查屡犯案件的定性",
    "违法建设案件当事人的认定",
    "无照经营与超范围经营的区分",
    "建筑垃圾违规处置案件的证据链",
    "噪声扰民案件的检测与取证",
    "同一违法行为多部门管辖的衔接",
)
REVIEWS = ("行政处罚案卷评查", "简易程序案卷专项评查", "赋权事项案卷交叉评查")
SELECTIONS = ("年度优秀行政处罚案例评选", "以学代罚典型案例评选")
PLACES = ("区行政服务中心会议室", "区综合行政执法局培训室", "街道综合行政执法队会议室", "线上视频会议")


def _officers_by_team() -> dict[int, list[int]]:
    teams: dict[int, list[int]] = {}
    for pk, team in Officer.objects.filter(active=True).order_by("pk").values_list("pk", "team_id"):
        teams.setdefault(team, []).append(pk)
    return teams


def build_trainings(*, seed: int, by) -> dict[str, int]:
    """About 45 sessions over the demo year: district trainings every few weeks, each subdistrict team's case
    discussions, quarterly file reviews by oversight, a case selection at mid-year and at year's end."""
    rng = random.Random(seed + 13)
    recorder = User.objects.get(username="oversight")  # the demo's 执法监督员 keeps the register
    end = asof.as_of_date() - timedelta(days=1)
    start = end - timedelta(days=364)
    units = {u.code: u for u in Unit.objects.select_related("region")}
    teams = _officers_by_team()
    everyone = [pk for pks in teams.values() for pk in pks]
    field_teams = [u for u in units.values() if u.kind == UnitKind.SUBDISTRICT_TEAM and teams.get(u.pk)]
    district_teams = [u for u in units.values() if u.kind == UnitKind.DISTRICT_TEAM and teams.get(u.pk)]
    cases = list(Case.objects.exclude(number="").filter(filed_on__isnull=False).values_list(
        "pk", "region_path", "filed_on"
    ).order_by("pk"))  # fmt: skip
    plan: list[tuple] = []  # (kind, topic, day, organiser, hours, participants, case count)
    for i in range(20):
        day = start + timedelta(days=9 + i * 17 + rng.randint(0, 5))
        organiser = units["DC"] if i % 3 == 0 else rng.choice(district_teams or [units["DC"]])
        people = rng.sample(everyone, min(len(everyone), rng.randint(25, 70)))
        plan.append((TrainingKind.TRAINING, TRAININGS[i % len(TRAININGS)], day, organiser,
                     Decimal(rng.choice(("2", "3", "3.5", "4", "6"))), people, 0))  # fmt: skip
    for i, team in enumerate(sorted(field_teams, key=lambda u: u.code)):
        for _ in range(1 if i % 2 else 2) if i < 12 else ():
            day = start + timedelta(days=rng.randint(20, 360))
            own = teams[team.pk]
            people = rng.sample(own, max(2, int(len(own) * rng.uniform(0.5, 0.9))))
            plan.append((TrainingKind.DISCUSSION, rng.choice(DISCUSSIONS), day, team,
                         Decimal(rng.choice(("1.5", "2", "2.5"))), people, rng.randint(1, 2)))  # fmt: skip
    for q in range(4):
        day = start + timedelta(days=80 + q * 91)
        people = rng.sample(everyone, min(len(everyone), 12))
        plan.append((TrainingKind.FILE_REVIEW, f"第{'一二三四'[q]}季度{REVIEWS[q % len(REVIEWS)]}", day,
                     units["OV"], Decimal("4"), people, 8))  # fmt: skip
    for k, topic in enumerate(SELECTIONS):
        day = start + timedelta(days=170 + k * 180)
        plan.append((TrainingKind.CASE_SELECTION, topic, min(day, end), units["OV"], Decimal("3"),
                     rng.sample(everyone, min(len(everyone), 20)), 5))  # fmt: skip
    made = 0
    for kind, topic, day, organiser, hours, people, n_cases in sorted(plan, key=lambda p: p[2]):
        day = min(day, end)
        local = organiser.region.parent_id is not None
        pool = [c for c in cases if c[2] <= day and (not local or c[1].startswith(organiser.region.path))]
        linked = [c[0] for c in rng.sample(pool, min(len(pool), n_cases))]
        if n_cases and not linked:
            kind, topic = TrainingKind.TRAINING, rng.choice(TRAININGS)
        at = datetime.combine(day, time(18, 0), asof.TZ)
        t = Training.objects.create(
            kind=kind, topic=topic, held_on=day, organiser=organiser, region_path=organiser.region.path,
            hours=hours, place=rng.choice(PLACES),
            summary=f"（演示数据）{organiser.name}组织{TrainingKind(kind).label}：{topic}。",
            created_by=recorder, created_at=at, updated_at=at,
        )  # fmt: skip
        t.participants.set(people)
        t.cases.set(linked)
        made += 1
    audit_record(actor=by, action="demo.trainings_build", object_type="demo", object_id=str(seed),
                 object_repr=f"演示培训研讨 seed={seed}", after={"trainings": made})  # fmt: skip
    return {"trainings": made}
