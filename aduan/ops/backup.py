"""Backup and restore of a whole instance: the database and the uploaded files, in one archive.

Archive layout (`aduan-backup-<UTC time>.tar`):
    manifest.json   engine, time, row counts, and the sha256 of every file below
    database.sqlite3  (SQLite: made with the online backup API, consistent while the app runs)
    database.dump     (PostgreSQL: `pg_dump --format=custom`)
    media/<name>      every stored file the database refers to (attachments, evaluation reports)

Files are read and written through Django's storage API, never by path: the same commands back
up local disk (MEDIA_ROOT) and object storage (S3Storage), and an archive made from one restores
into the other (how an instance moves its files to a bucket). Each file is streamed from the
storage into the archive, hashed on the way; the list is taken from the database after the dump,
so it covers every row in the dump (a file is stored before its row commits; the app deletes none).

Restore refuses to overwrite an instance that has reports unless told to, checks every file
against the manifest, and checks the row counts after loading.
"""

import datetime as dt
import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import FileField

COUNTED = ["reports.Report", "reports.TimelineEvent", "reports.Attachment", "accounts.User"]


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Hashing:
    """A file-like reader that hashes what passes through it (into the archive)."""

    def __init__(self, handle):
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size=-1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _stored_names() -> list[str]:
    """Every file name held by a FileField of any model (all of them use the default storage)."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField):
                rows = model._default_manager.exclude(**{field.name: ""}).values_list(
                    field.name, flat=True
                )
                names.update(rows.iterator())
    return sorted(names)


def _counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def _pg_env() -> tuple[list[str], dict]:
    db = connection.settings_dict
    args = [
        "--host",
        db.get("HOST") or "127.0.0.1",
        "--port",
        str(db.get("PORT") or 5432),
        "--username",
        db.get("USER") or "postgres",
        "--dbname",
        db["NAME"],
    ]
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
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args],
            env=env,
            check=True,
            capture_output=True,
        )
        return target.name
    raise BackupError(f"no backup for database engine {connection.vendor}")


def create_backup(destination: Path) -> Path:
    """Write one archive into `destination` and return its path."""
    destination.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    archive = destination / f"aduan-backup-{stamp}.tar"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        counts = _counts()  # before the dump: rows added meanwhile are in the dump, never missing
        database = _dump_database(folder)
        files = {}
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(folder / database, database)
            for name in _stored_names():
                files[f"media/{name}"] = _add_stored_file(tar, name)
            manifest = {
                "format": 1,
                "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "engine": connection.vendor,
                "database": database,
                "database_sha256": _sha256(folder / database),
                "counts": counts,
                "files": files,
            }
            (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
            tar.add(folder / "manifest.json", "manifest.json")
        partial.rename(archive)  # never leave a half-written archive under the final name
    return archive


def _add_stored_file(tar: tarfile.TarFile, name: str) -> str:
    """Stream one stored file into the archive; returns its sha256."""
    member = tarfile.TarInfo(f"media/{name}")
    member.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    try:
        member.size = default_storage.size(name)
        with default_storage.open(name, "rb") as handle:
            reader = _Hashing(handle)
            tar.addfile(member, reader)
    except (
        Exception
    ) as exc:  # disk or object store (botocore's errors are not OSErrors): name the file
        raise BackupError(f"berkas {name} tidak dapat dibaca dari penyimpanan: {exc}") from exc
    return reader.digest.hexdigest()


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        return json.load(tar.extractfile("manifest.json"))
    except KeyError:
        raise BackupError("arsip tidak berisi manifest.json: bukan cadangan Aduan") from None


def restore_backup(archive: Path, *, force: bool = False) -> dict[str, int]:
    """Load an archive into this instance; returns the row counts found after loading."""
    if not force and apps.get_model("reports.Report").objects.exists():
        raise BackupError("Basis data ini sudah berisi laporan; gunakan --force untuk menimpanya.")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive) as tar:
        manifest = _read_manifest(tar)
        if manifest["engine"] != connection.vendor:
            raise BackupError(
                f"cadangan dibuat dari {manifest['engine']}, basis data ini {connection.vendor}"
            )
        tar.extractall(tmp, filter="data")
        folder = Path(tmp)
        if _sha256(folder / manifest["database"]) != manifest["database_sha256"]:
            raise BackupError("berkas basis data di dalam arsip rusak (sha256 tidak cocok)")
        for name, digest in manifest["files"].items():
            if _sha256(folder / name) != digest:
                raise BackupError(f"berkas {name} di dalam arsip rusak (sha256 tidak cocok)")
        _load_database(folder / manifest["database"])
        for name in manifest["files"]:
            _store(name.removeprefix("media/"), folder / name)
    counts = _counts()
    if counts != manifest["counts"]:
        raise BackupError(
            f"jumlah data setelah pemulihan berbeda: {counts} != {manifest['counts']}"
        )
    return counts


def _store(name: str, source: Path) -> None:
    """Put one file back under its own name (the database refers to it by that name)."""
    try:
        if default_storage.exists(name):  # restore --force over an instance that has it already
            default_storage.delete(name)
        with open(source, "rb") as handle:
            stored = default_storage.save(name, File(handle, name=name))
    except (
        Exception
    ) as exc:  # disk or object store (botocore's errors are not OSErrors): name the file
        raise BackupError(f"berkas {name} tidak dapat dipulihkan ke penyimpanan: {exc}") from exc
    if stored != name or default_storage.size(name) != source.stat().st_size:
        raise BackupError(
            f"berkas {name} tidak dapat dipulihkan ke penyimpanan (tersimpan sebagai {stored})"
        )


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
    subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *args,
            str(path),
        ],
        env=env,
        check=True,
        capture_output=True,
    )
