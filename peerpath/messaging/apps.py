from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "peerpath.messaging"
    label = "messaging"

    def ready(self) -> None:
        from peerpath.messaging import bounces, kinds  # noqa: F401  (kinds, anymail receiver)
