from django.urls import path

from republication import views

app_name = "republication"

urlpatterns = [
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
    path("republishing/", views.TermsView.as_view(), name="terms"),
    path(
        "republishing/embargoed/<str:token>/",
        views.EmbargoShareView.as_view(),
        name="embargo-share",
    ),
    path(
        "republishing/embargoed/<str:token>/ninjs.json",
        views.EmbargoShareNinjsView.as_view(),
        name="embargo-share-ninjs",
    ),
    path(
        "republishing/embargoed/<str:token>/copied/",
        views.embargo_share_copied,
        name="embargo-share-copied",
    ),
]
