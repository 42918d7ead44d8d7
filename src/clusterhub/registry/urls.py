from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("clusters/", views.cluster_list, name="cluster-list"),
    path("clusters/new/", views.organisation_create, {"cluster": True}, name="cluster-create"),
    path("clusters/export.<str:fmt>", views.cluster_export, name="cluster-export"),
    path("clusters/<slug:slug>/", views.cluster_detail, name="cluster-detail"),
    path("clusters/<slug:slug>/edit/", views.cluster_edit, name="cluster-edit"),
    path("clusters/<slug:slug>/members/", views.cluster_members, name="cluster-members"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/export.<str:fmt>", views.organisation_export, name="organisation-export"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation-edit"),
    path("organisations/<slug:slug>/team/", views.team, name="team"),
    path("organisations/<slug:slug>/team/join/", views.team_join, name="team-join"),
    path(
        "organisations/<slug:slug>/memberships/<int:pk>/",
        views.membership_answer,
        name="membership-answer",
    ),
    path("organisations/<slug:slug>/history/", views.history, name="history"),
    path("map/", views.cluster_map, name="map"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
