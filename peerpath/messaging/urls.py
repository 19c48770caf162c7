from django.urls import path

from peerpath.messaging import public_views, views

app_name = "messaging"
urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/", views.outbox_message, name="outbox_message"),
    path("runs/<slug:slug>/outbox/", views.run_outbox, name="run_outbox"),
    path("runs/<slug:slug>/plan/", views.run_plan_page, name="run_plan"),
    path("runs/<slug:slug>/plan/now/", views.run_plan_now, name="run_plan_now"),
    path("runs/<slug:slug>/plan/<str:kind>/", views.run_plan_entry, name="run_plan_entry"),
    path("runs/<slug:slug>/templates/<str:kind>/", views.run_template, name="run_template"),
    path("unsubscribe/<str:token>/", public_views.unsubscribe, name="unsubscribe"),
    path("preferences/", public_views.my_preferences, name="my_preferences"),
    path("preferences/<str:token>/", public_views.preferences, name="preferences"),
]
