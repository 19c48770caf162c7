from django.urls import path

from peerpath.courses import views

app_name = "courses"
urlpatterns = [
    path("runs/", views.staff_hub, name="hub"),
    path("runs/<slug:slug>/", views.run_hub, name="run_hub"),
    path("runs/<slug:slug>/group/", views.run_group, name="run_group"),
]
