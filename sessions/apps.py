from django.apps import AppConfig


class SupportConfig(AppConfig):
    # Django's own sessions app owns the label "sessions".
    name = "sessions"
    label = "support"
    verbose_name = "People and support sessions"
