from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "peerpath.badges"
    label = "badges"
