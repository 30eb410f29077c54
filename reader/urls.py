from django.urls import path, register_converter
from django.urls.converters import SlugConverter

from reader import feeds, live, views


class UnicodeSlugConverter(SlugConverter):
    """Tag slugs keep the letters of any script (a tag in Arabic has an Arabic slug)."""

    regex = r"[-\w]+"


register_converter(UnicodeSlugConverter, "tag_slug")

app_name = "reader"

urlpatterns = [
    path("", views.FrontPageView.as_view(), name="front-page"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("articles/<slug:slug>/live/", live.live_updates, name="article-live"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tag/<tag_slug:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("series/<slug:slug>/", views.SeriesView.as_view(), name="series"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("corrections/", views.CorrectionsView.as_view(), name="corrections"),
    path("corrections/<int:pk>/", views.article_corrections, name="article-corrections"),
    path("feeds/rss/", feeds.ArticleFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.AtomArticleFeed(), name="feed-atom"),
    path("feeds/json/", feeds.json_feed, name="feed-json"),
    path("section/<slug:slug>/rss/", feeds.SectionFeed(), name="section-rss"),
    path("section/<slug:slug>/atom/", feeds.AtomSectionFeed(), name="section-atom"),
    path("author/<slug:slug>/rss/", feeds.AuthorFeed(), name="author-rss"),
    path("author/<slug:slug>/atom/", feeds.AtomAuthorFeed(), name="author-atom"),
    path("tag/<tag_slug:slug>/rss/", feeds.TagFeed(), name="tag-rss"),
    path("tag/<tag_slug:slug>/atom/", feeds.AtomTagFeed(), name="tag-atom"),
    path("series/<slug:slug>/rss/", feeds.SeriesFeed(), name="series-rss"),
    path("series/<slug:slug>/atom/", feeds.AtomSeriesFeed(), name="series-atom"),
    path("preview/<int:pk>/", views.StaffPreviewView.as_view(), name="preview"),
    path("preview/arrangement/<int:pk>/", views.arrangement_preview, name="arrangement-preview"),
    path("preview/shared/<str:token>/", views.PreviewLinkView.as_view(), name="preview-link"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("sitemap.xml", views.sitemap_index, name="sitemap-index"),
    path("sitemap-<slug:section>.xml", views.sitemap_section, name="sitemap-section"),
]
