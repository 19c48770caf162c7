from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "peerpath.meetings"
    label = "meetings"
