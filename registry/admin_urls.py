"""Registry pages under /admin/ that are not model admins; see config/urls.py."""

from django.urls import path

from .public_admin import public_export_view

urlpatterns = [
    path("registry/export/", public_export_view, name="registry_public_export"),
]
