from django.apps import AppConfig


class ChimeConfig(AppConfig):
    name = "chime"
    verbose_name = "Chime: people and roles"

    def ready(self) -> None:
        from chime.accounts import signals  # noqa: F401 - stamps the start of each signed-in session
