from django.urls import path

from . import views

app_name = "forwarding"
urlpatterns = [path("luar/<str:token>/", views.link, name="link")]
