from django.apps import AppConfig


class EthicsConfig(AppConfig):
    name = "ethics"
    verbose_name = "Consent, access and safeguarding"

    def ready(self) -> None:
        from ethics import signals  # noqa: F401 - connects the audit receivers
