from django.urls import path

from . import steps, views

app_name = "intake"
urlpatterns = [
    path("", views.start, name="start"),
    path("i/<str:token>/", steps.resume, name="step"),
    path("i/<str:token>/step/<int:number>/", steps.page, name="page"),
    path("i/<str:token>/back/", steps.back, name="back"),
    path("i/<str:token>/answers/", views.review, name="review"),
    path("i/<str:token>/emergency/", views.emergency, name="emergency"),
    path("i/<str:token>/result/", views.result, name="result"),
    path("i/<str:token>/diary/", views.diary, name="diary"),
    path("i/<str:token>/summary/", views.summary, name="summary"),
    path("i/<str:token>/contact/", views.contact, name="contact"),
]
