"""The admin staff work in, one module per area; importing them registers their ModelAdmins."""

from desk.admin import articles, history, live, masthead, photos, republication, tags  # noqa: F401
