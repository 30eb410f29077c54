from taggit.forms import TagWidget


class TagAutocompleteWidget(TagWidget):
    """taggit's comma-separated tag input, suggesting existing tags as the reporter types.

    Suggestions come from the admin's own autocomplete view (so its permission checks apply);
    new tags can still be typed freely.
    """

    template_name = "desk/widgets/tag_autocomplete.html"

    class Media:
        js = ["js/admin/tag-autocomplete.js"]
