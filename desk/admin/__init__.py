"""The admin staff work in, one module per area; importing them registers their ModelAdmins."""

from desk.admin import (  # noqa: F401
    articles,
    curation,
    history,
    live,
    masthead,
    photos,
    republication,
    series,
    tags,
)
