from django.urls import path

from . import views, views_jury

app_name = "calls"

urlpatterns = [
    path("calls/", views.call_list, name="call-list"),
    path("calls/new/", views_jury.edit_call, name="new"),
    path("calls/<slug:slug>/", views.call_detail, name="call"),
    path("calls/<slug:slug>/manage/edit/", views_jury.edit_call, name="edit"),
    path("calls/<slug:slug>/apply/", views.start, name="start"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<int:pk>/co-applicants/", views.co_applicants, name="co-applicants"),
    path("applications/<int:pk>/dossier.pdf", views_jury.dossier, name="dossier"),
    path("calls/<slug:slug>/results/", views_jury.results, name="results"),
    path("calls/<slug:slug>/manage/", views_jury.manage, name="manage"),
    path("calls/<slug:slug>/manage/jury/", views_jury.jury, name="jury"),
    path("calls/<slug:slug>/manage/rubric/", views_jury.rubric, name="rubric"),
    path("calls/<slug:slug>/manage/export.<str:fmt>", views_jury.export, name="export"),
    path("calls/<slug:slug>/reviews/", views_jury.my_reviews, name="my-reviews"),
    path("juries/<int:pk>/", views_jury.invitation, name="invitation"),
    path("reviews/<int:pk>/", views_jury.review, name="review"),
]
