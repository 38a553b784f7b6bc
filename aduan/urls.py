from django.contrib import admin
from django.urls import include, path

from aduan.web.urls import public_urlpatterns

admin.site.site_header = "Aduan — Administrasi"
admin.site.site_title = "Aduan"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    *public_urlpatterns,
    path("", include("aduan.web.urls")),
]
