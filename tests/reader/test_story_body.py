"""The reader's page expands the body's photo and embed figures, cheaply and privately."""

import pytest

from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db


def test_an_inline_photo_uses_the_same_responsive_renditions_as_the_lead(client, publisher):
    photo = make_photo(caption="Quay at night.", may_republish=False)
    article = make_article(body=f'<p>One.</p><figure data-photo-id="{photo.pk}"></figure>')
    page = client.get(article.get_absolute_url()).content.decode()
    for url, width, _height in photo.sources("webp") + photo.sources("jpeg"):
        assert f"{url} {width}w" in page
    assert 'loading="lazy"' in page
    assert "Quay at night." in page and photo.credit_line in page


def test_an_embed_is_a_placeholder_that_loads_nothing_from_the_provider(client, publisher):
    article = make_article(
        body='<p>Watch:</p><figure data-embed="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
        "</figure>"
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'data-embed-frame="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page
    assert "Load content from YouTube" in page
    assert "<iframe" not in page
    assert "<script" not in page.split('class="article__body"')[1].split("</div>")[0]
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in page
    assert "https://www.youtube-nocookie.com" in client.get("/").headers.get(
        "Content-Security-Policy", ""
    )


def test_page_queries_do_not_grow_with_the_number_of_inline_photos(
    client, publisher, django_assert_max_num_queries
):
    photos = [make_photo() for _ in range(6)]
    one = make_article(body=f'<figure data-photo-id="{photos[0].pk}"></figure>')
    many = make_article(
        body="".join(
            f'<p>{n}</p><figure data-photo-id="{p.pk}"></figure>' for n, p in enumerate(photos)
        )
    )
    for article in (one, many):
        # The page's budget (tests/site/test_query_budgets.py), one for the inline photos and
        # one for the breaking-news banners, read into the cache by the first page only.
        with django_assert_max_num_queries(9):
            assert client.get(article.get_absolute_url()).status_code == 200


def test_a_cached_page_shows_an_inline_photos_new_caption_at_once(client, publisher):
    photo = make_photo(caption="Cranes stand idle.")
    article = make_article(body=f'<p>One.</p><figure data-photo-id="{photo.pk}"></figure>')
    url = article.get_absolute_url()
    assert "Cranes stand idle." in client.get(url).content.decode()
    photo.caption = "Cranes idle at dawn."
    photo.save()
    assert "Cranes idle at dawn." in client.get(url).content.decode()
