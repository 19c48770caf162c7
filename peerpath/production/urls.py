from django.urls import path

from peerpath.production import views

app_name = "production"
P = "proposals/<int:pk>/"
urlpatterns = [
    path("", views.board, name="board"),
    path("proposals/new/", views.proposal_new, name="proposal_new"),
    path(P, views.proposal_detail, name="proposal_detail"),
    path(P + "edit/", views.proposal_edit, name="proposal_edit"),
    path(P + "assess/", views.proposal_assess, name="proposal_assess"),
    path(P + "do/<slug:action>/", views.proposal_act, name="proposal_act"),
    path(P + "course/", views.course_link, name="course_link"),
    path(P + "plan/", views.plan_create, name="plan_create"),
    path(
        P + "milestones/<int:milestone_id>/",
        views.milestone_reschedule,
        name="milestone_reschedule",
    ),
    path(P + "milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone_done"),
    path(P + "feedback/", views.round_open, name="round_open"),
    path(P + "feedback/<int:round_id>/comment/", views.comment_add, name="comment_add"),
    path(P + "comments/<int:comment_id>/resolve/", views.comment_resolve, name="comment_resolve"),
    path(P + "bookings/", views.bookings, name="bookings"),
    path(P + "runs/<int:run_id>/open/", views.run_open, name="run_open"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<slug:slug>/", views.review_new, name="review_new"),
    path("programmes/", views.programmes, name="programmes"),
    path("programmes/new/", views.programme_new, name="programme_new"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path(
        "programmes/<int:pk>/groups/<int:group_id>/designer/",
        views.designer_assign,
        name="designer_assign",
    ),
]
