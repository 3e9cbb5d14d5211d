"""URLs: the admin, the token API under /api/v1/, and the public pages (English unprefixed,
Chinese under /zh-hans/)."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("admin/", include("registry.admin_urls")),
    path("admin/", include("transfers.admin_urls")),
    path("admin/", admin.site.urls),
    path("api/", include("registry.api.urls")),
    path("api/v1/", include("transfers.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("sub-processors/", include("notices.urls")),
    path("sub-processors/", include("registry.public.urls")),
    prefix_default_language=False,
)
