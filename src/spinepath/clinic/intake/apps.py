from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "spinepath.clinic.intake"
    label = "intake"
    verbose_name = "Patient intake"
    default_auto_field = "django.db.models.BigAutoField"
