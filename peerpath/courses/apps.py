from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "peerpath.courses"
    label = "courses"
