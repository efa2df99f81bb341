from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Staff account security"

    def ready(self) -> None:
        from accounts import signals  # noqa: F401 - stamps the start of each signed-in session
