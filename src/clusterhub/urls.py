from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from clusterhub import views
from clusterhub.api import api
from clusterhub.core import views as core_views
from clusterhub.core.urls import health_urlpatterns

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.my_clusterhub, name="me"),
    # Bare section addresses answer: a section's first page, or one's own things
    path("partnering/", RedirectView.as_view(pattern_name="partnering:opportunity-list")),
    *(
        path(f"{section}/", RedirectView.as_view(pattern_name="me"))
        for section in ("account", "applications", "reviews", "tickets", "juries")
    ),
    path("", include(health_urlpatterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("account/tokens/", core_views.api_tokens, name="api-tokens"),
    path("account/data/", core_views.personal_data, name="personal-data"),
    path("jobs/", include("clusterhub.core.urls")),
    path("admin/login/", core_views.admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("clusterhub.registry.urls")),
    path("", include("clusterhub.events.urls")),
    path("", include("clusterhub.partnering.urls")),
    path("", include("clusterhub.matchmaking.urls")),
    path("", include("clusterhub.calls.urls")),
    path("", include("clusterhub.consultations.urls")),
    path("", include("clusterhub.news.urls")),
    path("", include("clusterhub.actionplans.urls")),
    path("", include("clusterhub.insights.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
