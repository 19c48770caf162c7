from django.urls import path

from peerpath.analytics import views

app_name = "analytics"
urlpatterns = [
    path("runs/<slug:slug>/", views.dashboard, name="dashboard"),
    path("runs/<slug:slug>/<str:what>.csv", views.export_csv, name="export"),
    path("report/", views.semester_report, name="semester_report"),
    path("report.pdf", views.semester_report_pdf, name="semester_report_pdf"),
    path("report/decision/", views.board_decision, name="board_decision"),
]
