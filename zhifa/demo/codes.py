"""Demo 行政行为码 of the year's past visits: each finished visit carries the code the live flow issues as the
inspection starts (zhifa.codes: signed with the district's key through its signing function), dated at the
visit — issued and valid from the visit's start for ZHIFA_CODE_VALID_HOURS. A small share of visits went
without one (the officers did not show it): oversight's without_code model finds those.

From its own random stream (the code ids are drawn from it, as the live flow draws them at random), so the
rest of the demo is drawn as without it; bulk inserts and one audit record for the batch.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter, defaultdict
from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Max

from zhifa.audit.services import audit_record
from zhifa.codes.choices import ActionType
from zhifa.codes.keys import code_keys
from zhifa.codes.models import ActionCode
from zhifa.codes.services import ALPHABET, CODE_ID_LENGTH, code_secret, mask_name
from zhifa.codes.tokens import token_sign
from zhifa.demo.asof import as_of_date
from zhifa.demo.events.bulk import json_value
from zhifa.demo.subjects import _insert, _reset_sequences
from zhifa.inspections.choices import InspectionStatus
from zhifa.inspections.demands.selectors import subject_domains
from zhifa.inspections.models import Inspection
from zhifa.org.models import Unit

WITHOUT_CODE = 0.02  # visits where the code was not shown (亮码): what the oversight model is for


def _issuing_team(officers: list[tuple]) -> int:
    """The team most of the visit's officers belong to (the lowest id on a tie), as the live flow picks it
    when the user starting the visit is not among them."""
    counts = Counter(team for _pk, _name, _cert, team in officers)
    return min(counts, key=lambda team: (-counts[team], team))


def build_visit_codes(*, seed: int, by) -> dict[str, int]:
    rng = random.Random(f"zhifa-demo-codes-{seed}")
    # Plain rows: some 7,000 visits with their officers; model instances would cost seconds here.
    visits = list(
        Inspection.objects.filter(
            status=InspectionStatus.FINISHED, visited_on__lt=as_of_date(), action_code__isnull=True
        )
        .order_by("visited_on", "id")
        .values_list(
            "id", "subject_id", "subject__uscc", "subject__name", "region_path", "created_by_id", "created_at"
        )
    )
    ids = [v[0] for v in visits]
    officers_of: dict[int, list[tuple]] = defaultdict(list)
    for inspection_id, *officer in (
        Inspection.officers.through.objects.filter(inspection_id__in=ids)
        .order_by("officer__name", "officer_id")
        .values_list(
            "inspection_id", "officer_id", "officer__name", "officer__certificate_no", "officer__team_id"
        )
    ):
        officers_of[inspection_id].append(tuple(officer))
    domains_of: dict[int, list[str]] = defaultdict(list)
    for inspection_id, code in Inspection.domains.through.objects.filter(inspection_id__in=ids).values_list(
        "inspection_id", "domain__code"
    ):
        domains_of[inspection_id].append(code)
    checks = subject_domains(sorted({v[1] for v in visits}))
    team_names = dict(Unit.objects.values_list("id", "name"))
    keys = code_keys()
    next_id = (ActionCode.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    valid = timedelta(hours=settings.ZHIFA_CODE_VALID_HOURS)
    taken = set(ActionCode.objects.values_list("code_id", flat=True))
    rows, links, skipped = [], [], 0
    for pk, subject_id, uscc, subject_name, region_path, created_by, created_at in visits:
        officers = officers_of.get(pk)
        if rng.random() < WITHOUT_CODE or not officers:
            skipped += 1
            continue
        while True:
            code_id = "".join(rng.choice(ALPHABET) for _ in range(CODE_ID_LENGTH))
            if code_id not in taken:
                taken.add(code_id)
                break
        issued = created_at.replace(microsecond=0)
        expires = issued + valid
        party = {"uscc": uscc} if uscc else {"name": mask_name(subject_name)}
        # The checklist the visit started with: the subject's items in the visit's domains.
        items = sorted({c for d in domains_of.get(pk, ()) for c in checks.get(subject_id, {}).get(d, ())})
        unit_id = _issuing_team(officers)
        claims = {
            "jti": code_id,
            "act": ActionType.INSPECTION,
            "unit": team_names[unit_id],
            "off": [[mask_name(name), cert] for _pk, name, cert, _team in officers],
            "party": party,
            "items": items,
            "iat": int(issued.timestamp()),
            "nbf": int(issued.timestamp()),
            "exp": int(expires.timestamp()),
            "rec": f"inspection/{pk}",
        }
        token, kid = token_sign(claims, keys=keys)
        # As the service keeps it: the SHA-256 of the party's rating secret, never the secret.
        secret = code_secret(SimpleNamespace(code_id=code_id)).replace("-", "")
        rows.append(
            {
                "id": next_id,
                "code_id": code_id,
                "action": ActionType.INSPECTION.value,
                "kid": kid,
                "token": token,
                "claims": json_value(ActionCode, "claims", claims),
                "unit_id": unit_id,
                "subject_id": subject_id,
                "inspection_id": pk,
                "case_id": None,
                "document_id": None,
                "region_path": region_path,
                "issued_by_id": created_by,
                "issued_at": issued,
                "not_before": issued,
                "expires_at": expires,
                "secret_hash": hashlib.sha256(secret.encode()).hexdigest(),
                "revoked_at": None,
                "revoked_reason": "",
                "revoked_by_id": None,
            }
        )
        links += [{"actioncode_id": next_id, "officer_id": o[0]} for o in officers]
        next_id += 1
    _insert(ActionCode, rows)
    _insert(ActionCode.officers.through, links)
    _reset_sequences(ActionCode, ActionCode.officers.through)
    counts = {"visit_codes": len(rows), "visits_without_code": skipped}
    audit_record(
        actor=by,
        action="demo.visit_codes_build",
        object_type="demo",
        object_id=str(seed),
        object_repr=f"演示行政行为码 seed={seed}",
        after=counts,
    )
    return counts
