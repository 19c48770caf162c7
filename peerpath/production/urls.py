from django.urls import path

from peerpath.production import views

app_name = "production"
urlpatterns = [
    path("", views.board, name="board"),
    path("proposals/new/", views.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/assess/", views.proposal_assess, name="proposal_assess"),
    path("proposals/<int:pk>/do/<slug:action>/", views.proposal_act, name="proposal_act"),
]
