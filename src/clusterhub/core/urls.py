from django.urls import path

from . import views, views_jobs

urlpatterns = [
    path("<int:pk>/", views_jobs.job_page, name="job"),
    path("<int:pk>/panel/", views_jobs.job_panel, name="job-panel"),
    path("<int:pk>/download/", views_jobs.job_download, name="job-download"),
    path("<int:pk>/retry/", views_jobs.job_retry, name="job-retry"),
]

# Mounted at the site's root (not under jobs/): the health check of load balancers and monitors.
health_urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
