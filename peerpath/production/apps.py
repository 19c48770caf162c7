from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductionConfig(AppConfig):
    name = "peerpath.production"
    label = "production"
    verbose_name = _("Course production")

    def ready(self) -> None:
        from peerpath.production import messages  # noqa: F401  (registers message kinds)
