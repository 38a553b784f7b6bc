from django.urls import path

from . import views

urlpatterns = [path("livez", views.livez, name="livez")]
