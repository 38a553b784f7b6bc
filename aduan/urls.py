from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Aduan — Administrasi"
admin.site.site_title = "Aduan"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("kantor/statistik/", include("aduan.stats.urls")),
    path("kantor/", include("aduan.backoffice.urls")),
    path("", include("aduan.web.urls")),
]
