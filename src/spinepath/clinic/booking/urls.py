from django.urls import path

from . import views

app_name = "booking"
urlpatterns = [
    path("manage/<str:signed>/", views.manage, name="manage"),
    path("manage/<str:signed>/cancel/", views.cancel, name="cancel"),
    path("manage/<str:signed>/appointment.ics", views.calendar, name="calendar"),
    path("manage/<str:signed>/reschedule/", views.reschedule, name="reschedule"),
    path("claim/<str:signed>/", views.claim, name="claim"),
    path("<str:token>/waitlist/", views.join_waitlist, name="waitlist"),
    path("<str:token>/", views.offer, name="offer"),
]
