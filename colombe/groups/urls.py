from django.urls import path

from colombe.groups import views

app_name = "groups"

# services.RESERVED_SLUGS lists the first segments used here so no group slug shadows them.
urlpatterns = [
    path("", views.group_list, name="list"),
    path("nouveau/", views.create, name="create"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/modifier/", views.edit, name="edit"),
    path("<slug:slug>/inviter/", views.invite, name="invite"),
    path("<slug:slug>/rejoindre/", views.join, name="join"),
    path("<slug:slug>/quitter/", views.leave, name="leave"),
    path("<slug:slug>/gerer/", views.manage, name="manage"),
    path(
        "<slug:slug>/invitations/<int:pk>/retirer/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("<slug:slug>/demandes/<int:pk>/accepter/", views.approve_request, name="approve_request"),
    path("<slug:slug>/demandes/<int:pk>/refuser/", views.reject_request, name="reject_request"),
    path("<slug:slug>/membres/", views.members, name="members"),
    path("<slug:slug>/membres/<int:pk>/retirer/", views.remove_member, name="remove_member"),
    path("<slug:slug>/membres/<int:pk>/role/", views.change_role, name="change_role"),
    path("<slug:slug>/discussions/", views.threads, name="threads"),
    path("<slug:slug>/discussions/nouvelle/", views.new_thread, name="new_thread"),
    path("<slug:slug>/discussions/<int:pk>/", views.thread, name="thread"),
    path("<slug:slug>/discussions/<int:pk>/repondre/", views.reply, name="reply"),
    path("<slug:slug>/messages/<int:pk>/modifier/", views.edit_post, name="edit_post"),
    path("<slug:slug>/messages/<int:pk>/supprimer/", views.delete_post, name="delete_post"),
    path("<slug:slug>/messages/<int:pk>/masquer/", views.hide_post, name="hide_post"),
    path("<slug:slug>/messages/<int:pk>/afficher/", views.unhide_post, name="unhide_post"),
    path("<slug:slug>/documents/", views.documents, name="documents"),
    path("<slug:slug>/documents/ajouter/", views.upload, name="upload"),
    path("<slug:slug>/documents/<int:pk>/", views.document, name="document"),
    path("<slug:slug>/documents/<int:pk>/nouvelle-version/", views.new_version, name="new_version"),
    path(
        "<slug:slug>/documents/<int:pk>/versions/<int:number>/telecharger/",
        views.download,
        name="download",
    ),
]
