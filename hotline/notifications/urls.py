from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("channels/sms/inbound/", views.sms_inbound, name="sms-inbound"),
    path("callbacks/<int:pk>/done/", views.callback_done, name="callback-done"),
]
