from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "spinepath.clinic.booking"
    label = "booking"
    verbose_name = "Booking"
