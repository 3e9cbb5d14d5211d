"""Page-number pagination: ``{"count", "next", "previous", "results"}`` (contract §4)."""

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination


class RosterPagination(PageNumberPagination):
    """``?page=N`` and ``?page_size=N`` (50 by default, at most 100)."""

    page_size = 50
    page_size_query_param = "page_size"
    page_size_query_description = _("Results per page: 50 by default, at most 100.")
    max_page_size = 100
