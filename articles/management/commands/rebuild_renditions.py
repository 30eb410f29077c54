from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.models import ImageCredit
from photos import images


class Command(BaseCommand):
    help = (
        "Make every photo's public renditions again from its private original (after changing "
        "PHOTO_RENDITION_WIDTHS, or to repair lost files). Safe to interrupt: each photo is "
        "finished before the next, and a second run with --missing picks up where it stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Only photos whose renditions are absent, outdated or missing a file.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many photos would be rebuilt."
        )

    def handle(self, *args, missing=False, dry_run=False, **options):
        photos = ImageCredit.objects.exclude(image="").order_by("pk")
        if missing:
            photos = [photo for photo in photos.iterator() if self.needs_rebuild(photo)]
        else:
            photos = list(photos)
        if dry_run:
            self.stdout.write(f"{len(photos)} photo(s) would be rebuilt.")
            return
        done, failed = 0, []
        try:
            for photo in tqdm(photos, desc="Renditions", unit="photo"):
                try:
                    self.adopt_public_original(photo)
                    photo.make_renditions(force=not missing)
                except OSError as error:  # a missing or unreadable original: report, go on
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
    def adopt_public_original(photo):
        """Move an original uploaded before originals were private out of public media."""
        name = photo.image.name
        if photo.image.storage.exists(name) or not default_storage.exists(name):
            return
        with default_storage.open(name) as public_copy:
            photo.image.storage.save(name, public_copy)
        default_storage.delete(name)
        photo.read_original()
        ImageCredit.objects.filter(pk=photo.pk).update(
            content_hash=photo.content_hash, width=photo.width, height=photo.height
        )

    @staticmethod
    def needs_rebuild(photo):
        names = images.rendition_names(photo.renditions)
        return photo.renditions_outdated or not names or not all(map(images.exists, names))
