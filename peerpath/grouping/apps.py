from django.apps import AppConfig


class GroupingConfig(AppConfig):
    name = "peerpath.grouping"
    label = "grouping"

    def ready(self) -> None:
        from peerpath.grouping import messages  # noqa: F401  (registers message kinds)
