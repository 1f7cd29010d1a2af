"""Posts: the list, the composer, one post with its review and comments, and recording a
post published by hand on a network without an open API.

Every view of one post resolves it through the policy first (``visible_object_view``):
a post the user may not read answers 404, an action they may not take 403."""

from collections import defaultdict
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from colombe.core import policy
from colombe.core.object_views import visible_object_view
from colombe.outreach import post_forms, publishing, services, sharing
from colombe.outreach.access import members_only
from colombe.outreach.models import (
    TEXT_LIMITS,
    Network,
    Post,
    PostImage,
    PostTarget,
)
from colombe.outreach.policy import EDITABLE, committee_ids, posts_to_review
from colombe.reports import photos

PAGE_SIZE = 20


# The list ----------------------------------------------------------------------------------

TABS = {
    "mine": gettext_lazy("My posts"),
    "review": gettext_lazy("To review"),
    "scheduled": gettext_lazy("Scheduled"),
    "published": gettext_lazy("Published"),
    "committees": gettext_lazy("Drafts of my committees"),
}


def posts_in_tab(user: Any, tab: str) -> QuerySet[Post]:
    posts = policy.visible(Post, user)
    if tab == "review":
        return posts_to_review(user).order_by("submitted_at", "pk")
    if tab == "scheduled":
        return posts.filter(status=Post.Status.SCHEDULED).order_by("scheduled_at", "pk")
    if tab == "published":
        return posts.filter(status=Post.Status.PUBLISHED).order_by("-published_at", "-pk")
    if tab == "committees":
        committees = committee_ids(user)
        unpublished = [*EDITABLE, Post.Status.IN_REVIEW]
        return posts.filter(structure_id__in=committees, status__in=unpublished).order_by(
            "-updated_at", "-pk"
        )
    return posts.filter(author=user).order_by("-updated_at", "-pk")


@members_only
def post_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    tab = request.GET.get("onglet", "mine")
    if tab not in TABS:
        tab = "mine"
    search = post_forms.PostSearchForm(request.GET)
    posts = posts_in_tab(user, tab)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    if query:
        posts = posts.filter(Q(text__icontains=query) | Q(structure__name__icontains=query))
    posts = posts.select_related("structure", "campaign", "author").prefetch_related(
        "targets__account"
    )
    page_obj = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "tabs": list(TABS.items()),
        "tab": tab,
        "search": search,
        "query": query,
        "page_obj": page_obj,
        "query_string": urlencode({"onglet": tab, **({"q": query} if query else {})}),
        "may_draft": policy.has_perm(user, "outreach.draft_post"),
        "review_count": posts_to_review(user).count(),
    }
    return render(request, "outreach/posts/list.html", context)


# The composer --------------------------------------------------------------------------


def account_groups(form: post_forms.PostForm) -> list[tuple[str, list[tuple[Any, Any]]]]:
    """The account checkboxes grouped by network, each with its account."""
    accounts = {account.pk: account for account in form.account_choices}
    groups: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
    for option in form["accounts"]:
        account = accounts[int(str(option.data["value"]))]
        groups[account.get_network_display()].append((option, account))
    return sorted(groups.items())


def composer_data(form: post_forms.PostForm) -> dict[str, Any]:
    """What the live counters need (composer.js): each account's network and limit."""
    accounts = form.account_choices
    return {
        "url_length": services.URL_LENGTH,
        "accounts": {
            str(account.pk): {
                "network": account.get_network_display(),
                "limit": TEXT_LIMITS[Network(account.network)],
            }
            for account in accounts
        },
        "labels": {
            "count": _("%(network)s: %(length)s of %(limit)s characters"),
            "over": _("%(network)s: %(length)s of %(limit)s characters, %(excess)s too many"),
        },
    }


def composer_initial(request: HttpRequest, post: Post | None) -> dict[str, Any]:
    """A new post may come from a campaign's page (?campaign=) or a committee's."""
    if post is None:
        return {
            "structure": request.GET.get("structure"),
            "campaign": request.GET.get("campaign"),
        }
    return {
        "structure": post.structure_id,
        "campaign": post.campaign_id,
        "text": post.text,
        "link_url": post.link_url,
        "accounts": list(post.targets.values_list("account_id", flat=True)),
    }


