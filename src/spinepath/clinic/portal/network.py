"""Where a request came from, for the audit log and for login lockout.

Behind a TLS proxy every request arrives from the proxy, so the client address is taken from
X-Forwarded-For, counting SPINEPATH_PROXY_COUNT trusted proxies from the right (entries further left
can be forged by the client). With no proxy configured, REMOTE_ADDR is used.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    count = int(getattr(settings, "SPINEPATH_PROXY_COUNT", 0))
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count:
            try:
                return str(ipaddress.ip_address(hops[-count]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR") or None
