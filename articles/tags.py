"""Tags across the site: merging and deleting them, one story at a time.

Each story's tags change through its own tag manager, which sends ``m2m_changed`` for the story:
whatever listens to a story's tags (the reader's page cache) hears about every story a merge or
a deletion touches. Renaming a tag is an ordinary save of the tag.
"""

from django.db import transaction
from taggit.models import Tag

from articles.models import Article


def merge_tags(tags: list[Tag], name: str) -> Tag:
    """Every story carrying one of ``tags`` carries the tag called ``name`` instead (made if
    need be); the merged tags are deleted. Returns the tag they were merged into."""
    with transaction.atomic():
        target = Tag.objects.filter(name=name).first() or Tag.objects.create(name=name)
        merged = [tag for tag in tags if tag.pk != target.pk]
        for article in Article.objects.filter(tags__in=merged).distinct():
            article.tags.add(target)
            article.tags.remove(*merged)
        Tag.objects.filter(pk__in=[tag.pk for tag in merged]).delete()
    return target


def delete_tags(tags) -> None:
    """Take the tags off every story that carries them, then delete them."""
    tags = list(tags)
    with transaction.atomic():
        for article in Article.objects.filter(tags__in=tags).distinct():
            article.tags.remove(*tags)
        Tag.objects.filter(pk__in=[tag.pk for tag in tags]).delete()
