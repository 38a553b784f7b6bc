from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from aduan.api.api import urlpatterns as api_urls
from aduan.stats.metrics import metrics_view
from aduan.stats.public import open_data
from aduan.stats.public import statistics as public_statistics
from aduan.web.urls import public_urlpatterns

admin.site.site_header = "Aduan — Administrasi"
admin.site.site_title = "Aduan"
# The admin's own log-in form would skip the second factor: send it to /masuk/ (allauth, with MFA).
admin.site.login = secure_admin_login(admin.site.login)

handler500 = "aduan.web.errors.server_error_page"
handler400 = "aduan.web.errors.bad_request_page"
handler404 = "aduan.web.errors.not_found_page"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api_urls()),
    path("open311/v2/", include("aduan.open311.urls")),
    path("sms/", include("aduan.sms.urls")),
    path("whatsapp/", include("aduan.whatsapp.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("aduan.ops.urls")),
    path("metrics", metrics_view, name="metrics"),
    path("statistik/", public_statistics, name="public_statistics"),
    path("data-terbuka/<str:name>", open_data, name="open_data"),
    path("kantor/statistik/", include("aduan.stats.urls")),
    path("kantor/", include("aduan.backoffice.urls")),
    path("", include("aduan.forwarding.urls")),
    path("", include("aduan.feed.urls")),
    *public_urlpatterns,
    path("", include("aduan.push.urls")),
    path("", include("aduan.web.urls")),
]
