from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "peerpath.accounts"
    label = "accounts"

    def ready(self) -> None:
        from peerpath.accounts import messages  # noqa: F401  (registers message kinds)
