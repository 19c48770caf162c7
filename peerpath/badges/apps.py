from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "peerpath.badges"
    label = "badges"

    def ready(self) -> None:
        from peerpath.badges import messages  # noqa: F401  (registers message kinds)
