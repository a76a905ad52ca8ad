"""Upgrade: a database built by the previous main (f54963a, the last commit before the restructure) is migrated
forward by this code and keeps every row; the JSON converted on the way (plan-visit sources) keeps its content,
draw records stay as the engine wrote them, and the audit chain still verifies.

The old tree is taken from this repository's history with `git archive` and runs in a subprocess with the same
interpreter: `manage.py` puts its own directory first on sys.path, ahead of this checkout's editable install, and
each run reports which `zhifa` it imported.
"""

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from zhifa.engine.draw import draw_verify
from zhifa.inspections.draws.picks import DrawPick, DrawUnmatched, draw_outcome
from zhifa.inspections.plans.sources import VisitSource, visit_sources

PREVIOUS_MAIN = "f54963a"
ROOT = Path(__file__).resolve().parents[2]
MARK = "ZHIFA-UPGRADE "
STEP_TIMEOUT = 300
# Django's own bookkeeping: a newer tree adds its migrations, content types and permissions to these.
BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission"}

# Run by the old code after its demo: draws, which the demo does not make, one with a subject left without a
# team (every officer qualified for 生态环境 but one recused from it), so both lists of a draw record are filled.
OLD_DRAWS = """
from zhifa.accounts.models import User
from zhifa.inspections.services import conflict_declare, draw_create, draw_publish
from zhifa.org.models import Officer
from zhifa.subjects.models import Subject

by = User.objects.get(username="command")
subject = (
    Subject.objects.filter(status="active", subdistrict__level="subdistrict")
    .exclude(industry_code="")
    .order_by("id")
    .first()
)
for officer in Officer.objects.filter(active=True, qualified_domains__code="ecology").order_by("id")[1:]:
    conflict_declare(officer=officer, subject=subject, reason="升级测试：回避", by=by)
pool = Subject.objects.filter(
    status="active", subdistrict=subject.subdistrict, industry_code=subject.industry_code
).count()
draw_create(
    name="升级测试：生态环境全数抽查",
    domain="ecology",
    count=pool,
    subdistrict=subject.subdistrict.code,
    industry=subject.industry_code,
    by=by,
)
made = draw_create(name="升级测试：市场监管按比例抽查", domain="market", ratio="0.01", public_value="42", by=by)
draw_publish(draw_obj=made, by=by)
"""

# Run by the old code and by the new: row counts of every table and the stored JSON, read with plain SQL so the
# script does not depend on either tree's models.
DUMP = """
import json

import zhifa
from django.db import connection


def value(v):
    return json.loads(v) if isinstance(v, str) else v


with connection.cursor() as c:
    counts = {}
    for table in sorted(connection.introspection.table_names()):
        c.execute("SELECT COUNT(*) FROM " + connection.ops.quote_name(table))
        counts[table] = c.fetchone()[0]
    c.execute("SELECT id, record FROM inspections_randomdraw ORDER BY id")
    draws = {str(pk): value(record) for pk, record in c.fetchall()}
    c.execute("SELECT id, sources FROM inspections_planvisit ORDER BY id")
    visits = {str(pk): value(sources) for pk, sources in c.fetchall()}
dump = {"zhifa": zhifa.__file__, "counts": counts, "draws": draws, "visits": visits}
print(MARK + json.dumps(dump, ensure_ascii=False))
""".replace("MARK", repr(MARK))


def _manage(args: list[str], *, cwd: Path, database_url: str) -> str:
    env = {
        k: v for k, v in os.environ.items() if k != "PYTHONSAFEPATH"
    }  # it would drop manage.py's directory
    env["DATABASE_URL"] = database_url
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
    )
    if done.returncode != 0:
        pytest.fail(
            f"`manage.py {args[0]}` in {cwd} exited with {done.returncode}:\n{done.stdout[-2000:]}\n"
            f"{done.stderr[-4000:]}"
        )
    return done.stdout


def _dump(*, cwd: Path, database_url: str, first: str = "") -> dict:
    """The counts and JSON of DUMP, after running ``first`` in the same process."""
    out = _manage(["shell", "-v", "0", "-c", first + DUMP], cwd=cwd, database_url=database_url)
    line = next((x for x in out.splitlines() if x.startswith(MARK)), None)
    assert line is not None, f"the dump printed no result:\n{out[-2000:]}"
    return json.loads(line[len(MARK) :])


