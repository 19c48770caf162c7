from django.urls import path

from peerpath.grouping import views

app_name = "grouping"
urlpatterns = [
    path("runs/", views.staff_runs, name="staff_runs"),
    path("runs/<slug:slug>/", views.staff_run, name="staff_run"),
    path("runs/<slug:slug>/job/", views.staff_job, name="staff_job"),
    path("runs/<slug:slug>/groups/<int:number>/", views.staff_group, name="staff_group"),
    path(
        "runs/<slug:slug>/groups/<int:number>/<str:action>/",
        views.staff_group_lock,
        name="staff_group_lock",
    ),
    path("runs/<slug:slug>/move/check/", views.staff_move_check, name="staff_move_check"),
    path("runs/<slug:slug>/move/", views.staff_move, name="staff_move"),
    path("runs/<slug:slug>/repair/", views.staff_repair, name="staff_repair"),
    path(
        "runs/<slug:slug>/repair/<str:action>/",
        views.staff_repair_action,
        name="staff_repair_action",
    ),
    path("runs/<slug:slug>/<str:action>/", views.staff_run_action, name="staff_run_action"),
]
