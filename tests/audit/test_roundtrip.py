"""A dumpdata/loaddata round trip of the audit tables still verifies: the MAC covers times to the millisecond."""

import json
from datetime import timedelta

from django.core.management import call_command

from tests.audit.tamper import disable_append_only_guard
from zhifa.audit.models import AuditHead, AuditRecord
from zhifa.audit.services import audit_verify


def test_dumpdata_loaddata_round_trip_verifies(world, tmp_path):
    n = AuditRecord.objects.count()
    first = AuditRecord.objects.get(seq=1)
    assert first.at.microsecond % 1000 == 0  # written to the millisecond
    disable_append_only_guard()
    # A sub-millisecond time, as entries re-keyed from before keys have: it does not change the MAC.
    AuditRecord.objects.filter(pk=first.pk).update(at=first.at + timedelta(microseconds=456))
    assert audit_verify().ok
    dump = tmp_path / "audit.json"
    call_command("dumpdata", "audit", output=str(dump), verbosity=0)
    dumped = [o for o in json.loads(dump.read_text()) if o["model"] == "audit.auditrecord"]
    assert len(dumped) == n
    assert len(dumped[0]["fields"]["at"].split(".")[1]) == len("123Z")  # dumpdata keeps milliseconds only
    AuditRecord.objects.all().delete()
    AuditHead.objects.all().delete()
    call_command("loaddata", str(dump), verbosity=0)
    assert AuditRecord.objects.count() == n
    assert AuditRecord.objects.get(seq=1).at == first.at
    report = audit_verify()
    assert report.ok and report.count == n, [str(p) for p in report.problems]
