"""Group pages. Every view that takes a slug resolves the group through the policy
FIRST (``group_view``), so a secret group answers 404 to outsiders on every URL — before
any login redirect, which would otherwise put the slug in a Location header."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from colombe.core import policy
from colombe.groups import forms, services
from colombe.groups.models import (
    Document,
    DocumentVersion,
    Group,
    GroupMembership,
    Invitation,
    JoinRequest,
    Post,
    Thread,
)
from colombe.groups.policy import group_role, structures_for_new_groups

PAGE_SIZE = 25
GroupView = Callable[..., HttpResponseBase]
# Permission codes the templates use to show or hide actions.
TEMPLATE_PERMISSIONS = {
    "read": "groups.read",
    "post": "groups.post",
    "upload": "groups.upload",
    "moderate": "groups.moderate",
    "invite": "groups.invite",
    "manage_members": "groups.manage_members",
    "change_role": "groups.change_role",
    "request_join": "groups.request_join",
    "leave": "groups.leave",
    "edit": "groups.edit",
    "view_members": "groups.view_members",
}


def group_view(*, login: bool = False, read: bool = False) -> Callable[[GroupView], GroupView]:
    """Resolve ``slug`` to a group the user may know about (404 otherwise), then ask for
    a login (``login``) or for read access to the content (``read``: members-only page
    with status 403 for private groups)."""

    def decorator(view: GroupView) -> GroupView:
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponseBase:
            group = policy.get_visible_or_404(Group, request.user, slug=slug)
            if login and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if read and not policy.has_perm(request.user, "groups.read", group):
                return members_only(request, group)
            return view(request, group, **kwargs)

        return wrapper

    return decorator


def report_outcome(
    request: HttpRequest,
    action: Callable[[], object],
    success: str,
    failure: Callable[[HttpRequest, str], None] = messages.warning,
) -> None:
    """Run a service action and tell the person how it went: its own message when the
    service refuses, ``success`` otherwise."""
    try:
        action()
    except services.GroupActionError as error:
        failure(request, error.message)
    else:
        messages.success(request, success)


def permissions_for(user: Any, group: Group) -> dict[str, bool]:
    return {name: policy.has_perm(user, code, group) for name, code in TEMPLATE_PERMISSIONS.items()}


def group_context(request: HttpRequest, group: Group, **extra: Any) -> dict[str, Any]:
    return {"group": group, "can": permissions_for(request.user, group), **extra}


def members_only(request: HttpRequest, group: Group) -> HttpResponse:
    context = group_context(request, group)
    return render(request, "groups/members_only.html", context, status=403)


def page_of(request: HttpRequest, items: QuerySet, size: int = PAGE_SIZE) -> Any:
    return Paginator(items, size).get_page(request.GET.get("page"))


def form_page(
    request: HttpRequest,
    group: Group | None,
    form: Any,
    *,
    title: str,
    submit: str,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context = {"form": form, "page_title": title, "submit_label": submit, "group": group, **extra}
    return render(request, "groups/form.html", context, status=status)


def confirm_page(
    request: HttpRequest, group: Group, *, title: str, question: str, submit: str, cancel_url: str
) -> HttpResponse:
    context = {
        "group": group,
        "page_title": title,
        "question": question,
        "submit_label": submit,
        "cancel_url": cancel_url,
    }
    return render(request, "groups/confirm.html", context)


# List, detail, create, edit ----------------------------------------------------------


def group_list(request: HttpRequest) -> HttpResponse:
    filters = forms.GroupFilterForm(request.GET)
    query, visibility = "", ""
    if filters.is_valid():
        query = filters.cleaned_data["q"].strip()
        visibility = filters.cleaned_data["visibility"]
    visible_ids = Group.objects.visible_to(request.user).values("pk")
    groups = Group.objects.filter(pk__in=visible_ids)
    if query:
        groups = groups.filter(Q(name__icontains=query) | Q(description__icontains=query))
    if visibility:
        groups = groups.filter(visibility=visibility)
    groups = (
        groups.select_related("owner")
        .prefetch_related("hashtags")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name")
    )
    my_groups = (
        Group.objects.filter(memberships__user=request.user)
        .select_related("owner")
        .order_by("name")
        if request.user.is_authenticated
        else Group.objects.none()
    )
    context = {
        "filters": filters,
        "page_obj": page_of(request, groups),
        "query_string": urlencode(
            {k: v for k, v in {"q": query, "visibility": visibility}.items() if v}
        ),
        "my_groups": my_groups,
        "can_create": structures_for_new_groups(request.user).exists(),
    }
    return render(request, "groups/list.html", context)


def pending_request_of(user: Any, group: Group) -> JoinRequest | None:
    if not user.is_authenticated:
        return None
    return group.join_requests.filter(user=user, status=JoinRequest.Status.PENDING).first()


@group_view()
def detail(request: HttpRequest, group: Group) -> HttpResponse:
    can = permissions_for(request.user, group)
    threads = documents = None
    if can["read"]:
        threads = group.threads.select_related("author")[:5]
        documents = group.documents.order_by("-created_at")[:5]
    pending = pending_request_of(request.user, group)
    context = {
        "group": group,
        "can": can,
        "role_label": role_label(group_role(request.user, group)),
        "member_count": group.memberships.count(),
        "hashtags": group.hashtags.all(),
        "threads": threads,
        "documents": documents,
        "pending_request": pending,
    }
    return render(request, "groups/detail.html", context)


def role_label(role: str | None) -> str | None:
    return str(GroupMembership.Role(role).label) if role else None


def create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not structures_for_new_groups(request.user).exists():
        raise PermissionDenied
    form = forms.CreateGroupForm(request.POST or None, user=request.user)
    title, submit = _("Create a group"), _("Create the group")
    if request.method != "POST":
        return form_page(request, None, form, title=title, submit=submit)
    if not form.is_valid():
        return form_page(request, None, form, title=title, submit=submit, status=422)
    group = services.create_group(actor=request.user, **form.cleaned_data)
    messages.success(request, _("The group has been created."))
    return redirect(group)


@group_view(login=True)
def edit(request: HttpRequest, group: Group) -> HttpResponse:
    policy.require(request.user, "groups.edit", group)
    may_change_visibility = policy.has_perm(request.user, "groups.change_visibility", group)
    form = forms.EditGroupForm(
        request.POST or None, group=group, may_change_visibility=may_change_visibility
    )
    page: dict[str, Any] = {"title": _("Edit the group"), "submit": _("Save")}
    if not may_change_visibility:
        page["fixed_visibility"] = forms.visibility_summary(group)
    if request.method != "POST":
        return form_page(request, group, form, **page)
    if not form.is_valid():
        return form_page(request, group, form, status=422, **page)
    try:
        services.update_group(actor=request.user, group=group, **form.cleaned_data)
    except services.RevealNotConfirmed as error:
        form.add_error("confirm_reveal", error.message)
        return form_page(request, group, form, status=422, **page)
    messages.success(request, _("The group has been updated."))
    return redirect(group)


# Invitations -------------------------------------------------------------------------


@group_view(login=True)
def invite(request: HttpRequest, group: Group) -> HttpResponse:
    policy.require(request.user, "groups.invite", group)
    form = forms.InviteForm(request.POST or None)
    title, submit = _("Invite someone"), _("Send the invitation")
    if request.method != "POST":
        return form_page(request, group, form, title=title, submit=submit)
    if not form.is_valid():
        return form_page(request, group, form, title=title, submit=submit, status=422)
    try:
        services.invite_member(actor=request.user, group=group, email=form.cleaned_data["email"])
    except services.GroupActionError as error:
        form.add_error("email", error.message)
        status = 429 if isinstance(error, services.InvitationLimitReached) else 422
        return form_page(request, group, form, title=title, submit=submit, status=status)
    messages.success(request, _("The invitation has been sent."))
    return redirect("groups:manage", slug=group.slug)


def invitation_problem(request: HttpRequest, reason: str) -> HttpResponse:
    """Why a link does not work — without naming the group, since whoever holds a dead
    link is not (or no longer) entitled to learn about it."""
    status = 404 if reason == services.InvitationUnusable.UNKNOWN else 410
    return render(request, "groups/invitation_problem.html", {"reason": reason}, status=status)


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation: Invitation = services.usable_invitation(token)
    except services.InvitationUnusable as problem:
        return invitation_problem(request, problem.reason)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            group = services.accept_invitation(actor=request.user, token=token)
        except services.InvitationUnusable as problem:
            return invitation_problem(request, problem.reason)
        messages.success(request, _("Welcome to the group!"))
        return redirect(group)
    context = {
        "invitation": invitation,
        "group": invitation.group,
        "next": request.get_full_path(),
        "already_member": group_role(request.user, invitation.group) is not None,
    }
    return render(request, "groups/invitation_accept.html", context)


@group_view(login=True)
@require_POST
def revoke_invitation(request: HttpRequest, group: Group, pk: int) -> HttpResponse:
    report_outcome(
        request,
        lambda: services.revoke_invitation(actor=request.user, group=group, invitation_id=pk),
        _("The invitation has been withdrawn. Its link no longer works."),
    )
    return redirect("groups:manage", slug=group.slug)


# Join requests -----------------------------------------------------------------------


@group_view(login=True)
def join(request: HttpRequest, group: Group) -> HttpResponse:
    policy.require(request.user, "groups.request_join", group)
    pending = pending_request_of(request.user, group)
    form = forms.JoinRequestForm(request.POST or None)
    title, submit = _("Ask to join the group"), _("Send my request")
    if request.method != "POST":
        return form_page(request, group, form, title=title, submit=submit, pending_request=pending)
    if not form.is_valid():
        return form_page(request, group, form, title=title, submit=submit, status=422)
    try:
        services.request_to_join(actor=request.user, group=group, **form.cleaned_data)
    except services.GroupActionError as error:
        messages.warning(request, error.message)
        return redirect(group)
    messages.success(request, _("Your request has been sent. The moderators will answer it."))
    return redirect(group)


@group_view(login=True)
def manage(request: HttpRequest, group: Group) -> HttpResponse:
    policy.require(request.user, "groups.manage_members", group)
    requests = group.join_requests.filter(status=JoinRequest.Status.PENDING).select_related("user")
    invitations = group.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("-created_at")
    context = group_context(
        request,
        group,
        page_obj=page_of(request, requests),
        invitations=invitations[:50],
        now=timezone.now(),
    )
    return render(request, "groups/manage.html", context)


@group_view(login=True)
@require_POST
def approve_request(request: HttpRequest, group: Group, pk: int) -> HttpResponse:
    report_outcome(
        request,
        lambda: services.approve_join_request(actor=request.user, group=group, join_request_id=pk),
        _("The request has been approved."),
    )
    return redirect("groups:manage", slug=group.slug)


@group_view(login=True)
@require_POST
def reject_request(request: HttpRequest, group: Group, pk: int) -> HttpResponse:
    report_outcome(
        request,
        lambda: services.reject_join_request(actor=request.user, group=group, join_request_id=pk),
        _("The request has been declined."),
    )
    return redirect("groups:manage", slug=group.slug)


# Members -----------------------------------------------------------------------------


@group_view(login=True)
def members(request: HttpRequest, group: Group) -> HttpResponse:
    if not policy.has_perm(request.user, "groups.view_members", group):
        return members_only(request, group)
    memberships = group.memberships.select_related("user").order_by("user__display_name", "pk")
    context = group_context(
        request, group, page_obj=page_of(request, memberships), roles=GroupMembership.Role.choices
    )
    return render(request, "groups/members.html", context)


@group_view(login=True)
def leave(request: HttpRequest, group: Group) -> HttpResponse:
    policy.require(request.user, "groups.leave", group)
    if request.method != "POST":
        return confirm_page(
            request,
            group,
            title=_("Leave the group"),
            question=_("Do you really want to leave this group?"),
            submit=_("Leave the group"),
            cancel_url=group.get_absolute_url(),
        )
    try:
        services.leave_group(actor=request.user, group=group)
    except services.GroupActionError as error:
        messages.error(request, error.message)
        return redirect(group)
    messages.success(request, _("You have left the group."))
    # A secret group the person just left no longer exists for them.
    return redirect("groups:list")


@group_view(login=True)
def remove_member(request: HttpRequest, group: Group, pk: int) -> HttpResponse:
    policy.require(request.user, "groups.manage_members", group)
    membership = get_object_or_404(
        GroupMembership.objects.select_related("user"), group=group, pk=pk
    )
    members_url = reverse("groups:members", args=[group.slug])
    if request.method != "POST":
        return confirm_page(
            request,
            group,
            title=_("Remove a member"),
            question=_("Do you really want to remove %(name)s from the group?")
            % {"name": membership.user.public_name},
            submit=_("Remove from the group"),
            cancel_url=members_url,
        )
    report_outcome(
        request,
        lambda: services.remove_member(
            actor=request.user, group=group, membership_id=membership.pk
        ),
        _("The member has been removed."),
        failure=messages.error,
    )
    return redirect(members_url)


@group_view(login=True)
@require_POST
def change_role(request: HttpRequest, group: Group, pk: int) -> HttpResponse:
    policy.require(request.user, "groups.change_role", group)
    membership = get_object_or_404(GroupMembership, group=group, pk=pk)
    form = forms.RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a role in the list."))
    else:
        report_outcome(
            request,
            lambda: services.change_role(
                actor=request.user,
                group=group,
                membership_id=membership.pk,
                role=form.cleaned_data["role"],
            ),
            _("The role has been changed."),
            failure=messages.error,
        )
    return redirect("groups:members", slug=group.slug)


# Discussions -------------------------------------------------------------------------


@group_view(read=True)
def threads(request: HttpRequest, group: Group) -> HttpResponse:
    items = (
        group.threads.select_related("author")
        .annotate(post_count=Count("posts"))
        .order_by("-last_activity_at", "-id")
    )
    context = group_context(request, group, page_obj=page_of(request, items))
    return render(request, "groups/threads.html", context)


@group_view(login=True)
def new_thread(request: HttpRequest, group: Group) -> HttpResponse:
    policy.require(request.user, "groups.post", group)
    form = forms.ThreadForm(request.POST or None)
    title, submit = _("New discussion"), _("Publish")
    if request.method != "POST":
        return form_page(request, group, form, title=title, submit=submit)
    if not form.is_valid():
        return form_page(request, group, form, title=title, submit=submit, status=422)
    new = services.start_thread(actor=request.user, group=group, **form.cleaned_data)
    return redirect(new)


def thread_page(
    request: HttpRequest, group: Group, obj: Thread, form: Any, status: int = 200
) -> HttpResponse:
    posts = obj.posts.select_related("author", "hidden_by")
    page = page_of(request, posts)
    can_moderate = policy.has_perm(request.user, "groups.moderate", group)
    for post in page.object_list:
        post.thread = obj  # the policy reads post.thread.group: no query per post
        post.can_edit = policy.has_perm(request.user, "groups.edit_post", post)
        post.can_delete = policy.has_perm(request.user, "groups.delete_post", post)
        moderable = can_moderate and post.deleted_at is None
        post.can_hide = moderable and post.hidden_at is None
        post.can_unhide = moderable and post.hidden_at is not None
    context = group_context(request, group, thread=obj, page_obj=page, form=form)
    return render(request, "groups/thread.html", context, status=status)


@group_view(read=True)
def thread(request: HttpRequest, group: Group, pk: int) -> HttpResponse:
    obj = get_object_or_404(Thread.objects.select_related("author"), group=group, pk=pk)
    obj.group = group
    return thread_page(request, group, obj, forms.PostForm())


@group_view(login=True, read=True)
@require_POST
def reply(request: HttpRequest, group: Group, pk: int) -> HttpResponse:
    obj = get_object_or_404(Thread, group=group, pk=pk)
    obj.group = group
    form = forms.PostForm(request.POST)
    policy.require(request.user, "groups.post", group)
    if not form.is_valid():
        return thread_page(request, group, obj, form, status=422)
    services.reply(actor=request.user, thread=obj, body=form.cleaned_data["body"])
    last_page = Paginator(obj.posts.all(), PAGE_SIZE).num_pages
    return redirect(f"{obj.get_absolute_url()}?page={last_page}#posts-end")


def post_location(post: Post) -> str:
    """The address of the thread page that shows ``post``, scrolled to it."""
    earlier = post.thread.posts.filter(
        Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk)
    ).count()
    page = earlier // PAGE_SIZE + 1
    return f"{post.thread.get_absolute_url()}?page={page}#post-{post.pk}"


def post_in(group: Group, pk: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("thread"), thread__group=group, pk=pk)
    post.thread.group = group
    return post


@group_view(login=True, read=True)
def edit_post(request: HttpRequest, group: Group, pk: int) -> HttpResponse:
    post = post_in(group, pk)
    policy.require(request.user, "groups.edit_post", post)
    form = forms.PostForm(request.POST or None, initial={"body": post.body})
    title, submit = _("Edit my message"), _("Save")
    cancel = post.thread.get_absolute_url()
    if request.method != "POST":
        return form_page(request, group, form, title=title, submit=submit, cancel_url=cancel)
    if not form.is_valid():
        return form_page(
            request, group, form, title=title, submit=submit, status=422, cancel_url=cancel
        )
    services.edit_post(actor=request.user, post=post, body=form.cleaned_data["body"])
    messages.success(request, _("Your message has been updated."))
    return redirect(post.thread)


@group_view(login=True, read=True)
def delete_post(request: HttpRequest, group: Group, pk: int) -> HttpResponse:
    post = post_in(group, pk)
    policy.require(request.user, "groups.delete_post", post)
    if request.method != "POST":
        return confirm_page(
            request,
            group,
            title=_("Delete my message"),
            question=_(
                "Do you really want to delete this message? Others will see “Message deleted”."
            ),
            submit=_("Delete the message"),
            cancel_url=post.thread.get_absolute_url(),
        )
    services.delete_post(actor=request.user, post=post)
    messages.success(request, _("Your message has been deleted."))
    return redirect(post.thread)


@group_view(login=True, read=True)
@require_POST
def hide_post(request: HttpRequest, group: Group, pk: int) -> HttpResponse:
    post = post_in(group, pk)
    services.hide_post(actor=request.user, post=post)
    messages.success(request, _("The message is now hidden from members."))
    return redirect(post_location(post))


@group_view(login=True, read=True)
@require_POST
def unhide_post(request: HttpRequest, group: Group, pk: int) -> HttpResponse:
    post = post_in(group, pk)
    report_outcome(
        request,
        lambda: services.unhide_post(actor=request.user, post=post),
        _("The message is visible to members again."),
    )
    return redirect(post_location(post))


# Documents ---------------------------------------------------------------------------


def with_latest_version(documents: QuerySet[Document]) -> QuerySet[Document]:
    latest_first = DocumentVersion.objects.order_by("-number")
    return documents.prefetch_related(Prefetch("versions", queryset=latest_first))


@group_view(read=True)
def documents(request: HttpRequest, group: Group) -> HttpResponse:
    items = with_latest_version(group.documents.order_by("title", "pk"))
    context = group_context(request, group, page_obj=page_of(request, items))
    return render(request, "groups/documents.html", context)


@group_view(login=True)
def upload(request: HttpRequest, group: Group) -> HttpResponse:
    policy.require(request.user, "groups.upload", group)
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    title, submit = _("Add a document"), _("Upload")
    if request.method != "POST":
        return form_page(request, group, form, title=title, submit=submit, multipart=True)
    if not form.is_valid():
        return form_page(
            request, group, form, title=title, submit=submit, status=422, multipart=True
        )
    version = services.upload_document(
        actor=request.user,
        group=group,
        title=form.cleaned_data["title"],
        upload=form.checked_upload,
    )
    messages.success(request, _("The document has been added."))
    return redirect("groups:document", slug=group.slug, pk=version.document_id)


@group_view(read=True)
def document(request: HttpRequest, group: Group, pk: int) -> HttpResponse:
    obj = get_object_or_404(Document, group=group, pk=pk)
    versions = obj.versions.select_related("uploaded_by")
    context = group_context(request, group, document=obj, versions=versions)
    return render(request, "groups/document.html", context)


@group_view(login=True)
def new_version(request: HttpRequest, group: Group, pk: int) -> HttpResponse:
    policy.require(request.user, "groups.upload", group)
    obj = get_object_or_404(Document, group=group, pk=pk)
    obj.group = group
    form = forms.VersionForm(request.POST or None, request.FILES or None)
    title, submit = _("New version of “%(title)s”") % {"title": obj.title}, _("Upload")
    if request.method != "POST":
        return form_page(request, group, form, title=title, submit=submit, multipart=True)
    if not form.is_valid():
        return form_page(
            request, group, form, title=title, submit=submit, status=422, multipart=True
        )
    services.add_document_version(actor=request.user, document=obj, upload=form.checked_upload)
    messages.success(request, _("The new version has been added."))
    return redirect("groups:document", slug=group.slug, pk=obj.pk)


@group_view(read=True)
def download(request: HttpRequest, group: Group, pk: int, number: int) -> HttpResponseBase:
    version = get_object_or_404(
        DocumentVersion, document__group=group, document_id=pk, number=number
    )
    response = FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=version.original_name,
        content_type=version.content_type,
    )
    # Private documents must not stay in shared caches.
    response["Cache-Control"] = "private, no-store"
    return response
