from django.urls import include, path

app_name = "radio"
urlpatterns = [
    path("", include("colombe.radio.programme_urls")),
    path("", include("colombe.radio.streaming_urls")),
]
