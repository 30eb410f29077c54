"""The quality bars (tests/reader/test_quality_bars.py) on what curation adds: the demo's front
page with featured stories and a banner, a curated section page, a preview and the arrangement
screen pass the Nu HTML Checker and axe-core."""

import shutil

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from articles.models import Article, Section
from curation.models import Arrangement
from tests.browser_helpers import log_in
from tests.curation.helpers import arrange, make_banner
from tests.reader.test_quality_bars import AXE_JS, AXE_RUN, nu_errors


@pytest.fixture
def curated_demo(demo, editor):
    """The demo newsroom with a front page of a lead and four featured stories, a curated
    section, a draft to preview and a breaking-news banner."""
    stories = list(Article.objects.published().filter(lead_photo__isnull=False)[:5])
    arrange(*stories, slot1={"crop": "1:1", "headline": "A square crop"}, slot2={"crop": "4:3"})
    section = Section.objects.filter(articles__in=Article.objects.published()).first()
    in_section = list(Article.objects.published().filter(section=section)[:2])
    arrange(*in_section, section=section, slot0={"headline": "The section's own lead"})
    draft = arrange(*stories[:2], goes_live_at=None)
    make_banner("Polls have closed: follow the results as they come in")
    return {
        "front": "/",
        "section": section.get_absolute_url(),
        "preview": reverse("reader:arrangement-preview", args=[draft.pk]),
        "screen": reverse("admin:curation_arrangement_change", args=[draft.pk]),
        "banners": reverse("admin:curation_banner_changelist"),
    }


@pytest.mark.slow  # starts a Java virtual machine
@pytest.mark.django_db
def test_curated_pages_pass_the_nu_html_checker(client, tmp_path, curated_demo):
    java = shutil.which("java")
    assert java, "Java is needed for the Nu HTML Checker: apt-get install default-jre-headless"
    client.force_login(User.objects.get(username="eddie"))
    files = []
    for name in ["front", "section", "preview"]:
        response = client.get(curated_demo[name])
        assert response.status_code == 200
        assert "Polls have closed" in response.content.decode()
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    errors = nu_errors(java, files)
    assert not errors, "\n".join(errors)


@pytest.mark.django_db(transaction=True)
def test_curated_pages_and_the_arrangement_screen_pass_axe(new_page, curated_demo):
    assert Arrangement.objects.count() == 4  # the demo's own and the three above
    problems = []
    for scheme in ("light", "dark"):
        page = new_page(color_scheme=scheme, bypass_csp=True)
        log_in(page, "eddie")
        for name, url in curated_demo.items():
            page.goto(url)
            if name == "screen":  # named once its story choosers are set up
                page.wait_for_function(
                    "document.querySelectorAll('.select2-selection[aria-labelledby*=story-name]')"
                    ".length === 5"
                )
            page.add_script_tag(path=str(AXE_JS))
            for violation in page.evaluate(AXE_RUN):
                problems.append(f"{scheme} {name}: {violation}")
    assert not problems, "\n".join(problems)
