from allauth.account import views as account_views
from django.urls import include, path

from aduan.accounts import views as accounts_views

from . import (
    views,
    views_app,
    views_atom,
    views_digests,
    views_filing,
    views_maps,
    views_notifications,
    views_privacy,
    views_proof,
    views_public,
    views_reports,
)

app_name = "web"

urlpatterns = [
    path("lapor/", views_filing.file_report, name="file_report"),
    path("lapor/unggah/", views_app.upload, name="upload"),
    path("luring/", views_app.offline, name="offline"),
    path("lapor/periksa/", views_filing.checklist, name="checklist"),
    path("lapor/pertanyaan/", views_filing.questions, name="questions"),
    path("wilayah/desa/", views_filing.villages, name="villages"),
    path("akun/profil/", views_filing.profile, name="profile"),
    path("akun/data-saya/", views_privacy.overview, name="personal_data"),
    path("akun/data-saya/unduh/", views_privacy.download, name="personal_data_download"),
    path("akun/data-saya/hapus/", views_privacy.erasure, name="personal_data_erasure"),
    path("akun/data-saya/hapus/batal/", views_privacy.withdraw, name="personal_data_withdraw"),
    path("laporan/", views_public.feed, name="feed"),
    path("laporan/peta/", views_maps.feed_map, name="feed_map"),
    path("laporan/umpan.atom", views_atom.PublicReportsFeed(), name="feed_atom"),
    path("wilayah/lokasi/", views_maps.locate, name="locate"),
    path("laporan-saya/", views_reports.my_reports, name="my_reports"),
    path("lacak/", views_reports.track, name="track"),
    path("laporan/<str:code>/", views_reports.report_detail, name="report"),
    path("laporan/<str:code>/terkirim/", views_filing.filed, name="filed"),
    path("laporan/<str:code>/lengkapi/", views_reports.resubmit, name="resubmit"),
    path("laporan/<str:code>/informasi/", views_reports.provide_info, name="provide_info"),
    path("laporan/<str:code>/puas/", views_reports.accept_answer, name="accept_answer"),
    path("laporan/<str:code>/tidak-puas/", views_reports.reject_answer, name="reject_answer"),
    path("laporan/<str:code>/dukung/", views_reports.support, name="support"),
    path(
        "laporan/<str:code>/ombudsman/",
        views_reports.hand_over_to_ombudsman,
        name="hand_over_to_ombudsman",
    ),
    path(
        "laporan/<str:code>/berkas-ombudsman/",
        views_reports.ombudsman_case_file,
        name="ombudsman_case_file",
    ),
    path("laporan/<str:code>/ikuti/", views_reports.follow, name="follow"),
    path("laporan/<str:code>/sudah-diperbaiki/", views_reports.fix_check, name="fix_check"),
    path("laporan/<str:code>/lampiran/<int:pk>/", views_reports.attachment, name="attachment"),
    path("notifikasi/", views_notifications.notifications, name="notifications"),
    path("akun/notifikasi/", views_notifications.channels, name="notification_channels"),
    path("notifikasi/baca-semua/", views_notifications.mark_all_read, name="notifications_read"),
    path("notifikasi/<int:pk>/", views_notifications.open_notification, name="notification"),
]

# Names without a namespace that the rest of the project (and Django's LOGIN_URL) use.
public_urlpatterns = [
    path("", views.home, name="home"),
    path("masuk/", account_views.login, name="login"),
    path("keluar/", account_views.logout, name="logout"),
    path("daftar/", accounts_views.signup, name="signup"),
    # Before allauth's page of the same address, which adds an address without the password.
    path("akun/email/", accounts_views.change_email, name="account_email"),
    path("akun/", include("allauth.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("berhenti-ikuti/<str:token>/", views_reports.stop_following, name="stop_following"),
    path("langganan/", views_digests.subscribe, name="digest_subscribe"),
    path("langganan/konfirmasi/<str:token>/", views_digests.confirm, name="digest_confirm"),
    path("langganan/berhenti/<str:token>/", views_digests.stop, name="digest_stop"),
    path("bukti/", views_proof.audit_heads, name="audit_heads"),
    path("bukti/kepala.json", views_proof.audit_heads_json, name="audit_heads_json"),
    path("bukti/periksa/", views_proof.verify_receipt, name="verify_receipt"),
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (the admin, the API docs).
    path("favicon.ico", views.favicon, name="favicon"),
    path("sw.js", views_app.service_worker, name="service_worker"),
    path("manifest.webmanifest", views_app.manifest, name="manifest"),
]
