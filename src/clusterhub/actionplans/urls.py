from django.urls import path

from . import views

app_name = "actionplans"

urlpatterns = [
    path("action-plans/", views.plan_list, name="list"),
    path("action-plans/new/", views.plan_new, name="new"),
    path("action-plans/<slug:slug>/", views.plan_detail, name="detail"),
    path("action-plans/<slug:slug>/edit/", views.plan_edit, name="edit"),
    path("action-plans/<slug:slug>/actions/new/", views.action_edit, name="action-new"),
    path("action-plans/<slug:slug>/actions/<int:pk>/", views.action_edit, name="action-edit"),
    path(
        "action-plans/<slug:slug>/actions/<int:pk>/delete/",
        views.action_delete,
        name="action-delete",
    ),
    path("action-plans/<slug:slug>/indicators/new/", views.indicator_edit, name="indicator-new"),
    path(
        "action-plans/<slug:slug>/indicators/<int:pk>/", views.indicator_edit, name="indicator-edit"
    ),
    path(
        "action-plans/<slug:slug>/indicators/<int:pk>/value/",
        views.indicator_value,
        name="indicator-value",
    ),
    path("action-plans/<slug:slug>/milestones/new/", views.milestone_edit, name="milestone-new"),
    path(
        "action-plans/<slug:slug>/milestones/<int:pk>/", views.milestone_edit, name="milestone-edit"
    ),
    path("action-plans/<slug:slug>/recommend/", views.recommend, name="recommend"),
    path("action-plans/<slug:slug>/recommendations/<int:pk>/", views.answer, name="answer"),
    path("action-plans/<slug:slug>/plan.xlsx", views.export_xlsx, name="xlsx"),
    path("action-plans/<slug:slug>/plan.pdf", views.export_pdf, name="pdf"),
]
