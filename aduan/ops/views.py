from django.http import HttpResponse


def livez(request):
    """Liveness, without touching the database: also the framework floor of the load benchmark."""
    return HttpResponse("ok", content_type="text/plain")
