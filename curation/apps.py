from django.apps import AppConfig


class CurationConfig(AppConfig):
    name = "curation"
    verbose_name = "Front page"

    def load_demo(self, now):
        """Called by ``manage.py load_demo``: the demo's front page opens on a story an editor
        chose."""
        from curation.demo import curate_demo_front_page

        curate_demo_front_page(now)