def composer_page(request: HttpRequest, post: Post | None) -> HttpResponse:
    user: Any = request.user
    form = post_forms.PostForm(
        request.POST or None,
        request.FILES or None,
        user=user,
        post=post,
        initial=composer_initial(request, post),
    )
    context = {
        "form": form,
        "post": post,
        "link_domain": link_domain(post.link_url) if post else "",
        "account_groups": account_groups(form),
        "composer_data": composer_data(form),
        "images": list(post.images.all()) if post else [],
    }
    if request.method != "POST":
        return render(request, "outreach/posts/composer.html", context)
    if not form.is_valid():
        return render(request, "outreach/posts/composer.html", context, status=422)
    try:
        post = save_post(request, post, form)
    except services.PostActionError as error:
        form.add_error(None, error.message)
        return render(request, "outreach/posts/composer.html", context, status=422)
    messages.success(request, _("The post is saved."))
    return redirect(post)


def save_post(request: HttpRequest, post: Post | None, form: post_forms.PostForm) -> Post:
    fields = form.post_fields()
    if post is None:
        post = services.create_post(request.user, **fields)
    else:
        post = services.update_post(request.user, post, **fields)
    for processed, alt_text in form.processed_images:
        try:
            services.add_image(request.user, post, processed, alt_text)
        except services.PostActionError as error:
            messages.warning(request, error.message)
    return post


@login_required
def post_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "outreach.draft_post")
    return composer_page(request, None)


@visible_object_view(Post, lookup="pk", login=True, perm="outreach.edit_post")
def post_edit(request: HttpRequest, post: Post) -> HttpResponse:
    return composer_page(request, post)


# One post ----------------------------------------------------------------------------------


def allowed_actions(user: Any, post: Post) -> dict[str, bool]:
    return {
        "can_edit": policy.has_perm(user, "outreach.edit_post", post),
        "can_review": policy.has_perm(user, "outreach.review_post", post),
        "can_unschedule": policy.has_perm(user, "outreach.unschedule_post", post),
        "can_delete": policy.has_perm(user, "outreach.delete_post", post),
        "can_comment": policy.has_perm(user, "outreach.comment_post", post),
        "can_record": policy.has_perm(user, "outreach.record_publication", post),
    }


