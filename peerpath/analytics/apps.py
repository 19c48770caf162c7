from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "peerpath.analytics"
    label = "analytics"
