"""The project's URLs plus baselines: views that answer a constant with the same
authentication, permission and throttle classes as the API (the settings' defaults), parsing
the same body."""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as project_urlpatterns

CONSTANT = {"allowed": True, "basis": "no_transfer", "findings": []}


class ConstantView(APIView):
    """Answers a constant; a POST parses its JSON body first, as the check endpoint does."""

    def get(self, request):
        return Response(CONSTANT)

    def post(self, request):
        request.data  # noqa: B018  (parse the body, as the real endpoint must)
        return Response(CONSTANT)


urlpatterns = [
    path("bench/constant/", ConstantView.as_view()),
    *project_urlpatterns,
]
