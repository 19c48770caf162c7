from django.urls import path

from peerpath.enrollment import views

app_name = "enrollment"
urlpatterns = [
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("<slug:slug>/", views.signup, name="signup"),
    path("<slug:slug>/", views.signup, name="run"),  # the run's public page is its sign-up page
    path("<slug:slug>/signed-up/", views.signup_done, name="signup_done"),
    path("<slug:slug>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:slug>/import/", views.import_learners, name="import"),
]
