from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "peerpath.common"
    label = "common"
