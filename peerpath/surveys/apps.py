from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "peerpath.surveys"
    label = "surveys"
