"""综合查一次 plans: create (demands → engine → squad days and visits), publish, withdraw, mark a visit; scoped reads.

Who plans: the district command centre (and admins) for any subdistrict or functional area; a subdistrict
command room or the region's own enforcement team for its own region. Which officers: every active officer
whose team is one of the region's teams (the subdistrict's comprehensive team with its seconded officers, or a
functional area's stationed teams); for a domain that fewer than ``MIN_LOCAL_OFFICERS`` of them are qualified
for, the active officers of the district domain team(s) of that domain qualified for it join the pool. An
officer already on a squad of another published plan on a day is not available that day.
"""

from zhifa.inspections.plans.inputs import (
    DEFAULT_LIMITS,
    MAX_PERIOD_DAYS,
    MIN_LOCAL_OFFICERS,
    REASON_NO_PLACE,
    REASON_OUTSIDE,
    engine_subjects,
    officer_pool,
    parse_quiet_days,
    visits_this_year,
)
from zhifa.inspections.plans.selectors import (
    domain_names,
    joint_plan_get,
    joint_plan_list,
    my_squad_days,
    plan_calendar,
    plan_squad_days,
    plan_visit_get,
    squad_day_visits,
    weekday_label,
)
from zhifa.inspections.plans.services import (
    can_plan,
    joint_plan_create,
    joint_plan_publish,
    joint_plan_withdraw,
    may_plan,
    plan_regions_for,
    plan_visit_mark,
)
from zhifa.inspections.plans.sources import VisitSource, sources_json, sources_text, visit_sources

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_PERIOD_DAYS",
    "MIN_LOCAL_OFFICERS",
    "REASON_NO_PLACE",
    "REASON_OUTSIDE",
    "VisitSource",
    "can_plan",
    "domain_names",
    "engine_subjects",
    "joint_plan_create",
    "joint_plan_get",
    "joint_plan_list",
    "joint_plan_publish",
    "joint_plan_withdraw",
    "may_plan",
    "my_squad_days",
    "officer_pool",
    "parse_quiet_days",
    "plan_calendar",
    "plan_regions_for",
    "plan_squad_days",
    "plan_visit_get",
    "plan_visit_mark",
    "sources_json",
    "sources_text",
    "squad_day_visits",
    "visit_sources",
    "visits_this_year",
    "weekday_label",
]
