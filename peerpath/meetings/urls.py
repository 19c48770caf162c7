from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("group/<int:group_id>/calendar.ics", views.group_calendar, name="group_calendar"),
    path("<int:meeting_id>/invite.ics", views.meeting_invite, name="meeting_invite"),
]
