from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "peerpath.progress"
    label = "progress"

    def ready(self) -> None:
        from peerpath.progress import messages, tasks  # noqa: F401  (message kinds, periodic tasks)
