from django.apps import AppConfig


class GroupingConfig(AppConfig):
    name = "peerpath.grouping"
    label = "grouping"
