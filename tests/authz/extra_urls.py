"""The project's URLs plus one endpoint nobody has decided about (test_authz_coverage)."""

from django.http import HttpResponse
from django.urls import path

from aduan.urls import urlpatterns as project

urlpatterns = [path("baru/", lambda request: HttpResponse("baru"), name="undecided"), *project]
