from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "peerpath.followup"
    label = "followup"
