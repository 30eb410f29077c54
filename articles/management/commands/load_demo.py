import io
import random
from datetime import timedelta

import reversion
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont
from tqdm import tqdm

from articles import demo_content
from articles.models import (
    Article,
    ArticleTransition,
    Author,
    Byline,
    Correction,
    ImageCredit,
    Publisher,
    RelatedStory,
    Section,
    Series,
    SeriesPart,
)
from newsroom.lib.text import clean_text
from photos.metadata import IIM_FIELDS, embed_iim

DEMO_ACCOUNTS = [
    # (username, password, group, author slug)
    ("reporter", "reporter-demo-2026", "Reporter", "daniel-mercer"),
    ("editor", "editor-demo-2026", "Editor", None),
]


def landscape_jpeg(palette, seed, size=(1600, 1000)):
    """A made-up landscape: a sky gradient, hills and a sun, as JPEG bytes."""
    top, bottom = palette
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        blend = y / height
        colour = tuple(int(top[i] * (1 - blend) + bottom[i] * blend) for i in range(3))
        draw.line([(0, y), (width, y)], fill=colour)
    rng = random.Random(seed)
    draw.ellipse([width * 0.65, height * 0.15, width * 0.8, height * 0.15 + width * 0.15], fill=top)
    for layer in range(3):
        shade = tuple(max(0, c - 40 * (layer + 1)) for c in bottom)
        base = height * (0.55 + 0.12 * layer)
        points = [(0, height)]
        for x in range(0, width + 100, 100):
            points.append((x, base - rng.randint(0, int(height * 0.15))))
        points.append((width, height))
        draw.polygon(points, fill=shade)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return buffer.getvalue()


def text_png(text, size, background, foreground, font_size):
    image = Image.new("RGBA", size, background)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=font_size)
    box = draw.textbbox((0, 0), text, font=font)
    position = ((size[0] - (box[2] - box[0])) / 2, (size[1] - (box[3] - box[1])) / 2 - box[1])
    draw.text(position, text, font=font, fill=foreground)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


