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
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("republishing/", views.TermsView.as_view(), name="terms"),
    path("corrections/", views.CorrectionsView.as_view(), name="corrections"),
    path("preview/<int:pk>/", views.StaffPreviewView.as_view(), name="preview"),
    path("preview/shared/<str:token>/", views.PreviewLinkView.as_view(), name="preview-link"),
]
