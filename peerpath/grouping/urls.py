from django.urls import path

from peerpath.grouping import views

app_name = "grouping"
urlpatterns = [
    path("runs/", views.staff_runs, name="staff_runs"),
    path("runs/<slug:slug>/", views.staff_run, name="staff_run"),
    path("runs/<slug:slug>/<str:action>/", views.staff_run_action, name="staff_run_action"),
]
