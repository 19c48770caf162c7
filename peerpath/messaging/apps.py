from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "peerpath.messaging"
    label = "messaging"
