from django.urls import include, path

app_name = "mediatheque"
urlpatterns = [
    path("", include("colombe.mediatheque.item_urls")),
    path("", include("colombe.mediatheque.media_urls")),
]
