from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class RepublicationConfig(AppConfig):
    name = "republication"
    verbose_name = "Republication"

    def ready(self):
        from articles.models import (
            Article,
            ArticleTransition,
            Byline,
            Correction,
            ImageCredit,
            Publisher,
            Section,
        )
        from live.models import LiveCoverage, LiveEntry
        from republication import webhooks
        from republication.api import retire_cached_answers

        # Partners' systems hear of publishing, edits, corrections and withdrawals.
        post_save.connect(webhooks.on_transition, sender=ArticleTransition)
        post_save.connect(webhooks.on_correction, sender=Correction)
        post_save.connect(webhooks.on_article_saved, sender=Article)
        # The API's cached answers go with any change they could show.
        for model in [
            Article,
            ArticleTransition,
            Byline,
            Correction,
            ImageCredit,
            LiveCoverage,
            LiveEntry,
            Publisher,
            Section,
        ]:
            post_save.connect(retire_cached_answers, sender=model, weak=False)
            post_delete.connect(retire_cached_answers, sender=model, weak=False)
