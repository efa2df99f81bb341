from django.apps import AppConfig


class ChimeConfig(AppConfig):
    name = "chime"
    verbose_name = "Chime: people and roles"
