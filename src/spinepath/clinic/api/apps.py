from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "spinepath.clinic.api"
    label = "api"
    verbose_name = "JSON API"
