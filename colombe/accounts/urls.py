from django.urls import path

from colombe.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.me, name="me"),
    path("profil/", views.edit_profile, name="edit_profile"),
    path("consentements/", views.consents, name="consents"),
    path("mes-donnees/", views.my_data, name="my_data"),
    path("mes-donnees/telecharger/", views.download_my_data, name="download_my_data"),
    path("supprimer/", views.delete_account, name="delete_account"),
    path("personnes/<int:pk>/", views.profile, name="profile"),
]
