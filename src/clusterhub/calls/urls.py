from django.urls import path

from . import views

app_name = "calls"

urlpatterns = [
    path("calls/", views.call_list, name="call-list"),
    path("calls/<slug:slug>/", views.call_detail, name="call"),
    path("calls/<slug:slug>/apply/", views.start, name="start"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
