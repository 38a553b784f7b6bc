from django.urls import path

from . import audit_views, intake, representatives, views, views_macros, views_maps

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("antrean/", views.queue, name="queue"),
    path("antrean/peta/", views_maps.queue_map, name="queue_map"),
    path("antrean/peta.geojson", views_maps.queue_map_data, name="queue_map_data"),
    path("kotak-masuk/", views.inbox, name="inbox"),
    path("kotak-masuk/peta/", views_maps.inbox_map, name="inbox_map"),
    path("kotak-masuk/peta.geojson", views_maps.inbox_map_data, name="inbox_map_data"),
    path("laporan/", views.report_list, name="reports"),
    path("laporan/peta/", views_maps.reports_map, name="reports_map"),
    path("laporan/peta.geojson", views_maps.reports_map_data, name="reports_map_data"),
    path("laporan/saringan/", views.save_filter, name="save_filter"),
    path("laporan/<str:code>/", views.workspace, name="workspace"),
    path("laporan/<str:code>/pdf/", views.report_pdf, name="report_pdf"),
    path("laporan/<str:code>/berkas-ombudsman/", views.case_file, name="case_file"),
    path("laporan/<str:code>/aksi/<str:action>/", views.act, name="act"),
    path("laporan/<str:code>/lampiran/<int:pk>/", views.attachment, name="attachment"),
    path("makro/", views_macros.macro_list, name="macros"),
    path("makro/terapkan/", views_macros.macro_apply, name="macro_apply"),
    path("makro/<int:pk>/hapus/", views_macros.macro_delete, name="macro_delete"),
    path("pengaduan-baru/", intake.intake, name="intake"),
    path("audit/", audit_views.audit_log, name="audit"),
    path("rt-rw/", representatives.representatives, name="representatives"),
    path("rt-rw/<int:pk>/", representatives.set_representative, name="set_representative"),
]
