from colombe.reports import feed_urls, report_urls

app_name = "reports"

# The feed's fixed paths come first: a report's slug never shadows them.
urlpatterns = feed_urls.urlpatterns + report_urls.urlpatterns
