from colombe.mailing import bounce_urls, circular_urls, newsletter_urls

app_name = "mailing"

urlpatterns = circular_urls.urlpatterns + newsletter_urls.urlpatterns + bounce_urls.urlpatterns
