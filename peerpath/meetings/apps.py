from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "peerpath.meetings"
    label = "meetings"

    def ready(self) -> None:
        from peerpath.meetings import messages  # noqa: F401  (registers message kinds)
