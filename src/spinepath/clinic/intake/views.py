"""Patient-facing pages. Views stay thin: parse, call the engine or a service, render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def start(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/start.html")
