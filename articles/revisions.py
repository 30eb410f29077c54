"""Readable differences between two saved revisions of an article (django-reversion)."""

import difflib
import re
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article, Author, Byline, ImageCredit, Licence, Section
from articles.workflow import TRACKED_FIELDS
from newsroom.lib.text import paragraphs

TOKENS = re.compile(r"\s+|[^\s]+")


def body_lines(html):
    """Story HTML as plain text for comparing, one paragraph (or heading, list item) per line."""
    return "\n".join(paragraphs(html))


def word_diff(before, after):
    """HTML showing `before` turned into `after`, word by word, with <del> and <ins>."""
    old, new = TOKENS.findall(before), TOKENS.findall(after)
    parts = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(escape("".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(old[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(new[j1:j2]))}</ins>")
    return mark_safe("".join(parts).replace("\n", "<br>"))  # noqa: S308 - every part is escaped


def _names(model, pk):
    if pk is None:
        return ""
    obj = model.objects.filter(pk=pk).first()
    return str(obj) if obj else f"#{pk} (deleted)"


def _authors(version):
    byline_type = ContentType.objects.get_for_model(Byline)
    bylines = sorted(
        (v.field_dict for v in version.revision.version_set.filter(content_type=byline_type)),
        key=lambda fields: (fields.get("position", 0), fields.get("id", 0)),
    )
    names = dict(
        Author.objects.filter(pk__in=[b["author_id"] for b in bylines]).values_list("pk", "name")
    )
    return ", ".join(names.get(b["author_id"], "?") for b in bylines)


def _display(name, value):
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if name == "section_id":
        return _names(Section, value)
    if name == "lead_photo_id":
        return _names(ImageCredit, value)
    if name == "status":
        return str(Article.Status(value).label) if value in Article.Status.values else value
    if name == "licence":
        return str(Licence(value).label) if value in Licence.values else value
    return "" if value is None else str(value)


# The fields whose change a reader of the history cares about: the same as the workflow names.
COMPARED_FIELDS = TRACKED_FIELDS


def compare(older, newer):
    """One row per field: its label, both values as text, an HTML word diff, and whether it changed.

    `older` and `newer` are reversion Version objects of the same article.
    """
    rows = []
    before_fields, after_fields = older.field_dict, newer.field_dict
    for name in COMPARED_FIELDS:
        field = Article._meta.get_field(name)
        before = _display(field.attname, before_fields.get(field.attname))
        after = _display(field.attname, after_fields.get(field.attname))
        if name == "body":
            before, after = body_lines(before), body_lines(after)
        rows.append(_row(str(field.verbose_name), before, after))
    rows.append(_row("authors", _authors(older), _authors(newer)))
    return rows


def _row(label, before, after):
    return {
        "label": label,
        "before": before,
        "after": after,
        "changed": before != after,
        "diff": word_diff(before, after),
    }
