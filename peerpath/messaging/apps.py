from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "peerpath.messaging"
    label = "messaging"

    def ready(self) -> None:
        from peerpath.messaging import kinds  # noqa: F401  (registers message kinds)
