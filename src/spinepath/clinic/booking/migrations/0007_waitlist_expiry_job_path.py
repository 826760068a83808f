"""Jobs queued before the waiting-list expiry job moved to waitlist.py (commit cd1d648) still name its
old path. The worker could not import it, so those offers would never expire and the next person on the
list would never be asked. Point them at the job where it lives now."""

from django.db import migrations

OLD = "spinepath.clinic.booking.tasks.expire_waitlist_offer"
NEW = "spinepath.clinic.booking.waitlist.expire_waitlist_offer"


def _repoint(apps, old, new):
    jobs = apps.get_model("django_tasks_database", "DBTaskResult")
    jobs.objects.filter(task_path=old).update(task_path=new)


def forwards(apps, schema_editor):
    _repoint(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _repoint(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0006_clinic_duty_email"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