class Command(BaseCommand):
    help = (
        "Load the demo newsroom (publisher, sections, authors, photos, stories and, with DEBUG "
        "on, demo logins). Safe to run again: what exists is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has articles.",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Article.objects.exists():
            self.stdout.write("Articles exist already; demo content not loaded.")
        else:
            with transaction.atomic(), reversion.create_revision():
                reversion.set_comment("Demo content")
                self.load()
            self.stdout.write(self.style.SUCCESS("Demo newsroom loaded."))
        self.accounts()

    def load(self):
        publisher = Publisher.load()
        if not publisher.logo:
            for field, value in demo_content.PUBLISHER.items():
                setattr(publisher, field, value)
            logo = text_png("THE CIVIC WIRE", (480, 96), (0, 0, 0, 0), (179, 38, 30, 255), 44)
            publisher.logo.save("civic-wire-logo.png", ContentFile(logo), save=False)
            publisher.save()

        sections = {}
        for data in demo_content.SECTIONS:
            sections[data["slug"]], _ = Section.objects.get_or_create(
                slug=data["slug"], defaults=data
            )

        authors = {}
        for data in demo_content.AUTHORS:
            fields = {key: value for key, value in data.items() if key != "colour"}
            author, created = Author.objects.get_or_create(slug=data["slug"], defaults=fields)
            if created:
                initials = "".join(word[0] for word in data["name"].split())
                avatar = text_png(
                    initials, (240, 240), data["colour"] + (255,), (255, 255, 255, 255), 96
                )
                author.photo.save(f"{data['slug']}.png", ContentFile(avatar))
            authors[data["slug"]] = author

        photos = {}
        for key, data in tqdm(demo_content.PHOTOS.items(), desc="Photos", unit="photo"):
            fields = {
                name: value for name, value in data.items() if name not in {"palette", "iptc"}
            }
            photo = ImageCredit.objects.filter(reference_id=data["reference_id"]).first()
            if photo is None:
                photo = ImageCredit(**fields)
                jpeg = landscape_jpeg(data["palette"], key)
                if iptc := data.get("iptc"):
                    datasets = {IIM_FIELDS[name][0]: text for name, text in iptc.items()}
                    jpeg = embed_iim(jpeg, datasets)
                # Saving reads the file's credits; the renditions are made here and now rather
                # than by a worker, so the demo is whole as soon as the command ends.
                photo.image.save(f"{key}.jpg", ContentFile(jpeg))
                photo.make_renditions()
            photos[key] = photo

        now = timezone.now()
        for data in tqdm(demo_content.ARTICLES, desc="Articles", unit="article"):
            if Article.objects.filter(slug=data["slug"]).exists():
                continue
            hours_ago = data.get("hours_ago")
            article = Article.objects.create(
                slug=data["slug"],
                headline=data["headline"],
                dek=data["dek"],
                section=sections[data["section"]],
                dateline=data.get("dateline", ""),
                body=data["body"].strip(),
                lead_photo=photos.get(data["photo"]),
                status=data.get("status", demo_content.PUBLISHED),
                publish_at=now - timedelta(hours=hours_ago) if hours_ago is not None else None,
            )
            for position, (slug, role) in enumerate(data["authors"]):
                Byline.objects.create(
                    article=article, author=authors[slug], role=role, position=position
                )
            article.tags.add(*(clean_text(tag) for tag in data["tags"]))
            # A demo story has not been edited since it went out: no "Updated" line.
            if article.publish_at:
                Article.objects.filter(pk=article.pk).update(updated_at=article.publish_at)
        self.workflow_examples(now)
        self.series_and_related()
        # Apps built on the core add their own examples (live coverage: a live story; curation:
        # a front page led by a story an editor chose), through their AppConfig's `load_demo`.
        for app_config in apps.get_app_configs():
            if hasattr(app_config, "load_demo"):
                app_config.load_demo(now)

    def workflow_examples(self, now):
        """A little history to look at: a submission, a withdrawal with its reason, a correction."""
        examples = [
            ("in-review-school-meals-pilot", "submit", "draft", "in_review", "", 3),
            (
                "withdrawn-factory-closure-report",
                "withdraw",
                "published",
                "withdrawn",
                "Our main source retracted their account.",
                190,
            ),
        ]
        for slug, name, from_status, to_status, note, hours_ago in examples:
            article = Article.objects.filter(slug=slug).first()
            if article and not article.transitions.exists():
                ArticleTransition.objects.create(
                    article=article,
                    name=name,
                    from_status=from_status,
                    to_status=to_status,
                    note=note,
                    created_at=now - timedelta(hours=hours_ago),
                )
        corrected = Article.objects.filter(slug="budget-passes-after-midnight-vote").first()
        if corrected and not corrected.corrections.exists():
            Correction.objects.create(
                article=corrected,
                kind=Correction.Kind.CORRECTION,
                text="An earlier version of this story gave the wrong total for rural clinics. "
                "It is 40 million, not 400 million.",
                created_at=now - timedelta(hours=1),
            )

    def series_and_related(self):
        """The demo series and the related stories picked by hand."""
        for data in demo_content.SERIES:
            fields = {"name": data["name"], "description": data["description"]}
            series, _ = Series.objects.get_or_create(slug=data["slug"], defaults=fields)
            for position, slug in enumerate(data["parts"], start=1):
                article = Article.objects.filter(slug=slug, series_part=None).first()
                if article:
                    SeriesPart.objects.create(series=series, article=article, position=position)
        for slug, related in demo_content.RELATED.items():
            article = Article.objects.filter(slug=slug).first()
            if article is None or article.related_links.exists():
                continue
            for position, related_slug in enumerate(related, start=1):
                other = Article.objects.filter(slug=related_slug).first()
                if other:
                    RelatedStory.objects.create(article=article, related=other, position=position)

    def accounts(self):
        if not settings.DEBUG:
            self.stdout.write("Demo logins are created only when DEBUG is on.")
            return
        superuser_exists = User.objects.filter(username="admin").exists()
        if not superuser_exists:
            User.objects.create_superuser("admin", "admin@civicwire.example", "admin-demo-2026")
        logins = [("admin", "admin-demo-2026", "superuser")]
        for username, password, group_name, author_slug in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"is_staff": True, "email": f"{username}@civicwire.example"},
            )
            if created:
                user.set_password(password)
                user.save()
                group, _ = Group.objects.get_or_create(name=group_name)
                user.groups.add(group)
                if author_slug:
                    Author.objects.filter(slug=author_slug, user=None).update(user=user)
            logins.append((username, password, group_name.lower()))
        self.stdout.write("Demo logins (DEBUG only) at /admin/:")
        for username, password, role in logins:
            self.stdout.write(f"  {role:<10} {username} / {password}")
