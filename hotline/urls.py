from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from hotline.workbench.login import ThrottledLoginView

urlpatterns = [
    path("", include("hotline.workbench.urls")),
    path("organisation/", include("hotline.organisation.urls")),
    path("knowledge/", include("hotline.knowledge.urls")),
    path("catalogue/", include("hotline.catalogue.urls")),
    path("", include("hotline.notifications.urls")),
    path("portal/", include("hotline.portal.urls")),
    path("open311/v2/", include("hotline.open311.urls")),
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("hotline.api.urls")),
    path("", include("hotline.health.urls")),
    path("", include("hotline.supervision.urls")),
]

# Errors answer in the format of where they happened (hotline.errors).
handler400 = "hotline.errors.bad_request"
handler403 = "hotline.errors.permission_denied"
handler404 = "hotline.errors.page_not_found"
handler500 = "hotline.errors.server_error"
