from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from articles.roles import sync_roles_after_migrate

        # As Django's own permissions: every `migrate` leaves the roles as articles/roles.py says.
        post_migrate.connect(
            sync_roles_after_migrate, sender=self, dispatch_uid="articles.roles.sync_roles"
        )
