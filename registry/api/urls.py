"""The token API, mounted at ``api/``: the roster under ``v1/`` and the OpenAPI document.

The transfer checker's endpoints (``transfers.api.urls``) are mounted at ``api/v1/`` too and
appear in the same document.
"""

from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import schema  # noqa: F401  (registers the token scheme with drf-spectacular)
from .views import DataCategoryViewSet, DataFlowViewSet, SubProcessorViewSet

router = SimpleRouter()
router.register("sub-processors", SubProcessorViewSet, basename="sub-processor")
router.register("data-flows", DataFlowViewSet, basename="data-flow")
router.register("data-categories", DataCategoryViewSet, basename="data-category")

# Swagger UI, served from our own static files (drf-spectacular-sidecar): its script comes
# from a separate URL, but it styles with an inline <style> block and data: images.
DOCS_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "script-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        csp_override(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="docs",
    ),
]
