"""Machine-readable updates for partners' systems: a story's ninjs with its corrections, and
the ninjs that tells them a story was withdrawn."""

from typing import Any

from articles.models import Article, ArticleTransition, Correction, Publisher
from newsroom.lib.urls import absolute_url
from republication.ninjs import NINJS_STANDARD, article_as_ninjs


def correction_as_dict(correction: Correction) -> dict[str, Any]:
    return {
        "kind": correction.kind,
        "text": correction.text,
        "created": correction.created_at.isoformat(),
    }


def story_as_ninjs(article: Article, publisher: Publisher) -> dict[str, Any]:
    """The story's ninjs with its corrections, clarifications and updates, oldest first, as
    descriptions whose role says which (the corrections must be prefetched or are queried)."""
    document = article_as_ninjs(article, publisher)
    document["version"] = str(article.version)
    notes = [
        {
            "role": correction.kind,
            "contentType": "text/plain",
            "value": f"{correction.get_kind_display()} ({correction.created_at:%Y-%m-%d}): "
            f"{correction.text}",
        }
        for correction in article.corrections.all()
    ]
    if notes:
        document.setdefault("descriptions", []).extend(notes)
    return document


def withdrawal(article: Article) -> ArticleTransition | None:
    """The step that withdrew a story that had been public, if it was withdrawn."""
    if article.status != Article.Status.WITHDRAWN:
        return None
    return article.transitions.filter(name="withdraw").order_by("-created_at", "-pk").first()


def withdrawal_as_ninjs(
    article: Article, step: ArticleTransition, publisher: Publisher
) -> dict[str, Any]:
    """A withdrawn story for partners' systems: "canceled", with the reason, and nothing of the
    story itself but its address."""
    reason = step.note or "Withdrawn by the publisher."
    document: dict[str, Any] = {
        "standard": NINJS_STANDARD,
        "uri": absolute_url(article.get_absolute_url()),
        "type": "text",
        "version": str(article.version),
        "pubStatus": "canceled",
        "versionCreated": step.created_at.isoformat(),
        "edNote": f"Withdrawn: {reason} Remove every copy of this story.",
        "descriptions": [{"role": "withdrawal", "contentType": "text/plain", "value": reason}],
        "copyrightHolder": publisher.name,
        "infoSources": [{"name": publisher.name, "role": "originfo", "uri": absolute_url("/")}],
    }
    if article.publish_at:
        document["firstCreated"] = article.publish_at.isoformat()
    return document