def link_domain(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


@visible_object_view(Post, lookup="pk")
def post_detail(request: HttpRequest, post: Post) -> HttpResponse:
    user: Any = request.user
    actions = allowed_actions(user, post)
    context = {
        "post": post,
        "images": list(post.images.all()),
        "hashtags": list(post.hashtags.all()),
        "targets": list(post.targets.select_related("account").order_by("account__network")),
        "reviews": post.reviews.select_related("reviewer").prefetch_related("checked_items"),
        "comments": post.comments.select_related("author"),
        "comment_form": post_forms.CommentForm() if actions["can_comment"] else None,
        "published_text": services.text_as_published(post.text, post.link_url),
        "link_domain": link_domain(post.link_url),
        "manual_target_states": [PostTarget.State.PENDING, PostTarget.State.FAILED],
        **actions,
    }
    return render(request, "outreach/posts/detail.html", context)


def back_to(post: Post, anchor: str = "") -> HttpResponse:
    return redirect(post.get_absolute_url() + (f"#{anchor}" if anchor else ""))


@visible_object_view(Post, lookup="pk", login=True, perm="outreach.delete_post")
def post_delete(request: HttpRequest, post: Post) -> HttpResponse:
    if request.method == "POST":
        services.delete_post(request.user, post)
        messages.success(request, _("The post is deleted."))
        return redirect("outreach:posts")
    return render(request, "outreach/posts/confirm_delete.html", {"post": post})


@visible_object_view(Post, lookup="pk", login=True)
@require_POST
def post_submit(request: HttpRequest, post: Post) -> HttpResponse:
    try:
        services.submit_for_review(request.user, post)
    except services.PostActionError as error:
        messages.warning(request, error.message)
    else:
        messages.success(request, _("The post is sent for review. Reviewers get an email."))
    return back_to(post)


@visible_object_view(Post, lookup="pk", login=True, perm="outreach.review_post")
def post_review(request: HttpRequest, post: Post) -> HttpResponse:
    form = post_forms.ReviewForm(request.POST or None, initial={"scheduled_at": post.scheduled_at})
    context = {
        "post": post,
        "form": form,
        "images": list(post.images.all()),
        "targets": list(post.targets.select_related("account")),
        "published_text": services.text_as_published(post.text, post.link_url),
    }
    if request.method != "POST":
        return render(request, "outreach/posts/review.html", context)
    if not form.is_valid():
        return render(request, "outreach/posts/review.html", context, status=422)
    try:
        decide(request, post, form)
    except services.PostActionError as error:
        form.add_error(None, error.message)
        return render(request, "outreach/posts/review.html", context, status=422)
    return back_to(post)


def decide(request: HttpRequest, post: Post, form: post_forms.ReviewForm) -> None:
    data = form.cleaned_data
    if data["decision"] == "changes_requested":
        services.request_changes(request.user, post, data["comment"], data["checked_items"])
        messages.success(request, _("The author is asked for changes."))
        return
    services.approve_and_schedule(
        request.user, post, form.publication_time(), data["checked_items"], data["comment"]
    )
    messages.success(request, _("The post is approved and scheduled."))


@visible_object_view(Post, lookup="pk", login=True)
@require_POST
def post_unschedule(request: HttpRequest, post: Post) -> HttpResponse:
    try:
        services.unschedule(request.user, post)
    except services.PostActionError as error:
        messages.warning(request, error.message)
    else:
        messages.success(request, _("The post is back in review."))
    return back_to(post)


@visible_object_view(Post, lookup="pk", login=True)
@require_POST
def post_comment(request: HttpRequest, post: Post) -> HttpResponse:
    policy.require(request.user, "outreach.comment_post", post)
    form = post_forms.CommentForm(request.POST)
    if not form.is_valid():
        messages.warning(request, _("Please write your comment."))
        return back_to(post, "comments")
    try:
        services.add_comment(request.user, post, form.cleaned_data["body"])
    except services.PostActionError as error:
        messages.warning(request, error.message)
    return back_to(post, "comments")


# Images ------------------------------------------------------------------------------------


@visible_object_view(Post, lookup="pk")
def post_image(request: HttpRequest, post: Post, image_pk: int) -> HttpResponseBase:
    """An image of a post; ``?telecharger=1`` to save it and post it by hand."""
    image = get_object_or_404(PostImage, post=post, pk=image_pk)
    response = FileResponse(
        image.image.open("rb"),
        content_type=photos.content_type(image.image.name),
        as_attachment="telecharger" in request.GET,
        filename=f"image-{post.pk}-{image.position + 1}.{image.image.name.rsplit('.', 1)[-1]}",
    )
    response["Cache-Control"] = "private, max-age=300"
    return response


@visible_object_view(Post, lookup="pk", login=True)
@require_POST
def post_image_remove(request: HttpRequest, post: Post, image_pk: int) -> HttpResponse:
    image = get_object_or_404(PostImage, post=post, pk=image_pk)
    services.remove_image(request.user, image)
    messages.success(request, _("The image is removed."))
    return redirect(reverse("outreach:post_edit", args=[post.pk]) + "#images")


# Networks without an open API --------------------------------------------------------------


def manual_target(request: HttpRequest, post: Post, target_pk: int) -> PostTarget:
    target = get_object_or_404(
        PostTarget.objects.select_related("account"), post=post, pk=target_pk
    )
    policy.require(request.user, "outreach.record_publication", post)
    if target.state == PostTarget.State.PUBLISHED:
        raise Http404
    return target


@visible_object_view(Post, lookup="pk", login=True)
def target_record(request: HttpRequest, post: Post, target_pk: int) -> HttpResponse:
    """Post it by hand: the prepared text and images, the network's share dialog, then
    "it is published" with the address of the post if known."""
    target = manual_target(request, post, target_pk)
    form = post_forms.RecordPublicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        publishing.record_manual_publication(
            request.user, target, remote_url=form.cleaned_data["remote_url"]
        )
        messages.success(
            request, _("Recorded as published on %(account)s.") % {"account": target.account}
        )
        return back_to(post, "targets")
    context = {
        "post": post,
        "target": target,
        "form": form,
        "images": list(post.images.all()),
        "published_text": services.text_as_published(post.text, post.link_url),
        "share_url": sharing.share_dialog_url(target.account.network, post.text, post.link_url),
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "outreach/posts/record.html", context, status=status)


@visible_object_view(Post, lookup="pk", login=True)
@require_POST
def target_retry(request: HttpRequest, post: Post, target_pk: int) -> HttpResponse:
    target = manual_target(request, post, target_pk)
    if target.state != PostTarget.State.FAILED:
        raise Http404
    publishing.retry_target(request.user, target)
    messages.success(
        request, _("The post will be sent again to %(account)s.") % {"account": target.account}
    )
    return back_to(post, "targets")
