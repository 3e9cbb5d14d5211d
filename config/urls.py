"""URLs: the admin, the token API under /api/v1/, and the public pages (English unprefixed,
Chinese under /zh-hans/)."""

from django.contrib import admin
from django.http import HttpResponse
from django.urls import path


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