def _old_tree(into: Path) -> Path:
    git = shutil.which("git")
    if git is None:
        pytest.fail("the upgrade test needs `git` to take the previous main's tree from the history")
    found = subprocess.run(
        [git, "-C", str(ROOT), "rev-parse", "--verify", "--quiet", f"{PREVIOUS_MAIN}^{{commit}}"],
        capture_output=True,
        text=True,
    )
    if found.returncode != 0:
        shallow = subprocess.run(
            [git, "-C", str(ROOT), "rev-parse", "--is-shallow-repository"], capture_output=True, text=True
        )
        if shallow.stdout.strip() == "true":
            # A depth-limited clone has no history to take the old tree from (.ci/run unshallows when it can).
            pytest.skip(
                f"shallow clone without {PREVIOUS_MAIN}: run `git fetch --unshallow` to run this test"
            )
        pytest.fail(
            f"commit {PREVIOUS_MAIN} (the previous main) is not in this clone's history at {ROOT}; "
            "fetch the full history (git fetch --unshallow) to run the upgrade test"
        )
    archive = subprocess.run(
        [git, "-C", str(ROOT), "archive", PREVIOUS_MAIN], capture_output=True, check=True
    )
    tree = into / "previous-main"
    tree.mkdir()
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(tree, filter="data")
    return tree


@contextmanager
def _scratch_database(tmp_path: Path):
    """A SQLite file, or, when the tests run on PostgreSQL, a scratch database on the same server (dropped after)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(url)
    name = f"zhifa_upgrade_{os.getpid()}"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _old_sources(stored: list) -> list[VisitSource]:
    """What the previous main meant by a visit's sources: a bare value, or a request with its id."""
    return [VisitSource(s) if isinstance(s, str) else VisitSource(s["source"], s["request"]) for s in stored]


def test_a_database_of_the_previous_main_upgrades_with_every_row(tmp_path):
    old_tree = _old_tree(tmp_path)
    with _scratch_database(tmp_path) as database_url:
        _manage(["migrate", "--noinput", "-v", "0"], cwd=old_tree, database_url=database_url)
        _manage(["demo_district", "--seed", "42"], cwd=old_tree, database_url=database_url)
        before = _dump(cwd=old_tree, database_url=database_url, first=OLD_DRAWS)

        _manage(["migrate", "--noinput", "-v", "0"], cwd=ROOT, database_url=database_url)
        after = _dump(cwd=ROOT, database_url=database_url)
        audit = _manage(["audit_verify"], cwd=ROOT, database_url=database_url)

    # Each run imported its own tree.
    assert Path(before["zhifa"]).resolve().is_relative_to(old_tree.resolve()), before["zhifa"]
    assert Path(after["zhifa"]).resolve().is_relative_to(ROOT.resolve()), after["zhifa"]
    assert not Path(after["zhifa"]).resolve().is_relative_to(old_tree.resolve())

    # Every table of the old database is still there with as many rows.
    old, new = before["counts"], after["counts"]
    assert old["subjects_subject"] > 9000 and old["inspections_planvisit"] > 500  # the demo was built
    missing = sorted(set(old) - set(new))
    assert not missing, f"tables gone after the upgrade: {missing}"
    changed = {t: (old[t], new[t]) for t in old if t not in BOOKKEEPING and old[t] != new[t]}
    assert not changed, f"row counts changed by the upgrade (old, new): {changed}"
    shrunk = {t: (old[t], new[t]) for t in BOOKKEEPING & set(old) if new[t] < old[t]}
    assert not shrunk, f"bookkeeping rows lost (old, new): {shrunk}"

    # Draw records are the engine's evidence: unchanged, still verifiable, and the new reader gives their picks.
    assert before["draws"].keys() == after["draws"].keys() and len(after["draws"]) == 2
    unmatched = 0
    for pk, record in before["draws"].items():
        assert after["draws"][pk] == record
        assert draw_verify(after["draws"][pk]).ok
        outcome = draw_outcome(after["draws"][pk])
        order = {s: n for n, s in enumerate(record["drawn_order"], start=1)}
        assert list(outcome.picks) == [
            DrawPick(order[s], int(s), tuple(int(i) for i in team)) for s, team in record["assignments"]
        ]
        assert list(outcome.unmatched) == [
            DrawUnmatched(order[s], int(s), reason) for s, reason in record["infeasible"]
        ]
        unmatched += len(outcome.unmatched)
    assert unmatched >= 1

    # Plan-visit sources: both old shapes were there, and each visit reads back what it meant.
    old_entries = [s for stored in before["visits"].values() for s in stored]
    assert any(isinstance(s, str) for s in old_entries) and any(isinstance(s, dict) for s in old_entries)
    assert before["visits"].keys() == after["visits"].keys()
    for pk, stored in before["visits"].items():
        assert visit_sources(after["visits"][pk]) == _old_sources(stored), pk

    assert "审计链完好" in audit
