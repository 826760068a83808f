"""Times, time zones and service names in words, in the reader's language (pages and e-mails alike)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from spinepath.engine import get_knowledge, knowledge_version
from spinepath.engine.text import LocalText, localise

# Cities of the zones a clinic is likely to use, so "Europe/London" reads "London time" / "hora de Londres".
CITIES = {
    "London": gettext_lazy("London"),
    "Dublin": gettext_lazy("Dublin"),
    "Madrid": gettext_lazy("Madrid"),
    "Lisbon": gettext_lazy("Lisbon"),
    "Paris": gettext_lazy("Paris"),
    "Berlin": gettext_lazy("Berlin"),
    "New_York": gettext_lazy("New York"),
    "Mexico_City": gettext_lazy("Mexico City"),
    "Buenos_Aires": gettext_lazy("Buenos Aires"),
    "Bogota": gettext_lazy("Bogotá"),
}


def zone_words(time_zone: str) -> str:
    """'London time' for Europe/London; the zone's last part for a city we do not name ('Oslo time')."""
    city_key = time_zone.rsplit("/", 1)[-1]
    city = str(CITIES.get(city_key, city_key.replace("_", " ")))
    return _("%(city)s time") % {"city": city}


def long_date(moment: datetime, time_zone: str) -> str:
    """'Thursday 3 December 2026' / 'jueves, 3 de diciembre de 2026' in the zone's local time."""
    # Translators: a Django date format (https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date)
    return date_format(moment.astimezone(ZoneInfo(time_zone)), pgettext("date format", "l j F Y"))


def clock(moment: datetime, time_zone: str) -> str:
    return moment.astimezone(ZoneInfo(time_zone)).strftime("%H:%M")


def when(moment: datetime, time_zone: str) -> str:
    """'Thursday 3 December 2026, 09:00 (London time)' in the active language."""
    return _("%(date)s, %(time)s (%(zone)s)") % {
        "date": long_date(moment, time_zone),
        "time": clock(moment, time_zone),
        "zone": zone_words(time_zone),
    }


def service_words(service: object) -> str:
    """A service by its kind, in the reader's language ("New-patient consultation", "Fisioterapia")."""
    kind_label = getattr(service, "get_kind_display", None)
    return str(kind_label()) if callable(kind_label) else str(service)


@cache
def _condition_names(version: str) -> dict[str, LocalText]:
    return {condition.id: condition.name for condition in get_knowledge().conditions}


def condition_name(condition_id: str, language: str, *, fallback: str = "") -> str:
    """A condition's name in `language` from the knowledge base (the stored name if it is unknown)."""
    name = _condition_names(knowledge_version()).get(condition_id)
    if name is None:
        return fallback
    return localise(name, language)


@cache
def _rule_titles(version: str) -> dict[str, LocalText]:
    return {rule.id: rule.title for rule in get_knowledge().rules}


def rule_title(rule_id: str, language: str, *, fallback: str = "") -> str:
    title = _rule_titles(knowledge_version()).get(rule_id)
    return fallback if title is None else localise(title, language)
