"""Importing the history of a previous system (`import_reports`): finished reports that the
routing model learns from and that search finds, created without notifying anyone.

For each row:
1. read the fields through the column mapping (`sheets.read`); a row without text or with a date
   that cannot be read is reported with its line number and skipped;
2. a content hash (text and submission time) identifies the row: a row already imported, from
   this file or another, is skipped, so importing a file twice adds nothing;
3. agencies and categories are found by the given mapping, then by code, short name or name; an
   unknown one is created inactive (kept for history, offered to nobody);
4. `actions.do_import_historical` records the report closed (or archived as out of authority)
   in one transaction together with its `ImportRecord`.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from aduan.directory.models import Agency, Category
from aduan.reports import actions, errors, rules
from aduan.reports.models import Channel

from . import sheets
from .models import ImportRecord

OUT_OF_AUTHORITY = re.compile(r"bukan\s+(ke)?wewenang|out.of.authority", re.I)
OUTSIDE_GOVERNMENT = re.compile(r"^(kabupaten|kota|kab\.|kanwil|kepolisian|polda|polres)\b", re.I)
CHANNELS = {
    "web": Channel.WEB,
    "website": Channel.WEB,
    "situs": Channel.WEB,
    "ponsel": Channel.MOBILE,
    "android": Channel.MOBILE,
    "mobile": Channel.MOBILE,
    "aplikasi": Channel.MOBILE,
    "sms": Channel.SMS,
    "telepon": Channel.PHONE,
    "phone": Channel.PHONE,
    "surat": Channel.PAPER,
}


@dataclass
class Result:
    created: int = 0
    existing: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    new_agencies: list[str] = field(default_factory=list)
    new_categories: list[str] = field(default_factory=list)


def content_hash(text: str, submitted_at) -> str:
    normal = " ".join(str(text).lower().split())
    return hashlib.sha256(f"{normal}|{submitted_at.isoformat()}".encode()).hexdigest()


class Importer:
    def __init__(self, *, agency_map=None, category_map=None, date_format=None, public=False):
        self.agency_map = {k.strip().lower(): v for k, v in (agency_map or {}).items()}
        self.category_map = {k.strip().lower(): v for k, v in (category_map or {}).items()}
        self.date_format = date_format
        self.public = public
        self._agencies: dict[str, Agency | None] = {}
        self._categories: dict[str, Category | None] = {}
        self.result = Result()

    def run(self, path, columns=None) -> Result:
        source = Path(path).name
        # Read once: a hash per imported report, a few hundred thousand at most. A row imported
        # by another process meanwhile is still caught by the unique constraint (see `_row`).
        self._known = set(ImportRecord.objects.values_list("content_hash", flat=True))
        for line, row in sheets.read(path, columns):
            try:
                self._row(source, line, row)
            except errors.InvalidInput as exc:
                self.result.problems.append((line, str(exc.message)))
        return self.result

    def _row(self, source: str, line: int, row: dict) -> None:
        # Every cell as the portal would have stored it (`rules.plain_text`): a NUL in an agency's
        # name or a status is refused by PostgreSQL as much as one in the text, and a DataError
        # would stop the import part-way.
        row = {k: rules.plain_text(v) if isinstance(v, str) else v for k, v in row.items()}
        text = str(row.get("text") or "").strip()
        if not text:
            raise errors.InvalidInput("teks laporan kosong")
        submitted = sheets.parse_datetime(row.get("submitted_at"), self.date_format)
        if submitted is None:
            raise errors.InvalidInput(
                f"tanggal “{str(row.get('submitted_at') or '')[:40]}” tidak dapat dibaca"
            )
        if timezone.is_naive(submitted):
            submitted = timezone.make_aware(submitted)
        if submitted > timezone.now():
            raise errors.InvalidInput("tanggal laporan di masa depan")
        digest = content_hash(text, submitted)
        if digest in self._known:
            self.result.existing += 1
            return
        status = str(row.get("status") or "").strip()
        agency = self._agency(str(row.get("agency") or "").strip())
        out_of_authority = bool(OUT_OF_AUTHORITY.search(status))
        channel_text = str(row.get("channel") or "").strip()
        try:
            with transaction.atomic():
                report = actions.do_import_historical(
                    title=str(row.get("title") or "").strip() or _title(text),
                    description=text,
                    submitted_at=submitted,
                    agency=agency,
                    category=self._category(str(row.get("category") or "").strip()),
                    channel=CHANNELS.get(channel_text.lower(), Channel.IMPORT),
                    response=str(row.get("response") or ""),
                    out_of_authority=out_of_authority,
                    external_body=agency.name if (out_of_authority and agency) else "",
                    confidential=not self.public,
                    source={
                        "file": source,
                        "line": line,
                        "original_status": status[:60],
                        "channel": channel_text[:30],
                    },
                )
                ImportRecord.objects.create(
                    content_hash=digest, report=report, source=source[:255], line=line
                )
        except IntegrityError:  # another import took this row at the same moment
            self.result.existing += 1
            return
        self._known.add(digest)
        self.result.created += 1

    def _agency(self, name: str) -> Agency | None:
        if not name:
            return None
        key = name.lower()
        if key not in self._agencies:
            self._agencies[key] = self._find(Agency, key, self.agency_map) or self._new_agency(name)
        return self._agencies[key]

    def _category(self, name: str) -> Category | None:
        if not name:
            return None
        key = name.lower()
        if key not in self._categories:
            self._categories[key] = self._find(
                Category, key, self.category_map
            ) or self._new_category(name)
        return self._categories[key]

    @staticmethod
    def _find(model, key: str, mapping: dict):
        if key in mapping:
            found = model.objects.filter(code=mapping[key]).first()
            if found is None:
                raise errors.InvalidInput(
                    f"pemetaan “{key}” menunjuk kode {mapping[key]} yang tidak ada"
                )
            return found
        names = ["code", "name"] + (["short_name"] if model is Agency else [])
        for name in names:
            found = model.objects.filter(**{f"{name}__iexact": key}).first()
            if found:
                return found
        return None

    def _new_agency(self, name: str) -> Agency:
        kind = Agency.Kind.EXTERNAL if OUTSIDE_GOVERNMENT.match(name) else Agency.Kind.DINAS
        agency = Agency.objects.create(
            code=_free_code(Agency, name),
            name=name[:200],
            short_name=name[:60],
            kind=kind,
            is_active=False,
        )
        self.result.new_agencies.append(name)
        return agency

    def _new_category(self, name: str) -> Category:
        category = Category.objects.create(
            code=_free_code(Category, name), name=name[:150], is_active=False
        )
        self.result.new_categories.append(name)
        return category


def _title(text: str) -> str:
    first = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0]
    return first if len(first) <= 80 else first[:77].rsplit(" ", 1)[0] + "…"


def _free_code(model, name: str) -> str:
    base = ("impor-" + slugify(name))[:36].strip("-") or "impor"
    code, n = base, 1
    while model.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code
