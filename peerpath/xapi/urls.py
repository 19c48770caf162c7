"""The xAPI resources under /xapi/ (with or without a trailing slash, as clients differ)."""

from django.urls import re_path

from peerpath.xapi import views

app_name = "xapi"
urlpatterns = [
    re_path(r"^statements/?$", views.statements, name="statements"),
    re_path(r"^activities/state/?$", views.state, name="state"),
    re_path(r"^activities/profile/?$", views.activity_profile, name="activity_profile"),
    re_path(r"^activities/?$", views.activities, name="activities"),
    re_path(r"^agents/profile/?$", views.agent_profile, name="agent_profile"),
    re_path(r"^agents/?$", views.agents, name="agents"),
    re_path(r"^about/?$", views.about, name="about"),
    re_path(r"^(?P<path>.*)$", views.unknown_resource),
]
