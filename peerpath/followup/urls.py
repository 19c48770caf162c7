from django.urls import path

from peerpath.followup import views

app_name = "followup"
urlpatterns = [
    path("run/<int:run_id>/", views.queue, name="queue"),
    path("learner/<int:enrolment_id>/", views.case, name="case"),
    path("course/<int:course_id>/evaluation/", views.evaluation, name="evaluation"),
]
