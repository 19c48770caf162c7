from django.urls import path

from peerpath.badges import views

app_name = "badges"
urlpatterns = [
    path("issuer/", views.issuer, name="issuer"),
    path("issuer/keys.json", views.jwks, name="jwks"),
    path("achievement/<slug:course_slug>/", views.achievement, name="achievement"),
    path("revocations.json", views.revocations, name="revocations"),
    path("verify/", views.verify_token, name="verify_token"),
    path("<uuid:badge_uuid>/", views.verify, name="verify"),
    path("<uuid:badge_uuid>/download/", views.download, name="download"),
    path("<uuid:badge_uuid>/revoke/", views.revoke, name="revoke"),
]
