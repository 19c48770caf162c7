"""Top-level URL map."""

from django.contrib import admin
from django.urls import include, path

from peerpath.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("peerpath.accounts.urls")),
    path("runs/", include("peerpath.enrollment.urls")),
    path("messages/", include("peerpath.messaging.urls")),
    path("anymail/", include("anymail.urls")),  # provider bounce/complaint webhooks
    path("meetings/", include("peerpath.meetings.urls")),
    path("groups/", include("peerpath.grouping.urls")),
    path("api/", api.urls),
    path("xapi/", include("peerpath.xapi.urls")),
    path("production/", include("peerpath.production.urls")),
    path("followup/", include("peerpath.followup.urls")),
    path("badges/", include("peerpath.badges.urls")),
    path("surveys/", include("peerpath.surveys.urls")),
    path("analytics/", include("peerpath.analytics.urls")),
    path("staff/", include("peerpath.courses.urls")),
    path("", include("peerpath.progress.urls")),
]
