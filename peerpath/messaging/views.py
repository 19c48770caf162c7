"""Staff views of the outbox: every message, its status and its rendered content."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from peerpath.messaging import selectors
from peerpath.messaging.models import OutboxMessage
from peerpath.messaging.services import message_render


@staff_member_required(login_url="accounts:signin")
def outbox(request):
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()
    messages = selectors.outbox_list(status=status or None, kind=kind or None)
    if q:
        messages = messages.filter(to_email__icontains=q)
    page = Paginator(messages.order_by("-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "messaging/outbox.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "q": q,
            "statuses": OutboxMessage.Status.choices,
            "counts": selectors.outbox_counts(),
        },
    )


@staff_member_required(login_url="accounts:signin")
def outbox_message(request, pk: int):
    message = get_object_or_404(OutboxMessage.objects.select_related("recipient", "run"), pk=pk)
    rendered = None
    render_error = ""
    if message.status != OutboxMessage.Status.SENT:
        try:
            rendered = message_render(message=message)
        except Exception as error:  # show staff why a message cannot be rendered
            render_error = f"{type(error).__name__}: {error}"
    return render(
        request,
        "messaging/outbox_message.html",
        {
            "message": message,
            "rendered": rendered,
            "render_error": render_error,
        },
    )
