"""What the newsroom knows about its partners' use of a story: which stories they may take,
which counted sites are theirs, and which partner pages carry a story."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Max, Prefetch, Q

from articles.models import (
    Article,
    ArticleQuerySet,
    ArticleTransition,
    Licence,
    Publisher,
    RepublicationView,
)
from republication.models import Partner, PartnerRepublication


def licence_filter(publisher: Publisher, licence: str) -> Q:
    """Stories whose licence in force is `licence`: their own, else their section's, else the
    publisher's.

    The SQL twin of the licence part of Article.republication_terms; tests hold them together.
    """
    own = Q(licence=licence)
    from_section = Q(licence="", section__licence=licence)
    if licence == publisher.licence:
        without_section_licence = Q(section__isnull=True) | Q(section__licence="")
        return own | from_section | (Q(licence="") & without_section_licence)
    return own | from_section


def available_to_partners(publisher: Publisher) -> ArticleQuerySet:
    """Published stories partners may republish. Built on Article.objects.published()."""
    stories: ArticleQuerySet = Article.objects.published().exclude(
        licence_filter(publisher, Licence.NONE)
    )
    return stories


def withdrawn_since(since: datetime, publisher: Publisher) -> ArticleQuerySet:
    """Stories partners could take, withdrawn since `since` after they had been public, latest
    withdrawal first; each with its withdrawals (latest first) in `withdrawals`."""
    withdrawals = ArticleTransition.objects.filter(name="withdraw")
    stories: ArticleQuerySet = (
        Article.objects.filter(status=Article.Status.WITHDRAWN)
        .exclude(licence_filter(publisher, Licence.NONE))
        .annotate(
            withdrawn_at=Max("transitions__created_at", filter=Q(transitions__name="withdraw"))
        )
        .filter(withdrawn_at__gte=since)
        .order_by("-withdrawn_at", "-pk")
        .select_related("section")
        .prefetch_related(Prefetch("transitions", queryset=withdrawals, to_attr="withdrawals"))
    )
    return stories


def may_be_republished(article: Article, publisher: Publisher) -> bool:
    """The one rule, asked of each story handed out: the terms in force allow republication."""
    republishable: bool = article.republication_terms(publisher).republishable
    return republishable


def partners_by_host() -> dict[str, Partner]:
    """Every approved partner's registered host names (without "www.")."""
    hosts: dict[str, Partner] = {}
    for partner in Partner.objects.approved():
        for host in partner.host_list:
            hosts.setdefault(host, partner)
    return hosts


def partner_for_site(site: str, hosts: dict[str, Partner]) -> Partner | None:
    """The partner a counted site belongs to: its host or a subdomain of it."""
    name = site.lower().removeprefix("www.")
    while name:
        if name in hosts:
            return hosts[name]
        _first, _dot, name = name.partition(".")
    return None


def attribute_to_partners(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Counted rows (with a "site") with the partner whose site it is, or None."""
    hosts = partners_by_host()
    return [row | {"partner": partner_for_site(row["site"], hosts)} for row in rows]


def pages_carrying(article: Article, limit: int = 50) -> list[dict[str, Any]]:
    """The partner pages known to carry the story: counted by the pixel, and registered by
    partners, most viewed first; each with the partner, where known."""
    counted = attribute_to_partners(
        RepublicationView.objects.filter(article=article).by_page()[:limit]
    )
    pages = [
        {
            "url": row["page_url"] or row["site"],
            "site": row["site"],
            "partner": row["partner"],
            "views": row["total"],
        }
        for row in counted
    ]
    seen = {page["url"] for page in pages}
    for registered in PartnerRepublication.objects.filter(article=article).select_related(
        "partner"
    )[:limit]:
        if registered.page_url not in seen:
            seen.add(registered.page_url)
            pages.append(
                {
                    "url": registered.page_url,
                    "site": "",
                    "partner": registered.partner,
                    "views": None,
                }
            )
    return pages
