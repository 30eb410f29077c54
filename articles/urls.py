from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.FrontPageView.as_view(), name="front-page"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path(
        "articles/<slug:slug>/republish/",
        views.ArticleRepublishView.as_view(),
        name="article-republish",
    ),
    path(
        "articles/<slug:slug>/republish/panel/",
        views.ArticleRepublishPanelView.as_view(),
        name="article-republish-panel",
    ),
    path("articles/<slug:slug>/ninjs.json", views.ArticleNinjsView.as_view(), name="article-ninjs"),
    path(
        "republished/<int:article_id>/pixel.gif",
        views.republication_pixel,
        name="republication-pixel",
    ),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("republishing/", views.TermsView.as_view(), name="terms"),
]
