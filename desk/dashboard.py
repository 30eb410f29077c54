"""The newsroom's desk on the admin home page: what each reporter and editor must look at."""

from datetime import timedelta
from itertools import groupby

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import Article, ArticleTransition, Author, Correction

Status = Article.Status


def _latest_transition(field, **filters):
    """`field` of the article's latest workflow step matching `filters`, as a subquery."""
    transitions = ArticleTransition.objects.filter(article=OuterRef("pk"), **filters)
    return Subquery(transitions.order_by("-created_at", "-pk").values(field)[:1])


def reporter_desk(user):
    """A reporter's own drafts (with the editor's note when one came back) and what is in review."""
    mine = Article.objects.filter(bylines__author__user=user).distinct()
    drafts = list(
        mine.filter(status=Status.DRAFT)
        .annotate(
            last_step=_latest_transition("name"),
            last_note=_latest_transition("note"),
            last_step_at=_latest_transition("created_at"),
        )
        .order_by("-updated_at")
    )
    return {
        "returned": [article for article in drafts if article.last_step == "return"],
        "drafts": [article for article in drafts if article.last_step != "return"],
        "in_review": list(mine.filter(status=Status.IN_REVIEW).order_by("-updated_at")),
    }


def editor_desk(now=None):
    """The review queue (oldest first), the next seven days' schedule, today's stories and
    the latest corrections."""
    now = now or timezone.now()
    queue = list(
        Article.objects.filter(status=Status.IN_REVIEW)
        .annotate(
            waiting_since=Coalesce(
                _latest_transition("created_at", to_status=Status.IN_REVIEW), "updated_at"
            )
        )
        .order_by("waiting_since", "pk")
    )
    scheduled = (
        Article.objects.filter(
            status=Status.PUBLISHED, publish_at__gt=now, publish_at__lte=now + timedelta(days=7)
        )
        .select_related("section")
        .order_by("publish_at")
    )
    timeline = [
        (day, list(articles))
        for day, articles in groupby(
            scheduled, key=lambda article: timezone.localtime(article.publish_at).date()
        )
    ]
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    published_today = (
        Article.objects.published()
        .filter(publish_at__gte=start_of_today)
        .select_related("section")
        .order_by("-publish_at")
    )
    corrections = Correction.objects.select_related("article").order_by("-created_at")[:10]
    return {
        "queue": queue,
        "timeline": timeline,
        "published_today": list(published_today),
        "corrections": list(corrections),
    }


def desk_for(user):
    """The parts of the desk this user works at: a reporter's (if they have an author profile and
    may edit articles), an editor's (if they may publish), both, or neither."""
    desk = {}
    if user.has_perm("articles.change_article") and Author.objects.filter(user=user).exists():
        desk["reporter"] = reporter_desk(user)
    if user.has_perm("articles.publish_article"):
        desk["editor"] = editor_desk()
    return desk
