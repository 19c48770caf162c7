from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentConfig(AppConfig):
    name = "peerpath.enrollment"
    label = "enrollment"
    verbose_name = _("Enrolment")

    def ready(self) -> None:
        from peerpath.enrollment import messages  # noqa: F401  (registers message kinds)
