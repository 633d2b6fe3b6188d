from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from continuum.api.api import api

admin.site.site_header = "Continuum administration"
admin.site.site_title = "Continuum administration"
# The admin signs in through allauth, so its log-in has the same lock-out and second factor as every other.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("continuum.portal.urls")),
    path("", include("continuum.intake.urls")),
    path("agencies/", include("continuum.agencies.urls")),
    path("", include("continuum.accounts.urls")),
    path("sites/", include("continuum.sites.public_urls")),
    path("sites/", include("continuum.assessment.public_urls")),
    path("workspace/sites/", include("continuum.sites.urls")),
    path("workspace/sites/<id:site_pk>/plan/", include("continuum.workplans.urls")),
    path("workspace/sites/<id:site_pk>/implementation/", include("continuum.assessment.urls")),
    path("workspace/sites/<id:site_pk>/", include("continuum.delivery.urls")),
    path("reports/", include("continuum.reports.public_urls")),
    path("methods/", include("continuum.datasets.methods_urls")),
    path("workspace/sites/<id:site_pk>/reports/", include("continuum.reports.urls")),
    path("workspace/sites/<id:site_pk>/data/", include("continuum.datasets.urls")),
    path("", include("continuum.critac.urls")),
    path("", include("continuum.feedback.urls")),
    path("", include("continuum.notifications.urls")),
    path("workspace/metrics/", include("continuum.metrics.urls")),
    path("workspace/search/", include("continuum.search.urls")),
    path("workspace/data-dictionary/", include("continuum.datasets.dictionary_urls")),
    path("api/", api.urls),
    path("workspace/api-tokens/", include("continuum.api.urls")),
    path("history/", include("continuum.audit.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
