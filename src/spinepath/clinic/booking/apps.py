from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "spinepath.clinic.booking"
    label = "booking"
    verbose_name = "Booking"

    def ready(self) -> None:
        from . import signals, waitlist

        # Connected here so that no booking module imports the waiting list (which imports them).
        signals.slot_freed.connect(
            waitlist.offer_freed_slot_on_signal, dispatch_uid="waitlist.offer_freed_slot"
        )
