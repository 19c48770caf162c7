from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "peerpath.progress"
    label = "progress"
