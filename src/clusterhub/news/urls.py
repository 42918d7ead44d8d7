from django.urls import path

from . import feeds, views

app_name = "news"

urlpatterns = [
    path("news/", views.article_list, name="list"),
    path("news/write/", views.write, name="write"),
    path("news/review/", views.review, name="review"),
    path("news/subscribe/", views.subscribe, name="subscribe"),
    path("news/subscribe/<str:token>/", views.confirm, name="confirm"),
    path("news/subscription/<str:token>/", views.preferences, name="preferences"),
    path("news/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("news/bounces/", views.bounce_webhook, name="bounces"),
    path("news/newsletters/", views.newsletters, name="newsletters"),
    path("news/newsletters/<int:pk>/preview/", views.preview, name="preview"),
    path("news/digest/", views.digest_preview, name="digest"),
    path("news/feed.rss", feeds.NewsFeed(), name="rss"),
    path("news/feed.atom", feeds.AtomNewsFeed(), name="atom"),
    path("news/<str:kind>/<slug:slug>/feed.atom", feeds.AtomNewsFeed(), name="atom-of"),
    path("news/<str:kind>/<slug:slug>/feed.rss", feeds.NewsFeed(), name="rss-of"),
    path("news/<slug:slug>/", views.article, name="article"),
    path("news/<slug:slug>/edit/", views.write, name="edit"),
]
