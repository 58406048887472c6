"""A therapist's calendar feeds; the feed itself is public by its token."""

from django.urls import path

from rapport.scheduling.views import feeds

urlpatterns = [
    path("feeds/", feeds.feed_list, name="feeds"),
    path("feeds/new/", feeds.feed_create, name="feed_create"),
    path("feeds/revoke/", feeds.feed_revoke, name="feed_revoke"),
    path("feed/<str:token>.ics", feeds.feed, name="feed"),
]
