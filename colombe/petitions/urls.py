from django.urls import path

from colombe.petitions import organiser_views, public_views

app_name = "petitions"

urlpatterns = [
    path("", public_views.petition_list, name="list"),
    path("altcha/defi/", public_views.altcha_challenge, name="altcha_challenge"),
    path("confirmer/<str:token>/", public_views.confirm, name="confirm"),
    path("retirer/<str:token>/", public_views.withdraw, name="withdraw"),
    path("gerer/", organiser_views.mine, name="mine"),
    path("gerer/nouvelle/", organiser_views.create, name="create"),
    path("<slug:slug>/", public_views.detail, name="detail"),
    path("<slug:slug>/signer/", public_views.sign, name="sign"),
    path("<slug:slug>/compteur/", public_views.counter, name="counter"),
    path("<slug:slug>/image.png", public_views.og_image_view, name="og_image"),
    path("<slug:slug>/widget/", public_views.widget, name="widget"),
    path("<slug:slug>/partager/mastodon/", public_views.share_mastodon, name="share_mastodon"),
    path("<slug:slug>/gerer/", organiser_views.manage, name="manage"),
    path("<slug:slug>/modifier/", organiser_views.edit, name="edit"),
    path("<slug:slug>/historique/", organiser_views.revisions, name="history"),
    path("<slug:slug>/publier/", organiser_views.publish, name="publish"),
    path("<slug:slug>/clore/", organiser_views.close, name="close"),
    path("<slug:slug>/statistiques/", organiser_views.statistics, name="stats"),
    path("<slug:slug>/export.csv", organiser_views.export_signatures, name="export_csv"),
    path("<slug:slug>/remise.csv", organiser_views.export_delivery, name="delivery_csv"),
    path("<slug:slug>/feuille.pdf", organiser_views.paper_sheet, name="paper_sheet"),
    path("<slug:slug>/papier/", organiser_views.paper_import, name="paper_import"),
    path("<slug:slug>/papier/rapport/", organiser_views.paper_report, name="paper_report"),
    path("<slug:slug>/papier/saisie/", organiser_views.paper_entry, name="paper_entry"),
]
