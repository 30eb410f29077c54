"""Small factories: real rows in the real database, real image files made with Pillow."""

import io
import itertools
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Author, Byline, ImageCredit, Section
from articles.roles import sync_roles
from photos.tasks import make_renditions
from tests.tasks import tasks_run_after

_counter = itertools.count(1)


def jpeg_bytes(size=(640, 400), colour=(200, 80, 40), **save_options):
    """A real JPEG made with Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", **save_options)
    return buffer.getvalue()


def make_photo(**fields):
    """A photo with its renditions: saved, and its renditions task run as a worker would."""
    defaults = {
        "alt_text": "A harbour at dusk",
        "caption": "Cranes at the harbour.",
        "agency": "NORDPRESS",
        "photographer": "Lena Holm",
    }
    photo = ImageCredit(**(defaults | fields))
    with tasks_run_after(make_renditions):
        photo.image.save(f"photo-{next(_counter)}.jpg", ContentFile(jpeg_bytes()))
    photo.refresh_from_db()
    return photo


def make_wire_photo(**fields):
    """The reference article's lead photo: a full agency credit chain, note and picture id."""
    wire = {
        "caption": "Cranes stand idle at the port.",
        "agency": "REUTERS",
        "photographer": "Alexei Druzhinin",
        "providers": "RIA Novosti/Kremlin",
        "suffix": "Files",
        "reference_id": "RTX28OUJ",
        "special_instructions": "ATTENTION EDITORS - SUPPLIED BY A THIRD PARTY.",
    }
    return make_photo(**(wire | fields))


def make_section(**fields):
    number = next(_counter)
    defaults = {"name": f"Section {number}", "slug": f"section-{number}"}
    return Section.objects.create(**(defaults | fields))


def make_author(**fields):
    number = next(_counter)
    defaults = {
        "name": f"Reporter {number}",
        "slug": f"reporter-{number}",
        "job_title": "Staff Writer",
        "social_network": "x",
        "social_url": f"https://x.com/reporter{number}",
        "tips_email": f"reporter{number}@example.org",
    }
    return Author.objects.create(**(defaults | fields))


def make_article(authors=None, tags=(), **fields):
    """An article; published an hour ago unless told otherwise."""
    number = next(_counter)
    defaults = {
        "headline": f"Headline number {number}",
        "slug": f"story-{number}",
        "dek": "A short standfirst.",
        "body": "<p>Body text.</p>",
        "status": Article.Status.PUBLISHED,
        "publish_at": timezone.now() - timedelta(hours=1),
    }
    fields = defaults | fields
    if "section" not in fields:
        fields["section"] = make_section()
    article = Article.objects.create(**fields)
    for position, author in enumerate(authors if authors is not None else [make_author()]):
        Byline.objects.create(article=article, author=author, position=position)
    if tags:
        article.tags.add(*tags)
    return article


def restore_roles():
    """The Reporter and Editor groups with their permissions, as articles/roles.py defines them.

    `migrate` and a transactional test's flush make them too (post_migrate); a test that changed
    them, or runs without that signal, gets them back from here.
    """
    sync_roles()
