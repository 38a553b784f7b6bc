from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("terlambat/", views.overdue, name="overdue"),
    path("berulang/", views.recurring_problems, name="recurring"),
    path("evaluasi/", views.evaluation, name="evaluation"),
    path("evaluasi/paket-bukti/", views.evidence_pack, name="evidence_pack"),
    path("evaluasi/<int:pk>/", views.evaluation_file, name="evaluation_file"),
]
