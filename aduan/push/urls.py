from django.urls import path

from . import views

app_name = "push"

urlpatterns = [
    path("akun/notifikasi/ponsel/", views.subscribe, name="subscribe"),
    path("akun/notifikasi/ponsel/hapus/", views.unsubscribe, name="unsubscribe"),
]
