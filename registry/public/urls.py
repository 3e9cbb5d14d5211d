"""The public list and its exports, under /sub-processors/ (English) and
/zh-hans/sub-processors/ (Chinese); see config/urls.py."""

from django.urls import path, re_path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.public_list_page, name="list"),
    re_path(r"^export\.(?P<fmt>csv|json|xlsx)$", views.public_list_export, name="export"),
]
