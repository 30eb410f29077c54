from django.urls import path

from republication import api, views

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
    path("partners/register/", views.PartnerRegistrationView.as_view(), name="partner-register"),
    path("api/partners/stories/", api.story_list, name="api-stories"),
    path("api/partners/stories/<int:article_id>/", api.story_detail, name="api-story"),
    path("api/partners/withdrawn/", api.withdrawn_list, name="api-withdrawn"),
    path(
        "api/partners/stories/<int:article_id>/corrections/",
        api.story_corrections,
        name="api-story-corrections",
    ),
]
