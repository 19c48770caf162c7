from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "peerpath.cli"
    label = "cli"
