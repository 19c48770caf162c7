from django.urls import path

from peerpath.progress import views

urlpatterns = [
    path("", views.home, name="home"),
    path("progress/<int:enrolment_id>/done/<int:activity_id>/", views.mark_done, name="mark_done"),
]
