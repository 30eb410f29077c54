"""The partner API: read-only, one key per partner, the stories partners may take as ninjs 3.1.

Rights work exactly as in the partner's copy: only published stories whose terms allow
republication (others are not there at all), photos partners may not reuse left out (ninjs.py).
A withdrawn story that had been public answers with a "canceled" ninjs and the reason.
"""

import hashlib
import logging
import math
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as day_time
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_safe

from articles.models import Article, ArticleTransition, Licence, Publisher
from newsroom.lib.urls import absolute_url
from republication.models import Partner, PartnerKey, hash_key
from republication.partners import (
    available_to_partners,
    licence_filter,
    may_be_republished,
    withdrawn_since,
)
from republication.updates import (
    correction_as_dict,
    story_as_ninjs,
    withdrawal,
    withdrawal_as_ninjs,
)

CACHE_PREFIX = "partner-api"
GENERATION_KEY = f"{CACHE_PREFIX}:generation"
RATE_WINDOW_SECONDS = 60
logger = logging.getLogger(__name__)

View = Callable[..., HttpResponse]


class BadQuery(ValueError):
    """A filter the API cannot read: answered with 400 and what was wrong."""


def error(status: int, message: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def retire_cached_answers(**_kwargs: Any) -> None:
    """Any change partners could see retires every cached answer: now, and when it commits
    (so an answer rendered meanwhile from the old rows is not kept)."""

    def bump() -> None:
        try:
            try:
                cache.incr(GENERATION_KEY)
            except ValueError:
                cache.set(GENERATION_KEY, 1, timeout=None)
        except Exception as problem:  # noqa: BLE001 - an unreachable cache must not fail a save
            logger.warning("Partner API cache unavailable: %s", problem)

    bump()
    transaction.on_commit(bump)


def key_from(request: HttpRequest) -> str:
    scheme, _space, key = request.headers.get("Authorization", "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" else ""


def rate_limited(key_hash: str) -> int:
    """Seconds until this key may ask again, or 0. A fixed one-minute window per key."""
    now = time.time()
    window = int(now // RATE_WINDOW_SECONDS)
    counter = f"{CACHE_PREFIX}:rate:{key_hash}:{window}"
    cache.add(counter, 0, timeout=RATE_WINDOW_SECONDS + 5)
    try:
        used = cache.incr(counter)
    except ValueError:  # expired between add and incr
        used = 1
    if used <= settings.PARTNER_API_RATE_LIMIT:
        return 0
    return max(1, math.ceil((window + 1) * RATE_WINDOW_SECONDS - now))


def partner_api(view: View) -> View:
    """A key in `Authorization: Bearer …`, its rate limit, and answers cached for everyone
    (they are the same for every partner) but never by the page cache or a shared cache."""

    @require_safe
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = answer(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Authorization"])
        response["X-Robots-Tag"] = "noindex"
        return response

    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = key_from(request)
        partner = PartnerKey.partner_for(key) if key else None
        if partner is None:
            return error(
                401,
                "An API key is needed: send it as 'Authorization: Bearer <key>'.",
                **{"WWW-Authenticate": 'Bearer realm="partners"'},
            )
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        try:
            wait = rate_limited(hash_key(key))
            generation = cache.get_or_set(GENERATION_KEY, 1, timeout=None)
            cache_key: str | None = f"{CACHE_PREFIX}:{generation}:{path}"
            cached = cache.get(cache_key)
        except Exception as problem:  # noqa: BLE001 - the API outlives its cache, unlimited
            logger.warning("Partner API cache unavailable: %s", problem)
            wait, cache_key, cached = 0, None, None
        if wait:
            return error(429, "Too many requests for this key.", **{"Retry-After": str(wait)})
        if cached is not None:
            status, content = cached
            return HttpResponse(content, status=status, content_type="application/json")
        try:
            response = view(request, partner, *args, **kwargs)
        except BadQuery as problem:
            return error(400, str(problem))
        if cache_key and response.status_code in {200, 404}:
            try:
                cache.set(
                    cache_key,
                    (response.status_code, response.content),
                    timeout=settings.PARTNER_API_CACHE_SECONDS,
                )
            except Exception as problem:  # noqa: BLE001
                logger.warning("Partner API cache unavailable: %s", problem)
        return response

    return wrapped


def as_json(document: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(document, status=status, json_dumps_params={"ensure_ascii": False})


def parse_moment(text: str, name: str) -> datetime | None:
    """A date and time from the query ("+" in an offset arrives as a space), or BadQuery."""
    if not text:
        return None
    moment = parse_datetime(text.replace(" ", "+"))
    if moment is None:
        raise BadQuery(f"{name} must be a date and time, e.g. 2026-11-30T09:00:00Z.")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def filtered(request: HttpRequest, publisher: Publisher) -> Any:
    """The stories available to partners, narrowed by the query's filters."""
    stories = available_to_partners(publisher)
    query = request.GET
    if day_text := query.get("date"):
        day = parse_date(day_text)
        if day is None:
            raise BadQuery("date must be a day, e.g. 2026-11-30.")
        start = timezone.make_aware(datetime.combine(day, day_time.min))
        stories = stories.filter(publish_at__gte=start, publish_at__lt=start + timedelta(days=1))
    if since := parse_moment(query.get("updated_since", ""), "updated_since"):
        stories = stories.filter(updated_at__gte=since)
    if section := query.get("section"):
        stories = stories.filter(section__slug=section)
    if licence := query.get("licence"):
        if licence not in Licence.values or licence == Licence.NONE:
            choices = ", ".join(value for value in Licence.values if value != Licence.NONE)
            raise BadQuery(f"licence must be one of {choices}.")
        stories = stories.filter(licence_filter(publisher, licence))
    return stories.order_by("-publish_at", "-pk")


def page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return absolute_url(f"{request.path}?{urlencode(sorted(query.items()))}")


def paged(
    request: HttpRequest, rows: Any, as_document: Callable[[Any], dict[str, Any] | None]
) -> HttpResponse:
    """One page of `rows` as documents (None leaves a row out), with links to its neighbours."""
    paginator = Paginator(rows, settings.PARTNER_API_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except EmptyPage:
        return error(404, "There is no such page.")
    except PageNotAnInteger:
        raise BadQuery("page must be a whole number.") from None
    documents = (as_document(row) for row in page.object_list)
    return as_json(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "next": page_url(request, page.next_page_number()) if page.has_next() else None,
            "previous": page_url(request, page.previous_page_number())
            if page.has_previous()
            else None,
            "items": [document for document in documents if document is not None],
        }
    )


@partner_api
def story_list(request: HttpRequest, partner: Partner) -> HttpResponse:
    """Stories available to partners, newest first, a page at a time."""
    publisher = Publisher.load()
    stories = (
        filtered(request, publisher)
        .with_listing_related()
        .select_related("live")
        .prefetch_related("tags", "corrections", "inline_photos")
    )

    def as_document(article: Article) -> dict[str, Any] | None:
        if not may_be_republished(article, publisher):
            return None
        return story_as_ninjs(article, publisher)

    return paged(request, stories, as_document)


@partner_api
def withdrawn_list(request: HttpRequest, partner: Partner) -> HttpResponse:
    """Stories withdrawn after they were public (since `since`, else in the last 30 days),
    latest first, each as its "canceled" ninjs with the reason."""
    publisher = Publisher.load()
    since = parse_moment(request.GET.get("since", ""), "since")
    if since is None:
        since = timezone.now() - timedelta(days=30)

    def as_document(article: Article) -> dict[str, Any] | None:
        withdrawals: list[ArticleTransition] = getattr(article, "withdrawals", [])
        if not may_be_republished(article, publisher) or not withdrawals:
            return None
        return withdrawal_as_ninjs(article, withdrawals[0], publisher)

    return paged(request, withdrawn_since(since, publisher), as_document)


def story_for_partners(article_id: int, publisher: Publisher) -> Article | None:
    article: Article | None = (
        available_to_partners(publisher)
        .with_listing_related()
        .select_related("live")
        .prefetch_related("tags", "corrections", "inline_photos")
        .filter(pk=article_id)
        .first()
    )
    if article is None or not may_be_republished(article, publisher):
        return None
    return article


def withdrawn_story(article_id: int, publisher: Publisher) -> dict[str, Any] | None:
    """The "canceled" ninjs of a story partners could take before it was withdrawn."""
    article = Article.objects.filter(pk=article_id, status=Article.Status.WITHDRAWN).first()
    if article is None or not may_be_republished(article, publisher):
        return None
    step = withdrawal(article)
    return withdrawal_as_ninjs(article, step, publisher) if step else None


NOT_FOUND = "No story partners may take has this id."


@partner_api
def story_detail(request: HttpRequest, partner: Partner, article_id: int) -> HttpResponse:
    """One story as ninjs with its corrections; a withdrawn one as "canceled"."""
    publisher = Publisher.load()
    article = story_for_partners(article_id, publisher)
    if article is not None:
        return as_json(story_as_ninjs(article, publisher))
    document = withdrawn_story(article_id, publisher)
    return as_json(document) if document else error(404, NOT_FOUND)


@partner_api
def story_corrections(request: HttpRequest, partner: Partner, article_id: int) -> HttpResponse:
    """A story's corrections, clarifications and updates, oldest first."""
    publisher = Publisher.load()
    article = story_for_partners(article_id, publisher)
    if article is None:
        return error(404, NOT_FOUND)
    return as_json(
        {
            "uri": absolute_url(article.get_absolute_url()),
            "story": absolute_url(reverse("republication:api-story", args=[article.pk])),
            "corrections": [correction_as_dict(note) for note in article.corrections.all()],
        }
    )
