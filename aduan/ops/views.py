from django.http import HttpResponse


def livez(request):
    """Liveness, without touching the database: also the framework floor of the load benchmark."""
    response = HttpResponse("ok", content_type="text/plain")
    # Answered before SecurityMiddleware (aduan/ops/livez.py): the one header it would add here.
    response["X-Content-Type-Options"] = "nosniff"
    return response
