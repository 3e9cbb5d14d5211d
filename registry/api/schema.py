"""OpenAPI generation: the token scheme, and the error answers every operation can give.

``RegistryAutoSchema`` (the project's ``DEFAULT_SCHEMA_CLASS``) adds to each operation the error
answers the API's shared machinery produces, so that no view has to list them: 401 and 429 for
every token-authenticated operation, 400 where input is validated, 404 where a path names an
object or a page is asked for, 304 where a view answers conditional requests.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from .authentication import HasAPIToken


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer."""

    status = serializers.IntegerField(help_text=_("The HTTP status code, repeated."))
    code = serializers.CharField(
        help_text=_("A stable error code: invalid, not_authenticated, authentication_failed, "
                    "not_found, method_not_allowed, throttled, parse_error..."))
    detail = serializers.CharField(help_text=_("What went wrong, for a person."))
    errors = serializers.DictField(
        child=serializers.JSONField(), required=False,
        help_text=_("Validation errors only: each field (or query parameter) named with its "
                    "reasons."))


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "registry.api.authentication.APITokenAuthentication"
    name = "TokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": str(_(
                "Send `Authorization: Token <key>`. An administrator creates a key with "
                "`python manage.py create_api_token NAME` (or in the admin, API tokens); it is "
                "shown once. Each token has a rate limit in requests per minute."
            )),
        }


ERRORS = {
    "304": _("Not modified: the copy named by If-None-Match or If-Modified-Since is current."),
    "400": _("Invalid input: `errors` names each field or parameter with its reasons."),
    "401": _("No token, or a token that is not valid or was revoked."),
    "404": _("No such object, or no such page."),
    "429": _("Rate limit of the token exceeded; retry after the seconds in `Retry-After`."),
}


HEADER = OpenApiParameter.HEADER
CONDITIONAL_PARAMETERS = [
    OpenApiParameter(
        "If-None-Match", OpenApiTypes.STR, HEADER,
        description=_("The ETag of the copy you hold: 304 when it is still current."),
    ),
    OpenApiParameter(
        "If-Modified-Since", OpenApiTypes.STR, HEADER,
        description=_("An HTTP date: 304 when the roster has not changed since then "
                      "(ignored when If-None-Match is sent)."),
    ),
    OpenApiParameter(
        "ETag", OpenApiTypes.STR, HEADER, response=[200, 304],
        description=_("Changes whenever the roster changes; send it back in If-None-Match."),
    ),
    OpenApiParameter(
        "Last-Modified", OpenApiTypes.STR, HEADER, response=[200, 304],
        description=_("When the roster last changed (absent before its first change)."),
    ),
]


class RegistryAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the shared error answers added where they apply, and the
    conditional-request headers of views that answer them."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if getattr(self.view, "conditional_responses", False) and self.method == "GET":
            parameters = [*parameters, *CONDITIONAL_PARAMETERS]
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code in responses:
                continue
            if code == "304":
                responses[code] = {"description": str(ERRORS[code])}
            else:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = str(ERRORS[code])
                responses[code] = response
        return responses

    def _error_codes(self) -> list[str]:
        codes = []
        view = self.view
        protected = any(isinstance(p, HasAPIToken) for p in view.get_permissions())
        listed = self.method == "GET" and self._is_list_view()
        if getattr(view, "conditional_responses", False) and self.method == "GET":
            codes.append("304")
        if (self.method in {"POST", "PUT", "PATCH"} or getattr(view, "filterset_class", None)
                or getattr(view, "validates_query", False)):
            codes.append("400")
        if protected:
            codes.append("401")
        if "{" in self.path or (listed and getattr(view, "pagination_class", None)):
            codes.append("404")
        if protected:
            codes.append("429")
        return codes
