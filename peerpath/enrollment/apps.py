from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "peerpath.enrollment"
    label = "enrollment"
