"""The read API of the roster (contract §4): thin views over ``selectors`` and ``history``.

Read-only: the viewsets have list and retrieve actions only, so every write method answers 405.
Authentication, permission, throttle and error bodies are the project's DRF defaults.
"""

import re
from datetime import UTC, date

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from registry.filtersets import DataFlowFilterSet, SubProcessorFilterSet
from registry.models import DataCategory, DataFlow, SubProcessor
from registry.roster import end_of_day

from . import selectors
from .conditional import conditional
from .history import sub_processor_history
from .pagination import RosterPagination
from .serializers import (
    DataCategorySerializer,
    DataFlowSerializer,
    HistoryEntrySerializer,
    SubProcessorSerializer,
)

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description=_("YYYY-MM-DD: the answer as it stood at the end of that day (in the "
                  "registry's time zone), rebuilt from history. Not combined with filters."),
)


def as_of_day(request) -> date | None:
    """The ``as_of`` query parameter as a day, None when absent; 400 when malformed."""
    value = request.query_params.get("as_of")
    if value is None:
        return None
    try:
        if not DAY.fullmatch(value):
            raise ValueError(value)
        day = date.fromisoformat(value)
        end_of_day(day).astimezone(UTC)  # the first and last days may not be representable
    except (ValueError, OverflowError):
        raise ValidationError({"as_of": [_("Enter a date as YYYY-MM-DD.")]}) from None
    return day


def refuse_null_characters(request, kwargs) -> None:
    """400 for a NUL in the path or the query: PostgreSQL refuses them in any query."""
    values = [*kwargs.items(), *((k, v) for k, vs in request.query_params.lists() for v in vs)]
    bad = sorted({name for name, value in values if "\x00" in str(name) + str(value)})
    if bad:
        raise ValidationError({name: [_("Null characters are not allowed.")] for name in bad})


class ConditionalReadViewSet(viewsets.GenericViewSet):
    """Paginated, conditional (ETag, Last-Modified, 304) reads."""

    pagination_class = RosterPagination
    conditional_responses = True

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        refuse_null_characters(request, kwargs)

    def filter_queryset(self, queryset):
        # Building a FilterSet and its form costs more than the page's queries: skip it when no
        # filter is asked for.
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is None or filterset_class.base_filters.keys().isdisjoint(
                self.request.query_params):
            return queryset
        return super().filter_queryset(queryset)


@extend_schema(tags=["roster"])
@extend_schema_view(
    list=extend_schema(
        summary=_("List sub-processors"),
        description=_("The roster, by slug, each with its locations, safeguards, assessments, "
                      "certifications and AI flags. Filters combine with AND; a repeated filter "
                      "matches any of its values. With `as_of`, the roster as it stood at the "
                      "end of that day (filters are then refused)."),
        parameters=[AS_OF],
    ),
    retrieve=extend_schema(
        summary=_("One sub-processor"),
        description=_("One sub-processor by slug, now or with `as_of` as it stood then."),
        parameters=[AS_OF],
    ),
)
class SubProcessorViewSet(ConditionalReadViewSet):
    """Sub-processors, with their nested locations, safeguards, assessments and flags."""

    queryset = SubProcessor.objects.all()
    serializer_class = SubProcessorSerializer
    filterset_class = SubProcessorFilterSet
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    validates_query = True

    @conditional
    def list(self, request):
        day = as_of_day(request)
        if day is None:
            rows = selectors.sub_processor_rows(self.filter_queryset(self.get_queryset()))
        else:
            self._refuse_filters(request)
            rows = selectors.sub_processor_rows_as_of(day)
        page = self.paginate_queryset(rows)
        data = self.get_serializer(selectors.with_children(page, day=day), many=True).data
        return self.get_paginated_response(data)

    @conditional
    def retrieve(self, request, slug=None):
        day = as_of_day(request)
        if day is None:
            rows = selectors.sub_processor_rows(self.get_queryset().filter(slug=slug))
        else:
            rows = selectors.sub_processor_rows_as_of(day).filter(slug=slug)
        found = selectors.with_children(rows, day=day)
        if not found:
            raise Http404(_("No sub-processor has this slug."))
        return self._response(found[0])

    @extend_schema(
        summary=_("History of a sub-processor"),
        description=_("Every recorded change of the sub-processor and of its locations, "
                      "safeguards, assessments and data flows, newest first: when, who, why, "
                      "and the field-level differences."),
        responses=HistoryEntrySerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[],
            serializer_class=HistoryEntrySerializer)
    @conditional
    def history(self, request, slug=None):
        sub_processor = SubProcessor.objects.filter(slug=slug).first()
        if sub_processor is None:
            raise Http404(_("No sub-processor has this slug."))
        page = self.paginate_queryset(sub_processor_history(sub_processor))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _refuse_filters(self, request):
        used = sorted(set(request.query_params) & set(self.filterset_class.base_filters))
        if used:
            raise ValidationError(
                {name: [_("Not available with as_of.")] for name in used}
            )

    def _response(self, row):
        return Response(self.get_serializer(row).data)


@extend_schema(tags=["roster"])
@extend_schema_view(
    list=extend_schema(
        summary=_("List data flows"),
        description=_("Which personal data of which users goes to which sub-processor, where "
                      "and why; by sub-processor slug, purpose and id."),
    ),
)
class DataFlowViewSet(ConditionalReadViewSet):
    """Data flows of the roster."""

    queryset = DataFlow.objects.all()
    serializer_class = DataFlowSerializer
    filterset_class = DataFlowFilterSet

    @conditional
    def list(self, request):
        rows = selectors.data_flow_rows(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(tags=["roster"])
@extend_schema_view(
    list=extend_schema(
        summary=_("List data categories"),
        description=_("The categories of personal data of the privacy policy (§2), with their "
                      "retention (§10): the codes data flows and the transfer check use."),
    ),
)
class DataCategoryViewSet(ConditionalReadViewSet):
    """Categories of personal data."""

    queryset = DataCategory.objects.all()
    serializer_class = DataCategorySerializer
    filter_backends = []

    @conditional
    def list(self, request):
        page = self.paginate_queryset(selectors.data_category_rows())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
