"""The yardstick for `/livez`: a bare Django view with minimal settings (no apps, no middleware,
no database), served by the same gunicorn configuration as Aduan (`bench/embedded.py`).

    gunicorn bench.bare_wsgi:application
"""

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-bare-view-" + "k" * 40,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_I18N=False,
)


def livez(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("livez", livez)]

django.setup()
application = get_wsgi_application()
