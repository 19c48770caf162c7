from django.apps import AppConfig


class ProductionConfig(AppConfig):
    name = "peerpath.production"
    label = "production"
