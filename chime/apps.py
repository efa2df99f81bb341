from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _grant_app_role(sender: AppConfig, using: str, **kwargs: object) -> None:
    from chime.dbroles import grant_app_role

    grant_app_role(using)


class ChimeConfig(AppConfig):
    name = "chime"
    verbose_name = "Chime: people and roles"

    def ready(self) -> None:
        from chime import dbroles  # noqa: F401 - registers the database roles' system check
        from chime.accounts import signals  # noqa: F401 - stamps the start of each signed-in session

        # Sent once per app after every migrate (and flush): once, for this app, is enough.
        post_migrate.connect(_grant_app_role, sender=self, dispatch_uid="chime_grant_app_role")
