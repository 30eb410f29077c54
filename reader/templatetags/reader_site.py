"""Tags for the reader's site: structured data and social cards."""

from django import template
from django.conf import settings
from django.utils.translation import to_locale

from newsroom.lib import urls
from newsroom.lib.text import clean_text
from reader import cards, structured_data
from reader.story_body import render_body

register = template.Library()


@register.simple_tag
def story_card(article, pick=None, is_lead=False, hide_section=False):
    """``{% story_card article %}``: the story's card (reader/cards.py); ``pick`` an editor's
    arrangement of it, ``is_lead`` the page's lead, ``hide_section`` in a section's rail."""
    return cards.render_card(article, pick, is_lead, hide_section)


@register.simple_tag
def news_article_json_ld(article, publisher):
    return structured_data.news_article_json_ld(article, publisher)


@register.simple_tag
def author_json_ld(author, publisher):
    return structured_data.json_ld_script(structured_data.author_profile(author, publisher))


@register.simple_tag
def organization_json_ld(publisher):
    return structured_data.organization_json_ld(publisher)


@register.simple_tag
def share_image(photo):
    """The widest version of a photo for Open Graph and Twitter cards, or None."""
    versions = structured_data.schema_images(photo)
    if not versions:
        return None
    return max(versions, key=lambda version: (version["width"] or 0) / (version["height"] or 1))


@register.filter
def absolute_url(url):
    return urls.absolute_url(url)


@register.filter
def url_with_slug(slug, viewname):
    """{{ tag.slug|url_with_slug:"reader:tag" }} is {% url "reader:tag" tag.slug %}, for less
    work (newsroom.lib.urls.reverse_slug)."""
    return urls.reverse_slug(viewname, slug)


@register.simple_tag
def news_language():
    """The site's language as Google News wants it: ISO 639, except zh-cn and zh-tw."""
    code = settings.LANGUAGE_CODE.lower()
    return code if code in ("zh-cn", "zh-tw") else code.split("-")[0]


@register.simple_tag
def og_locale():
    """The site's language as Open Graph wants it, e.g. en_US."""
    return to_locale(settings.LANGUAGE_CODE)


register.filter("w3c_datetime", cards.w3c_datetime)


@register.filter
def xml_text(text):
    """Text for an XML document (sitemaps): without the characters XML 1.0 cannot carry."""
    return clean_text(str(text))


@register.simple_tag
def story_body(article):
    """The article's sanitised body with its photos and embeds expanded (reader/story_body.py)."""
    return render_body(article)
