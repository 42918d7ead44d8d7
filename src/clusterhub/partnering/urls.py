from django.urls import path

from . import views

app_name = "partnering"

urlpatterns = [
    path("opportunities/", views.opportunity_list, name="opportunity-list"),
    path("opportunities/new/", views.opportunity_create, name="opportunity-create"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity"),
    path("opportunities/<int:pk>/edit/", views.opportunity_edit, name="opportunity-edit"),
    path("opportunities/<int:pk>/history/", views.opportunity_history, name="opportunity-history"),
    path(
        "opportunities/<int:pk>/interest/",
        views.opportunity_interest,
        name="opportunity-interest",
    ),
    path(
        "opportunities/<int:pk>/interests/<int:interest_pk>/answer/",
        views.interest_answer,
        name="interest-answer",
    ),
    path(
        "opportunities/<int:pk>/<str:action>/",
        views.opportunity_action,
        name="opportunity-action",
    ),
    path("partners/", views.find_partners, name="find-partners"),
    path("funding-calls/", views.call_list, name="call-list"),
    path("funding-calls/new/", views.call_edit, name="call-create"),
    path("funding-calls/<int:pk>/", views.call_detail, name="call"),
    path("funding-calls/<int:pk>/edit/", views.call_edit, name="call-edit"),
    path(
        "funding-calls/<int:pk>/consortia/new/",
        views.consortium_create,
        name="consortium-create",
    ),
    path("consortia/", views.consortium_list, name="consortium-list"),
    path("consortia/<int:pk>/", views.consortium_detail, name="consortium"),
    path("consortia/<int:pk>/join/", views.consortium_join, name="consortium-join"),
    path("consortia/<int:pk>/invite/", views.consortium_invite, name="consortium-invite"),
    path(
        "consortia/<int:pk>/members/<int:member_pk>/",
        views.consortium_member,
        name="consortium-member",
    ),
    path("consortia/<int:pk>/note/", views.consortium_note, name="consortium-note"),
    path("consortia/<int:pk>/history/", views.consortium_history, name="consortium-history"),
    path("consortia/<int:pk>/checklist/", views.checklist_add, name="checklist-add"),
    path(
        "consortia/<int:pk>/checklist/<int:item_pk>/",
        views.checklist_tick,
        name="checklist-tick",
    ),
    path("consortia/<int:pk>/access/", views.consortium_access, name="consortium-access"),
    path("consortia/<int:pk>/export.<str:fmt>", views.consortium_export, name="consortium-export"),
]
