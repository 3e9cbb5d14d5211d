"""Public views of the notices app: subscribe (double opt-in), confirm, unsubscribe (RFC 8058
one-click), object to a notice, one notice. Thin: the work is in ``notices.services``."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import tokens
from .forms import ObjectionForm, SubscribeForm
from .models import Language, Subscriber
from .selectors import notices_public
from .services import (
    notice_objection_open,
    objection_submit,
    rate_limit_hit,
    subscriber_confirm,
    subscriber_subscribe,
    subscriber_unsubscribe,
)

#: Subscribe requests one client may make per hour before answers become 429.
SUBSCRIBE_LIMIT_PER_CLIENT = 10


def _invalid_link(request):
    return render(request, "notices/link_invalid.html", status=400)


# No CSRF token: the form sits on the public page, which shared caches may then keep, and the
# contract lets any client POST it. A forged subscription is harmless: nothing is sent but the
# confirmation, and nothing more until its owner confirms (double opt-in).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def subscribe(request):
    """Double opt-in: the same answer whether or not the address was already subscribed."""
    page_language = Language.ZH_HANS if translation.get_language() == "zh-hans" else Language.EN
    if request.method == "GET":
        form = SubscribeForm(initial={"language": page_language})
        return render(request, "notices/subscribe.html", {"form": form})
    client = request.META.get("REMOTE_ADDR", "")
    if rate_limit_hit(key=f"notices:subscribe:client:{client}", limit=SUBSCRIBE_LIMIT_PER_CLIENT):
        return render(request, "notices/rate_limited.html", status=429)
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "notices/subscribe.html", {"form": form}, status=400)
    subscriber_subscribe(email=form.cleaned_data["email"],
                         language=form.cleaned_data["language"] or page_language)
    return render(request, "notices/subscribe_done.html")


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    try:
        pk, email = tokens.confirm_token_read(token)
    except tokens.BadToken:
        return _invalid_link(request)
    subscriber = Subscriber.objects.filter(pk=pk, email=email).first()
    if subscriber is None:
        return _invalid_link(request)
    if request.method == "POST":
        subscriber_confirm(subscriber=subscriber)
        return render(request, "notices/confirmed.html", {"subscriber": subscriber})
    return render(request, "notices/confirm.html", {"subscriber": subscriber})


@csrf_exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click"; the token authorises
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        pk = tokens.unsubscribe_token_read(token)
    except tokens.BadToken:
        return _invalid_link(request)
    subscriber = Subscriber.objects.filter(pk=pk).first()
    if subscriber is None:
        return _invalid_link(request)
    if request.method == "POST":
        subscriber_unsubscribe(subscriber=subscriber)
        return render(request, "notices/unsubscribed.html", {"subscriber": subscriber})
    return render(request, "notices/unsubscribe.html", {"subscriber": subscriber})


@require_http_methods(["GET", "POST"])
def object_to_notice(request, token):
    """GDPR Art. 28(2), SCC Clause 9(a): object before the change takes effect."""
    try:
        subscriber_id, notice_id = tokens.objection_token_read(token)
    except tokens.BadToken:
        return _invalid_link(request)
    notice = notices_public().filter(pk=notice_id).first()
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if notice is None or subscriber is None:
        return _invalid_link(request)
    context = {"notice": notice, "subscriber": subscriber}
    if not notice_objection_open(notice):
        return render(request, "notices/object_closed.html", context, status=410)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection_submit(notice=notice, subscriber=subscriber,
                             reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "notices/objected.html", context)
    status = 400 if request.method == "POST" else 200
    return render(request, "notices/object.html", {**context, "form": form}, status=status)


def notice_detail(request, pk):
    notice = get_object_or_404(notices_public(), pk=pk)
    return render(request, "notices/detail.html", {"notice": notice})
