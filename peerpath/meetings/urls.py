from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("group/<int:group_id>/", views.group_page, name="group"),
    path("group/<int:group_id>/manage/", views.group_manage, name="group_manage"),
    path("group/<int:group_id>/calendar.ics", views.group_calendar, name="group_calendar"),
    path("<int:meeting_id>/invite.ics", views.meeting_invite, name="meeting_invite"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("rsvp/<str:token>/", views.rsvp, name="rsvp"),
    path("attendance/<str:token>/", views.attendance, name="attendance"),
    path("handover/<str:token>/", views.handover, name="handover"),
    path("feedback/<str:token>/", views.feedback, name="feedback"),
    path("visits/", views.my_visits, name="my_visits"),
    path("runs/<int:run_id>/facilitators/", views.facilitator_pool, name="facilitator_pool"),
]
