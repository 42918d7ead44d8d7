from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("consultations/", views.consultation_list, name="list"),
    path("consultations/new/", views.edit, name="new"),
    path("consultations/<slug:slug>/", views.detail, name="detail"),
    path("consultations/<slug:slug>/edit/", views.edit, name="edit"),
    path("consultations/<slug:slug>/preview/", views.preview, name="preview"),
    path("consultations/<slug:slug>/invite/", views.invite, name="invite"),
    path("consultations/<slug:slug>/link/", views.send_link, name="send-link"),
    path("consultations/<slug:slug>/verify/<str:token>/", views.verify, name="verify"),
    path("consultations/<slug:slug>/answer/", views.answer, name="answer"),
    path("consultations/<slug:slug>/results/", views.results, name="results"),
    path("consultations/<slug:slug>/results.json", views.data_json, name="results-json"),
    path("consultations/<slug:slug>/results.pdf", views.results_pdf, name="results-pdf"),
    path("consultations/<slug:slug>/answers.<str:fmt>", views.export, name="export"),
    path("consultations/<slug:slug>/statements/", views.statements, name="statements"),
    path("consultations/<slug:slug>/themes/", views.themes, name="themes"),
]
