from django.apps import AppConfig


class EthicsConfig(AppConfig):
    name = "ethics"
    verbose_name = "Consent, access and safeguarding"

    def ready(self) -> None:
        # ethics builds on sessions and the core, which never import it: it plugs its rules into them here.
        from ethics import hooks

        hooks.register()
