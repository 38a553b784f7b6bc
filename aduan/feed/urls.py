from django.urls import path

from . import views

app_name = "feed"
urlpatterns = [path("integrasi/peristiwa/", views.replay, name="replay")]
