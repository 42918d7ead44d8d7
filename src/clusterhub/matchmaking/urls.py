from django.urls import path

from . import views, views_manage

app_name = "matchmaking"

B2B = "events/<slug:slug>/b2b/"

urlpatterns = [
    # Participants
    path(B2B, views.home, name="home"),
    path(B2B + "profile/", views.profile, name="profile"),
    path(B2B + "opt-out/", views.opt_out, name="opt-out"),
    path(B2B + "people/", views.people, name="people"),
    path(B2B + "people/<int:pk>/", views.person, name="person"),
    path(B2B + "marketplace/", views.marketplace, name="marketplace"),
    path(B2B + "marketplace/new/", views.item_edit, name="item-create"),
    path(B2B + "marketplace/<int:pk>/edit/", views.item_edit, name="item-edit"),
    path(B2B + "marketplace/<int:pk>/delete/", views.item_delete, name="item-delete"),
    path(B2B + "requests/", views.requests_inbox, name="requests"),
    path(B2B + "requests/<int:pk>/answer/", views.request_answer, name="request-answer"),
    path(B2B + "requests/<int:pk>/withdraw/", views.request_withdraw, name="request-withdraw"),
    path(B2B + "agenda/", views.agenda, name="agenda"),
    path(B2B + "agenda.pdf", views.agenda_pdf, name="agenda-pdf"),
    path(B2B + "agenda.ics", views.agenda_ics_view, name="agenda-ics"),
    path(B2B + "follow-up/", views.follow_up, name="follow-up"),
    path(B2B + "meetings/<int:pk>/rate/", views.rate, name="rate"),
    # Organisers
    path(B2B + "manage/", views_manage.setup, name="manage"),
    path(B2B + "manage/sessions/<int:pk>/", views_manage.session_edit, name="manage-session"),
    path(B2B + "manage/types/", views_manage.types, name="manage-types"),
    path(B2B + "manage/participants/", views_manage.participants, name="manage-participants"),
    path(B2B + "manage/schedule/", views_manage.schedule, name="manage-schedule"),
    path(B2B + "manage/meetings/<int:pk>/", views_manage.meeting, name="manage-meeting"),
    path(B2B + "manage/table-plans.pdf", views_manage.table_plans, name="manage-table-plans"),
    path(B2B + "manage/no-shows/", views_manage.no_shows, name="manage-no-shows"),
    path(B2B + "manage/statistics/", views_manage.statistics, name="manage-statistics"),
]
