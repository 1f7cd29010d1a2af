from colombe.meetings import after_urls, room_urls, schedule_urls

app_name = "meetings"

# Three parts: scheduling (agenda, invitations, registration, iCal), the room (lobby,
# live meeting, moderation) and what comes after (attendance, recordings, minutes).
urlpatterns = schedule_urls.urlpatterns + room_urls.urlpatterns + after_urls.urlpatterns
