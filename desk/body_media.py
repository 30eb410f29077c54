"""What the body editor asks the server while a reporter adds a photo or an embed to a story.

The photo picker searches the library (caption, credit, date) and uploads a new photo with its
credit, answering with the few facts the editor shows; the embed check says whether a pasted
address is from an allow-listed provider. The story stores only references (articles/sanitize.py).
"""

from datetime import date

from django.db.models import Q
from django.forms import modelform_factory
from django.http import JsonResponse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django_prose_editor.config import add_tags_and_attributes

from articles.embeds import PROVIDERS, provider_for
from articles.models import ImageCredit
from desk.forms import ImageCreditForm
from photos.metadata import content_hash

PICKER_RESULTS = 24


def figure_references(config, shared_config):
    """What the editor's InlinePhoto and Embed nodes write, for django-prose-editor's config."""
    add_tags_and_attributes(shared_config, ["figure"], {"figure": ["data-photo-id", "data-embed"]})


InlinePhotoUploadForm = modelform_factory(
    ImageCredit,
    form=ImageCreditForm,
    fields=["image", "alt_text", "caption", "photographer", "agency"],
)


def photo_card(photo: ImageCredit) -> dict[str, object]:
    """The facts the editor shows for a photo: a small thumbnail, caption, credit, alt text."""
    jpegs = photo.sources("jpeg")
    return {
        "id": photo.pk,
        "thumbnail": jpegs[0][0] if jpegs else "",
        "caption": photo.caption,
        "credit": photo.credit_line,
        "alt_text": photo.alt_text,
        "may_republish": photo.may_republish,
        "added": photo.created_at.date().isoformat(),
    }


def search_photos(query: str, day: str, ids: str) -> list[ImageCredit]:
    """Newest first: photos whose caption or credit holds every word of `query`, added on `day`
    (YYYY-MM-DD) if given; or exactly the photos `ids` (comma-separated) names."""
    photos = ImageCredit.objects.order_by("-created_at", "-pk")
    if ids:
        wanted = [int(pk) for pk in ids.split(",") if pk.strip().isdigit()]
        return list(photos.filter(pk__in=wanted[:PICKER_RESULTS]))
    for word in query.split():
        photos = photos.filter(
            Q(caption__icontains=word)
            | Q(alt_text__icontains=word)
            | Q(photographer__icontains=word)
            | Q(agency__icontains=word)
            | Q(providers__icontains=word)
            | Q(credit_override__icontains=word)
            | Q(reference_id__iexact=word)
        )
    if day:
        try:
            photos = photos.filter(created_at__date=date.fromisoformat(day))
        except ValueError:
            return []
    return list(photos[:PICKER_RESULTS])


def photo_picker(request) -> JsonResponse:
    params = request.GET
    photos = search_photos(params.get("q", ""), params.get("date", ""), params.get("ids", ""))
    return JsonResponse({"results": [photo_card(photo) for photo in photos]})


def photo_upload(request) -> JsonResponse:
    """POST a photo file with its alt text, caption and credit; a file already in the library
    answers with that photo rather than a second copy."""
    form = InlinePhotoUploadForm(request.POST, request.FILES)
    if form.is_valid():
        photo = form.save()
        return JsonResponse({"photo": photo_card(photo)}, status=201)
    if form.has_error("image", "duplicate"):
        upload = request.FILES["image"]
        upload.seek(0)
        existing = ImageCredit.objects.filter(content_hash=content_hash(upload)).first()
        if existing is not None:
            return JsonResponse({"photo": photo_card(existing), "duplicate": True})
    errors = {
        field: [strip_tags(str(message)) for message in messages]
        for field, messages in form.errors.items()
    }
    return JsonResponse({"errors": errors}, status=400)


def embed_check(request) -> JsonResponse:
    """Whether the address is from a provider the newsroom embeds, and which."""
    url = request.GET.get("url", "").strip()
    provider = provider_for(url)
    if provider is None:
        names = ", ".join(provider.name for provider in PROVIDERS)
        message = _(
            "This address cannot be embedded. Paste the https address of a post, video, "
            "document or chart from one of: %(names)s."
        ) % {"names": names}
        return JsonResponse({"error": message}, status=400)
    return JsonResponse({"url": url, "provider": provider.name})
