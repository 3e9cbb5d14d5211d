"""The transfer checker's endpoints (contract.md §4): check one transfer, list a user's routes,
and read what the checker believes. Thin: validation in serializers, answers from selectors.

Authentication, permission and throttling are the REST framework defaults of the settings.
"""

import hashlib
from datetime import date

from django.http import HttpResponse
from django.utils.http import parse_etags, quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.api.schema import ErrorSerializer
from transfers.api import serializers as s
from transfers.models import (
    AdequacyDecision,
    CertificationFramework,
    EEAMember,
    ProcessingCountry,
    ReferenceFile,
)
from transfers.selectors import transfer_check, transfer_routes, verdict_as_dict
from transfers.snapshot import Snapshot, get_snapshot

# 401 and 429 are added to every operation by the project's schema class (registry.api.schema).
ERRORS = {
    400: OpenApiResponse(
        ErrorSerializer,
        description="Bad input: `errors` names each field or parameter with what is wrong.",
        examples=[OpenApiExample(
            "unknown country",
            value={"status": 400, "code": "invalid", "detail": "Invalid input.",
                   "errors": {"subject_country": ["'de' is not an ISO 3166-1 country code"]}},
        )],
    ),
}
_render = JSONRenderer().render


class TransferCheckView(APIView):
    """Is this transfer allowed? (transfer-rules.md; GDPR Chapter V, UK GDPR, FADP, PIPL)"""

    @extend_schema(
        operation_id="transfers_check",
        request=s.CheckRequestSerializer,
        responses={200: s.VerdictSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "question",
                request_only=True,
                value={"subject_country": "DE", "sub_processor": "aws",
                       "destination_country": "SG", "data_categories": ["user_content"]},
            ),
            OpenApiExample(
                "answer",
                response_only=True,
                value={"allowed": False, "basis": "eu_scc", "findings": [
                    {"rule": "eu.tia_missing", "severity": "error",
                     "message": "No transfer impact assessment for SG ..."}]},
            ),
        ],
    )
    def post(self, request):
        snapshot = get_snapshot()
        serializer = s.CheckRequestSerializer(data=request.data, context={"snapshot": snapshot})
        serializer.is_valid(raise_exception=True)
        verdict = transfer_check(**serializer.validated_data, snapshot=snapshot)
        return Response(verdict_as_dict(verdict))


class TransferRoutesView(APIView):
    """Every (sub-processor, location country) of the active and proposed sub-processors,
    judged for one user and data categories. The ETag changes with the roster and the day, so a
    service can cache the table and revalidate with If-None-Match."""

    validates_query = True  # the schema class then documents the 400 answer

    @extend_schema(
        operation_id="transfers_routes",
        parameters=[
            OpenApiParameter("subject_country", str, required=True,
                             description="The user's country (ISO 3166-1 alpha-2)."),
            OpenApiParameter("data_category", str, required=True, many=True,
                             description="A data category of policy §2; repeat for several."),
            OpenApiParameter("category", str, description="Only this sub-processor category."),
            OpenApiParameter("on", OpenApiTypes.DATE, description="As of this day."),
            OpenApiParameter("If-None-Match", str, OpenApiParameter.HEADER,
                             description="The ETag of the table you hold: 304 if current."),
            OpenApiParameter("ETag", str, OpenApiParameter.HEADER, response=[200, 304],
                             description="Changes with the roster, the reference data and "
                                         "the day."),
        ],
        responses={
            200: s.RoutesSerializer,
            304: OpenApiResponse(description="Not modified: the ETag sent is current."),
            **ERRORS,
        },
        examples=[OpenApiExample(
            "routes",
            response_only=True,
            value={"results": [{"sub_processor": "aws", "country": "SG", "allowed": True,
                                "basis": "eu_scc", "findings": []}]},
        )],
    )
    def get(self, request):
        snapshot = get_snapshot()
        query = s.RoutesQuerySerializer(data=request.query_params, context={"snapshot": snapshot})
        query.is_valid(raise_exception=True)
        params = query.validated_data
        etag, body = routes_document(
            snapshot,
            subject_country=params["subject_country"],
            data_categories=frozenset(params["data_category"]),
            category=params.get("category"),
            on=params.get("on"),
        )
        # If-None-Match compares weakly (RFC 9110 §13.1.2): W/"x" matches "x".
        header = request.headers.get("If-None-Match", "")
        sent = {tag.removeprefix("W/") for tag in parse_etags(header)}
        if "*" in sent or etag in sent:
            response = HttpResponse(status=304)
        else:
            response = HttpResponse(body, content_type="application/json")
        response["ETag"] = etag
        response["Cache-Control"] = "private, max-age=0, must-revalidate"
        return response


def routes_document(snapshot: Snapshot, *, subject_country: str, data_categories: frozenset[str],
                    category: str | None, on: date | None) -> tuple[str, bytes]:
    """The routes answer as rendered JSON with its ETag, kept in the snapshot's memo: the
    snapshot never changes, so neither does the answer to the same query."""
    key = (subject_country, data_categories, category, on)

    def render() -> tuple[str, bytes]:
        routes = transfer_routes(subject_country=subject_country, data_categories=data_categories,
                                 category=category, on=on, snapshot=snapshot)
        body = _render({"results": [
            {"sub_processor": r.sub_processor, "country": r.country, **verdict_as_dict(r.verdict)}
            for r in routes
        ]})
        # The roster stamp, the day, the reference data and the query decide the answer.
        seed = repr((snapshot.version, snapshot.day.isoformat(), snapshot.reference_versions,
                     subject_country, sorted(data_categories), category, on))
        return quote_etag(hashlib.sha256(seed.encode()).hexdigest()[:32]), body

    return snapshot.memo.get(("routes-document", *key), render)


class ReferenceDataView(APIView):
    """What the checker believes: the EEA, the adequacy lists with their sources, the
    certification frameworks, the policy's processing countries, and the files' versions."""

    @extend_schema(operation_id="transfers_reference_data", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        common = ("source", "last_verified", "note")
        return Response({
            "versions": {f.name: f.label for f in ReferenceFile.objects.all()},
            "eea": list(EEAMember.objects.values("country", "name", *common)),
            "adequacy": list(AdequacyDecision.objects.values(
                "regime", "country", "scope", "scope_note", "effective_from", "effective_to",
                "legal_ref", "framework", *common,
            )),
            "frameworks": list(CertificationFramework.objects.values(
                "code", "name", "regime", "country", "effective_from", "effective_to",
                "legal_ref", *common,
            )),
            "processing_countries": list(
                ProcessingCountry.objects.values("subjects", "country", "source", "note")
            ),
        })
