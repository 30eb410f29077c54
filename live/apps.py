from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = "Live coverage"

    def load_demo(self, now):
        """Called by ``manage.py load_demo``: the demo's live story."""
        from live import demo

        demo.load_demo(now)
