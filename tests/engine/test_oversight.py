"""Reconciling a scan's findings with the stored warnings; the peers' robust z-score."""

from zhifa.engine.oversight import Finding, Record, Standing, keys_of, reconcile, robust_outliers


def test_reconcile_creates_updates_reopens_resolves_and_leaves_handled_alone():
    standing = {
        "same": Standing("new", "fp1"),
        "changed": Standing("assigned", "old"),
        "back": Standing("resolved", "fp3"),
        "handled": Standing("closed", "fp4"),
        "gone": Standing("answered", "fp5"),
        "gone_closed": Standing("closed", "fp6"),
    }
    found = {"same": "fp1", "changed": "new", "back": "fp3", "handled": "other", "fresh": "fp7"}
    plan = reconcile(standing, found)
    assert plan.create == ["fresh"]
    assert plan.update == ["changed"]
    assert plan.reopen == ["back"]
    assert plan.resolve == ["gone"]
    assert plan.unchanged == 2  # "same", and "handled" which stays closed


def test_fingerprint_follows_what_people_read():
    a = Finding("k", "标题", records=(Record("case", 1, "案件 1"),))
    assert a.fingerprint() == Finding("k", "标题", records=(Record("case", 1, "案件 1"),)).fingerprint()
    assert a.fingerprint() != Finding("k", "标题", severity="red", records=a.records).fingerprint()
    assert list(keys_of([a, Finding("k", "第二次")]).values()) == [a]


def test_robust_outlier_is_named_with_its_peers():
    fines = {"南星": 500, "九堡": 520, "四季青": 480, "采荷": 510, "望江": 5000}
    out = robust_outliers(fines, threshold=3.5)
    assert [o.name for o in out] == ["望江"]
    assert out[0].peer_median == 505 and set(out[0].peers) == {"南星", "九堡", "四季青", "采荷"}
    assert robust_outliers({"a": 1, "b": 2, "c": 3}, threshold=3.5) == []  # too few peers
