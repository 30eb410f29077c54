from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from photos import get_photo_model
from photos.metadata import inspect_original
from photos.renditions import (
    exists,
    is_current,
    make_renditions,
    record_failure,
    rendition_inputs,
    rendition_names,
)


class Command(BaseCommand):
    help = (
        "Make every photo's public renditions again from its private original (after changing "
        "PHOTO_RENDITION_WIDTHS, or to repair lost files), here rather than through the task "
        "queue. Safe to interrupt: each photo is finished before the next, and a second run "
        "with --missing picks up where it stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Only photos whose renditions are absent, outdated or missing a file.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many photos would be rebuilt."
        )

    def handle(
        self, *args: Any, missing: bool = False, dry_run: bool = False, **options: Any
    ) -> None:
        library = get_photo_model()._default_manager.exclude(image="").order_by("pk")
        photos: list[Any]  # PHOTOS_MODEL's, with the fields photos.renditions uses
        if missing:
            photos = [photo for photo in library.iterator() if self.needs_rebuild(photo)]
        else:
            photos = list(library)
        if dry_run:
            self.stdout.write(f"{len(photos)} photo(s) would be rebuilt.")
            return
        done, failed = 0, []
        try:
            for photo in tqdm(photos, desc="Renditions", unit="photo"):
                try:
                    self.adopt_public_original(photo)
                    make_renditions(photo, force=not missing)
                except OSError as error:  # a missing or unreadable original: report, go on
                    record_failure(photo, rendition_inputs(photo), error)
                    failed.append(f"photo {photo.pk} ({photo.image.name}): {error}")
                    continue
                done += 1
        except KeyboardInterrupt:
            raise CommandError(
                f"Interrupted after {done} of {len(photos)} photo(s); every finished photo is "
                "complete. Run `manage.py rebuild_renditions --missing` to finish."
            ) from None
        for failure in failed:
            self.stderr.write(f"Could not rebuild {failure}")
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the renditions of {done} photo(s)."))
        if failed:
            raise CommandError(f"{len(failed)} photo(s) could not be rebuilt; see above.")

    @staticmethod
    def adopt_public_original(photo: Any) -> None:
        """Move an original uploaded before originals were private out of public media."""
        name = photo.image.name
        if photo.image.storage.exists(name) or not default_storage.exists(name):
            return
        with default_storage.open(name) as public_copy:
            photo.image.storage.save(name, public_copy)
        default_storage.delete(name)
        with photo.image.open("rb") as file:
            original = inspect_original(file)
        photo.content_hash = original.content_hash
        photo.width, photo.height = original.width, original.height
        type(photo)._default_manager.filter(pk=photo.pk).update(
            content_hash=photo.content_hash, width=photo.width, height=photo.height
        )

    @staticmethod
    def needs_rebuild(photo: Any) -> bool:
        names = rendition_names(photo.renditions)
        return not is_current(photo.renditions) or not names or not all(map(exists, names))
