from django.urls import path

from peerpath.accounts import views

app_name = "accounts"
urlpatterns = [
    path("signin/", views.signin, name="signin"),
    path("signin/<str:token>/", views.signin_with_link, name="signin_link"),
    path("signout/", views.signout, name="signout"),
]
