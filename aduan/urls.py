from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from aduan.api.api import urlpatterns as api_urls
from aduan.web.urls import public_urlpatterns

admin.site.site_header = "Aduan — Administrasi"
admin.site.site_title = "Aduan"
# The admin's own log-in form would skip the second factor: send it to /masuk/ (allauth, with MFA).
admin.site.login = secure_admin_login(admin.site.login)

handler500 = "aduan.web.errors.server_error_page"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api_urls()),
    path("open311/v2/", include("aduan.open311.urls")),
    path("sms/", include("aduan.sms.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("aduan.ops.urls")),
    path("kantor/statistik/", include("aduan.stats.urls")),
    path("kantor/", include("aduan.backoffice.urls")),
    *public_urlpatterns,
    path("", include("aduan.web.urls")),
]
