"""Placeholder routes: replaced by the feature's real views."""

from django.http import Http404
from django.urls import path


def _todo(request, public_id):
    raise Http404


urlpatterns = [
    path("<uuid:public_id>/initial_phase/", _todo, name="initial_phase"),
    path("<uuid:public_id>/formulation/", _todo, name="formulation"),
    path("<uuid:public_id>/contract/", _todo, name="contract"),
]
