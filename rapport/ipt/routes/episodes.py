from django.urls import path

from rapport.ipt.views import episodes

urlpatterns = [
    path("start/<uuid:client_id>/", episodes.episode_start, name="episode_start"),
    path("<uuid:public_id>/", episodes.episode_detail, name="episode"),
]
