"""Backup and restore of the database and the evidence files (MEDIA_ROOT), as one folder with a manifest.

SQLite: the online backup API (a consistent copy while the server runs). PostgreSQL: pg_dump in its custom
format and pg_restore. A dumpdata/loaddata round trip is not a backup (it loses sequences and the order of
writes); this is. The manifest records the row count of every table and the audit chain's head, so a restore
is checked against it."""

import json
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

from zhifa.core.errors import ServiceError

MANIFEST = "manifest.json"


def table_counts() -> dict[str, int]:
    """Rows per model table (every installed model with a table of its own)."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        counts[model._meta.db_table] = model._base_manager.using("default").count()
    return dict(sorted(counts.items()))


def _pg_args() -> tuple[list[str], dict]:
    s = connection.settings_dict
    args = ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"] or "postgres"]
    env = {"PGPASSWORD": s["PASSWORD"]} if s.get("PASSWORD") else {}
    return args, env


def _run(cmd: list[str], env: dict) -> None:
    import os

    done = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True)
    if done.returncode != 0:
        raise ServiceError(f"{Path(cmd[0]).name} 失败：{done.stderr.strip()[-500:]}")


def backup_create(*, folder: Path, extra: dict | None = None) -> dict:
    """Write database, evidence files and manifest into `folder` (created; must not exist)."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise ServiceError(f"备份目录 {folder} 已存在且不为空")
    folder.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    connection.ensure_connection()
    if vendor == "sqlite":
        target = sqlite3.connect(folder / "database.sqlite3")
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif vendor == "postgresql":
        args, env = _pg_args()
        _run(
            ["pg_dump", *args, "-Fc", "-f", str(folder / "database.dump"), connection.settings_dict["NAME"]],
            env,
        )
    else:
        raise ServiceError(f"不支持备份 {vendor} 数据库")
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / "media.tar", "w") as tar:
        if media.is_dir():
            tar.add(media, arcname="media")
    manifest = {
        "created_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "vendor": vendor,
        "counts": table_counts(),
        "media_files": sum(1 for p in media.rglob("*") if p.is_file()) if media.is_dir() else 0,
        **(extra or {}),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def backup_read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise ServiceError(f"{folder} 不是备份目录（缺少 {MANIFEST}）")
    return json.loads(path.read_text(encoding="utf-8"))


def backup_restore(*, folder: Path) -> dict:
    """Replace the database and the evidence files with the backup's; returns the manifest."""
    folder = Path(folder)
    manifest = backup_read_manifest(folder)
    vendor = connection.vendor
    if manifest["vendor"] != vendor:
        raise ServiceError(f"备份来自 {manifest['vendor']} 数据库，不能恢复到 {vendor} 数据库")
    connection.ensure_connection()
    if vendor == "sqlite":
        source = sqlite3.connect(folder / "database.sqlite3")
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        args, env = _pg_args()
        connection.close()  # pg_restore drops and recreates the tables: no session of ours may hold them
        _run(
            [
                "pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                "-d", connection.settings_dict["NAME"], str(folder / "database.dump"),
            ],
            env,
        )  # fmt: skip
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        shutil.rmtree(media)
    media.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / "media.tar") as tar:
        _extract_to(tar, media)
    return manifest


def _extract_to(tar: tarfile.TarFile, media: Path) -> None:
    """Unpack the archive's media/ folder as MEDIA_ROOT (whatever its name)."""
    tmp = media.parent / f".{media.name}.restore"
    if tmp.exists():
        shutil.rmtree(tmp)
    tar.extractall(tmp, filter="data")
    (tmp / "media").rename(media) if (tmp / "media").exists() else media.mkdir()
    shutil.rmtree(tmp, ignore_errors=True)


def backup_compare(manifest: dict) -> list[str]:
    """What differs between the manifest's counts and the database now (empty: every count matches)."""
    now = table_counts()
    problems = []
    for table, count in manifest["counts"].items():
        if now.get(table) != count:
            problems.append(f"{table}：备份 {count} 行，现在 {now.get(table)} 行")
    return problems
