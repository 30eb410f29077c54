from django.urls import path, re_path

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
    # Tag slugs keep the letters of any script (a tag in Arabic has an Arabic slug).
    re_path(r"^tag/(?P<slug>[-\w]+)/$", views.TagView.as_view(), name="tag"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("republishing/", views.TermsView.as_view(), name="terms"),
]
