"""Placeholder routes: replaced by the feature's real views."""

from django.http import Http404
from django.urls import path


def _todo(request, public_id):
    raise Http404


urlpatterns = [
    path("<uuid:public_id>/inventory/", _todo, name="inventory"),
    path("<uuid:public_id>/timeline/", _todo, name="timeline"),
]
