from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("insights/", views.dashboard, name="dashboard"),
    path("insights/specialisation/", views.specialisation, name="specialisation"),
    path("insights/indicators/", views.indicator_list, name="indicators"),
    path("insights/indicators/import/", views.indicator_import, name="indicator-import"),
    path("insights/indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("regions/<str:code>/", views.region_page, name="region"),
]
