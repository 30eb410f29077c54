from django.apps import AppConfig


class CurationConfig(AppConfig):
    name = "curation"
    verbose_name = "Front page"

    def ready(self):
        from articles.management.commands.load_demo import demo_loaded
        from curation.demo import curate_demo_front_page

        # The demo newsroom's front page opens on a story an editor chose.
        demo_loaded.connect(curate_demo_front_page, dispatch_uid="curation.demo")
