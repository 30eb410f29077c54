"""Reads an admin form as a browser would, so tests can POST it back with a field changed."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self._select = None
        self._textarea = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._add(attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = attrs["name"]
            self.data.setdefault(self._select, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._add(self._textarea, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            # A textarea's first newline is not part of its value.
            self.data[self._textarea][-1] += (
                data.removeprefix("\n") if not self.data[self._textarea][-1] else data
            )


def read_form(html, form_id):
    """The fields of the form with this id, as {name: value or [values]}, ready to POST."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return {name: values[0] if len(values) == 1 else values for name, values in reader.data.items()}


def admin_form(client, url):
    """The admin add or change form at ``url``, read from the page."""
    response = client.get(url)
    assert response.status_code == 200, url
    model_name = url.strip("/").split("/")[2]
    return read_form(response.content.decode(), f"{model_name}_form")


def photo_form_data(**fields):
    """The photo admin's add form, filled in as a browser sends it (no file yet)."""
    empty = ["alt_text", "caption", "photographer", "agency", "providers", "suffix"]
    empty += ["credit_override", "reference_id", "special_instructions", "copyright_notice"]
    return dict.fromkeys(empty, "") | {"focal_x": "0.5", "focal_y": "0.5", "_save": "Save"} | fields
