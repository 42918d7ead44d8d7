from .urls_dashboards import urlpatterns as dashboards
from .urls_figures import urlpatterns as figures

app_name = "insights"

urlpatterns = [*dashboards, *figures]
