"""Filled in by its feature; see config/urls.py."""

urlpatterns = []
