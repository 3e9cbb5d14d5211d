"""Transfer checker pages under /admin/ that are not model admins; see config/urls.py."""

from django.contrib import admin
from django.urls import path

from .admin_views import compliance_view

urlpatterns = [
    path(
        "transfers/compliance/",
        admin.site.admin_view(compliance_view),
        name="transfers_compliance",
    ),
]
