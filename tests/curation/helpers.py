"""Arrangements and banners for tests: real rows."""

from datetime import timedelta

from django.utils import timezone

from curation.models import Arrangement, Banner, Slot


def arrange(*articles, section=None, goes_live_at="now", **slot_fields):
    """An arrangement of these stories, the first the lead; live now unless told otherwise."""
    when = timezone.now() - timedelta(seconds=1) if goes_live_at == "now" else goes_live_at
    arrangement = Arrangement.objects.create(section=section, goes_live_at=when)
    for position, article in enumerate(articles):
        fields = slot_fields.get(f"slot{position}", {})
        Slot.objects.create(arrangement=arrangement, position=position, article=article, **fields)
    return arrangement


def make_banner(text="Polls have closed", **fields):
    now = timezone.now()
    defaults = {
        "url": "https://news.example.org/live/",
        "starts_at": now - timedelta(minutes=1),
        "ends_at": now + timedelta(hours=1),
    }
    return Banner.objects.create(text=text, **(defaults | fields))
