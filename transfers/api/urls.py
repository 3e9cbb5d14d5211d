"""The transfer checker's API, mounted at /api/v1/ (contract.md §4: no trailing slash on check
and routes)."""

from django.urls import path

from transfers.api import views

urlpatterns = [
    path("transfers/check", views.TransferCheckView.as_view(), name="transfers-check"),
    path("transfers/routes", views.TransferRoutesView.as_view(), name="transfers-routes"),
    path("reference-data/", views.ReferenceDataView.as_view(), name="reference-data"),
]
