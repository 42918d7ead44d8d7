from django.urls import path

from . import views, views_manage, views_outputs

app_name = "events"

urlpatterns = [
    # Everyone
    path("events/", views.calendar, name="calendar"),
    path("events/feed.ics", views_outputs.calendar_feed, name="feed"),
    path("events/mine/", views.my_events, name="mine"),
    path("events/<slug:slug>/", views.detail, name="detail"),
    path("events/<slug:slug>/event.ics", views_outputs.event_ics, name="event-ics"),
    path("events/<slug:slug>/sessions/<int:pk>.ics", views_outputs.session_ics, name="session-ics"),
    path("events/<slug:slug>/register/", views.register, name="register"),
    path("events/<slug:slug>/summary/", views.summary, name="summary"),
    path("events/<slug:slug>/materials/<int:pk>/", views.material, name="material"),
    path("tickets/<str:code>/", views.ticket, name="ticket"),
    path("tickets/<str:code>/cancel/", views.cancel, name="cancel"),
    path("tickets/<str:code>/edit/", views.registration_edit, name="registration-edit"),
    # Organisers
    path("events/new/event/", views_manage.create, name="create"),
    path("events/<slug:slug>/manage/", views_manage.dashboard, name="manage"),
    path("events/<slug:slug>/manage/edit/", views_manage.edit, name="edit"),
    path("events/<slug:slug>/manage/agenda/", views_manage.agenda, name="agenda"),
    path("events/<slug:slug>/manage/agenda/<int:pk>/", views_manage.session_edit, name="session"),
    path("events/<slug:slug>/manage/materials/", views_manage.materials, name="materials"),
    path("events/<slug:slug>/manage/questions/", views_manage.questions, name="questions"),
    path(
        "events/<slug:slug>/manage/registrations/", views_manage.registrations, name="registrations"
    ),
    path("events/<slug:slug>/manage/check-in/", views_manage.check_in, name="check-in"),
    path("events/<slug:slug>/manage/team/", views_manage.team, name="team"),
    path("events/<slug:slug>/manage/summary/", views_manage.summary_edit, name="summary-edit"),
    path("events/<slug:slug>/manage/history/", views_manage.history, name="history"),
    # Outputs
    path("events/<slug:slug>/booklet.pdf", views_outputs.booklet, name="booklet"),
    path("events/<slug:slug>/manage/badges.pdf", views_outputs.badges, name="badges"),
    path("events/<slug:slug>/manage/attendance/", views_outputs.attendance, name="attendance"),
    path(
        "events/<slug:slug>/manage/participants.<str:fmt>",
        views_outputs.participants_export,
        name="participants-export",
    ),
]
