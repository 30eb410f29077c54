"""The story's body as readers get it: its photo and embed figures expanded.

The body stores only references (``<figure data-photo-id>``, ``<figure data-embed>``, see
articles/sanitize.py). They are expanded here, with one query for all the body's photos (none for
a body without any), so a page costs the same whatever number of figures it has.
"""

from html import unescape

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from articles.embeds import provider_for
from articles.sanitize import INLINE_EMBED, INLINE_PHOTO


def render_body(article) -> SafeString:
    body = article.body or ""
    photos = article.inline_photos_by_id

    def photo_figure(match):
        photo = photos.get(int(match.group(1)))
        if photo is None or not photo.renditions_ready:
            return ""
        return render_to_string("includes/inline_photo.html", {"photo": photo})

    def embed_figure(match):
        url = unescape(match.group(1))
        provider = provider_for(url)
        if provider is None:
            return ""
        return render_to_string(
            "includes/embed.html",
            {"url": url, "provider": provider.name, "frame_url": provider.frame_url(url)},
        )

    body = INLINE_PHOTO.sub(photo_figure, body)
    body = INLINE_EMBED.sub(embed_figure, body)
    return mark_safe(body)  # noqa: S308 - sanitised on save; the figures are rendered escaped
