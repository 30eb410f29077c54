"""The demo newsroom's front page: a lead an editor chose, not merely the newest story."""

from articles.models import Article
from curation.models import Arrangement, Slot

DEMO_LEAD = "sorbrae-glacier-melt-record"


def curate_demo_front_page(now):
    """Lead the front page with the glacier story, under a headline written for the page."""
    lead = Article.objects.filter(slug=DEMO_LEAD).first()
    if lead is None or Arrangement.objects.for_page(None).exists():
        return
    arrangement = Arrangement.objects.create(
        goes_live_at=now, note="Demo: the season's big climate story leads."
    )
    Slot.objects.create(
        arrangement=arrangement,
        position=0,
        article=lead,
        headline="A record summer of melting on the Sorbrae glacier",
        crop=Slot.Crop.WIDE,
    )
