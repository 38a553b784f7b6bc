"""A user's notifications, and the dashboard and public figures."""

import datetime as dt

from ninja import Field, Schema


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    report: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None


class DashboardOut(Schema):
    by_status: dict[str, int]
    open: int
    overdue: int = Field(description="Melewati batas waktu yang dipegang petugas (merah).")
    due_soon: int = Field(description="Mendekati batas waktu (kuning).")
    paused: int = Field(
        description="Menunggu pelapor: dikembalikan, dimintai informasi, atau menunggu penilaian."
    )
    by_agency: dict[str, int]


class StatisticsOut(Schema):
    total: int
    by_status: dict[str, int]
    by_category: dict[str, int]
    by_agency: dict[str, int]
    average_rating: float | None
