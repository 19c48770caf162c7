"""The project's URLs, plus stand-ins for pages the base template links to that other apps
have not built yet (so these tests do not depend on the order work lands in)."""

from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse

from config import urls as project_urls


def _stand_in(request, *args, **kwargs):
    return HttpResponse("stand-in")


def _missing(name: str) -> bool:
    try:
        reverse(name, urlconf="config.urls")
    except NoReverseMatch:
        return True
    return False


urlpatterns = []
if _missing("home"):
    urlpatterns.append(path("", _stand_in, name="home"))
for namespace, name in [("messaging", "outbox"), ("grouping", "staff_runs")]:
    if _missing(f"{namespace}:{name}"):
        urlpatterns.append(path(f"__stand-in/{namespace}/", include(
            ([path("", _stand_in, name=name)], namespace), namespace=namespace)))
urlpatterns += project_urls.urlpatterns
