"""Master data a form needs: categories (with their extra questions), agencies, regions."""

from django.db.models import Prefetch
from ninja import Field, Query, Router, Schema

from aduan.directory.models import Agency, Category, CategoryQuestion, Region

from ..schemas import AgencyOut, CategoryOut, RegionOut
from .accounts import ERRORS

router = Router(tags=["Data induk"])


@router.get("/categories", response={200: list[CategoryOut], **ERRORS}, summary="Kategori laporan")
def categories(request):
    rows = (
        Category.objects.filter(is_active=True)
        .select_related("parent")
        .prefetch_related(
            Prefetch("questions", queryset=CategoryQuestion.objects.order_by("order", "id"))
        )
    )
    return [
        {
            "code": c.code,
            "name": c.name,
            "parent": c.parent.code if c.parent else None,
            "supervisory": c.supervisory,
            "questions": [
                {
                    "code": q.code,
                    "label": q.label,
                    "type": q.type,
                    "required": q.required,
                    "choices": q.choices,
                }
                for q in c.questions.all()
            ],
        }
        for c in rows
    ]


@router.get("/agencies", response={200: list[AgencyOut], **ERRORS}, summary="Perangkat daerah")
def agencies(request):
    return [
        {"code": a.code, "name": a.name, "short_name": a.short_name, "kind": a.kind}
        for a in Agency.objects.filter(is_active=True)
    ]


class RegionFilter(Schema):
    parent: str | None = Field(
        None,
        max_length=13,
        pattern=r"^[0-9.]*$",
        description="Kode induk, mis. 52.04.08",
        examples=["52.04.08"],
    )
    level: int | None = Field(
        None, ge=1, le=4, description="1 provinsi, 2 kabupaten, 3 kecamatan, 4 desa"
    )


@router.get(
    "/regions",
    response={200: list[RegionOut], **ERRORS},
    summary="Wilayah (kecamatan, desa/kelurahan)",
)
def regions(request, filters: Query[RegionFilter]):
    rows = Region.objects.all()
    if filters.parent:
        rows = rows.filter(parent_id=filters.parent)
    if filters.level:
        rows = rows.filter(level=filters.level)
    return [
        {"code": r.code, "name": r.name, "level": r.level, "parent": r.parent_id}
        for r in rows[:2000]
    ]
