"""What booking announces to the modules above it, so that they depend on booking and not the reverse.

`slot_freed` is sent after a cancellation commits; the waiting list (waitlist.py, connected in
apps.py) offers the time to the next person waiting. Booking itself never imports the waiting list,
which books through booking's services.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with appointment_id (the cancelled appointment) and now (when it was cancelled).
slot_freed = Signal()
