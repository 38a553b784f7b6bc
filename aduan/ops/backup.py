"""Backup and restore of a whole instance: the database and the uploaded files, in one archive.

Archive layout (`aduan-backup-<UTC time>.tar`):
    manifest.json   engine, time, row counts, and the sha256 of every file below
    database.sqlite3  (SQLite: made with the online backup API, consistent while the app runs)
    database.dump     (PostgreSQL: `pg_dump --format=custom`)
    media/...         every stored file (attachments), as in MEDIA_ROOT

Restore refuses to overwrite an instance that has reports unless told to, checks every file
against the manifest, and checks the row counts after loading.
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

COUNTED = ["reports.Report", "reports.TimelineEvent", "reports.Attachment", "accounts.User"]


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def _pg_env() -> tuple[list[str], dict]:
    db = connection.settings_dict
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432),
            "--username", db.get("USER") or "postgres", "--dbname", db["NAME"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _dump_database(folder: Path) -> str:
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        with destination:
            connection.connection.backup(destination)
        destination.close()
        return target.name
    if connection.vendor == "postgresql":
        target = folder / "database.dump"
        args, env = _pg_env()
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args],
                       env=env, check=True, capture_output=True)
        return target.name
    raise BackupError(f"no backup for database engine {connection.vendor}")


def create_backup(destination: Path) -> Path:
    """Write one archive into `destination` and return its path."""
    destination.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    archive = destination / f"aduan-backup-{stamp}.tar"
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        counts = _counts()  # before the dump: rows added meanwhile are in the dump, never missing
        database = _dump_database(folder)
        files = {}
        if media.is_dir():
            for path in sorted(p for p in media.rglob("*") if p.is_file()):
                files[f"media/{path.relative_to(media).as_posix()}"] = _sha256(path)
        manifest = {
            "format": 1, "created_at": dt.datetime.now(dt.UTC).isoformat(), "engine": connection.vendor,
            "database": database, "database_sha256": _sha256(folder / database), "counts": counts,
            "files": files,
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(folder / "manifest.json", "manifest.json")
            tar.add(folder / database, database)
            for name in files:
                tar.add(media / name.removeprefix("media/"), name)
        partial.rename(archive)  # never leave a half-written archive under the final name
    return archive


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        return json.load(tar.extractfile("manifest.json"))
    except KeyError:
        raise BackupError("arsip tidak berisi manifest.json: bukan cadangan Aduan") from None


def restore_backup(archive: Path, *, force: bool = False) -> dict[str, int]:
    """Load an archive into this instance; returns the row counts found after loading."""
    from aduan.reports.models import Report

    if not force and Report.objects.exists():
        raise BackupError("Basis data ini sudah berisi laporan; gunakan --force untuk menimpanya.")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive) as tar:
        manifest = _read_manifest(tar)
        if manifest["engine"] != connection.vendor:
            raise BackupError(f"cadangan dibuat dari {manifest['engine']}, basis data ini {connection.vendor}")
        tar.extractall(tmp, filter="data")
        folder = Path(tmp)
        if _sha256(folder / manifest["database"]) != manifest["database_sha256"]:
            raise BackupError("berkas basis data di dalam arsip rusak (sha256 tidak cocok)")
        for name, digest in manifest["files"].items():
            if _sha256(folder / name) != digest:
                raise BackupError(f"berkas {name} di dalam arsip rusak (sha256 tidak cocok)")
        _load_database(folder / manifest["database"])
        media = Path(settings.MEDIA_ROOT)
        for name in manifest["files"]:
            target = media / name.removeprefix("media/")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / name, target)
    counts = _counts()
    if counts != manifest["counts"]:
        raise BackupError(f"jumlah data setelah pemulihan berbeda: {counts} != {manifest['counts']}")
    return counts


def _load_database(path: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        with source:
            source.backup(connection.connection)
        source.close()
        return
    args, env = _pg_env()
    connection.close()
    subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *args,
                    str(path)], env=env, check=True, capture_output=True)
