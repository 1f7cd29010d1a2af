"""Presenters at work on their show's episodes: add, edit, publish or withdraw, delete,
and keep a replay in the archive."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from colombe.core.object_views import visible_object_view
from colombe.radio import forms, programme, services
from colombe.radio.models import Episode, Show
from colombe.radio.programme_views import episode_view


def warn_if_off_schedule(request: HttpRequest, episode: Episode) -> None:
    """An air time outside the show's slots is allowed (an exceptional broadcast is put
    in the schedule separately), but the episode will not play by itself."""
    if episode.airs_at is None:
        return
    if programme.airing_of(episode.show, episode.airs_at) is None:
        messages.warning(
            request,
            _(
                "The air time is not within one of the show's slots: the episode will not "
                "play on air by itself."
            ),
        )


def saved(request: HttpRequest, episode: Episode) -> HttpResponse:
    messages.success(request, _("The episode is saved."))
    warn_if_off_schedule(request, episode)
    return redirect(episode)


@visible_object_view(Show, perm="radio.edit_show")
def episode_create(request: HttpRequest, show: Show) -> HttpResponse:
    form = forms.EpisodeForm(request.POST or None, request.FILES or None, user=request.user)
    context: dict[str, Any] = {"form": form, "show": show}
    if request.method != "POST":
        return render(request, "radio/episode_form.html", context)
    if not form.is_valid():
        return render(request, "radio/episode_form.html", context, status=422)
    episode = services.create_episode(
        request.user,
        show,
        upload=form.cleaned_data["audio_upload"],
        source_item=form.cleaned_data["source_item"],
        **form.episode_fields(),
    )
    return saved(request, episode)


@episode_view(perm="radio.edit_show")
def episode_edit(request: HttpRequest, episode: Episode) -> HttpResponse:
    form = forms.EpisodeForm(
        request.POST or None, request.FILES or None, instance=episode, user=request.user
    )
    context: dict[str, Any] = {"form": form, "show": episode.show, "episode": episode}
    if request.method != "POST":
        return render(request, "radio/episode_form.html", context)
    if not form.is_valid():
        return render(request, "radio/episode_form.html", context, status=422)
    services.update_episode(
        request.user,
        episode,
        upload=form.cleaned_data["audio_upload"],
        source_item=form.cleaned_data["source_item"],
        **form.episode_fields(),
    )
    return saved(request, episode)


def confirm(request: HttpRequest, episode: Episode, **texts: str) -> HttpResponse:
    context = {
        "episode": episode,
        "show": episode.show,
        "cancel_url": episode.get_absolute_url(),
        **texts,
    }
    return render(request, "radio/confirm.html", context)


@episode_view(perm="radio.edit_show")
def episode_publish(request: HttpRequest, episode: Episode) -> HttpResponse:
    if request.method != "POST":
        when = episode.airs_at
        question = _("Listeners and podcast apps will get it.")
        if when is not None and when > timezone.now():
            question = _("Listeners and podcast apps will get it once it has been on air.")
        return confirm(
            request,
            episode,
            page_title=_("Publish “%(title)s”?") % {"title": episode.title},
            question=question,
            submit_label=_("Publish the episode"),
            submit_class="button",
        )
    try:
        services.publish_episode(request.user, episode)
    except services.RadioActionError as error:
        messages.warning(request, error.message)
        return redirect(episode)
    messages.success(request, _("The episode is published."))
    return redirect(episode)


@episode_view(perm="radio.edit_show")
def episode_unpublish(request: HttpRequest, episode: Episode) -> HttpResponse:
    if request.method != "POST":
        return confirm(
            request,
            episode,
            page_title=_("Withdraw “%(title)s”?") % {"title": episode.title},
            question=_(
                "It goes back to the drafts: listeners no longer see it, and podcast apps "
                "remove it at their next update."
            ),
            submit_label=_("Withdraw the episode"),
            submit_class="button danger",
        )
    services.unpublish_episode(request.user, episode)
    messages.success(request, _("The episode is back in the drafts."))
    return redirect(episode)


@episode_view(perm="radio.edit_show")
def episode_delete(request: HttpRequest, episode: Episode) -> HttpResponse:
    if request.method != "POST":
        return confirm(
            request,
            episode,
            page_title=_("Delete “%(title)s”?") % {"title": episode.title},
            question=_(
                "The episode and its audio will be deleted for good. A replay kept in "
                "La mémoire stays there."
            ),
            submit_label=_("Delete the episode"),
            submit_class="button danger",
        )
    show = episode.show
    services.delete_episode(request.user, episode)
    messages.success(request, _("The episode has been deleted."))
    return redirect(show)


@episode_view(perm="radio.edit_show")
@require_POST
def archive_episode(request: HttpRequest, episode: Episode) -> HttpResponse:
    try:
        item, created = services.archive_episode(request.user, episode)
    except services.RadioActionError as error:
        messages.warning(request, error.message)
        return redirect(episode)
    if created:
        messages.success(request, _("The replay is kept in La mémoire."))
    else:
        messages.info(request, _("This replay is already in La mémoire."))
    return redirect(item)
