from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="portal/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="portal:login"), name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("", views.worklist_view, name="worklist"),
    path("worklist.csv", views.worklist_csv, name="worklist_csv"),
    path("case/<uuid:public_id>/", views.case_view, name="case"),
    path("case/<uuid:public_id>/fhir/", views.case_fhir, name="case_fhir"),
    path("audit/", views.audit_log, name="audit"),
]
