from django.apps import AppConfig


class XapiConfig(AppConfig):
    name = "peerpath.xapi"
    label = "xapi"
