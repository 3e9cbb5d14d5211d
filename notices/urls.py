"""Public notices URLs, under /sub-processors/ (and /zh-hans/sub-processors/)."""

from django.urls import path

from . import views
from .feeds import NoticeFeed

app_name = "notices"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("object/<str:token>/", views.object_to_notice, name="object"),
    path("notices/<int:pk>/", views.notice_detail, name="detail"),
    path("feed/", NoticeFeed(), name="feed"),
]
