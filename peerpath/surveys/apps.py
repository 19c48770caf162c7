from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "peerpath.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from peerpath.surveys import messages, tasks  # noqa: F401  (message kinds, periodic tasks)
