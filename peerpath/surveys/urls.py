from django.urls import path

from peerpath.surveys import views

app_name = "surveys"
urlpatterns = [
    path("answer/<str:token>/", views.answer, name="answer"),
    path("runs/<slug:slug>/", views.run_surveys, name="run_surveys"),
    path("<int:pk>/results/", views.survey_results, name="results"),
    path("<int:pk>/responses.csv", views.survey_responses_csv, name="responses_csv"),
    path("<int:pk>/<str:action>/", views.survey_action, name="action"),
]
