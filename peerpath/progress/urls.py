from django.urls import path

from peerpath.progress import views

urlpatterns = [
    path("", views.home, name="home"),
    path("progress/<int:enrolment_id>/done/<int:activity_id>/", views.mark_done, name="mark_done"),
    path("progress/done/<str:token>/", views.done_link, name="done_link"),
    path("progress/<int:enrolment_id>/path/", views.learner_path, name="learner_path"),
    path("progress/<int:enrolment_id>/move/", views.move, name="learner_move"),
    path("progress/run/<int:run_id>/", views.run_progress, name="run_progress"),
]
