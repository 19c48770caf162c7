"""Sign in with a one-time link (learners) or a password (staff); sign out."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerpath.accounts import services
from peerpath.accounts.forms import SignInLinkForm, StaffSignInForm
from peerpath.accounts.tokens import read_signin_token
from peerpath.common.errors import ApplicationError
from peerpath.common.http import client_address


def signin(request):
    link_form = SignInLinkForm(prefix="link")
    staff_form = StaffSignInForm(prefix="staff")
    sent = False
    if request.method == "POST" and "link-email" in request.POST:
        link_form = SignInLinkForm(request.POST, prefix="link")
        if link_form.is_valid():
            try:
                services.signin_link_request(
                    email=link_form.cleaned_data["email"], client=client_address(request)
                )
                sent = True
            except ApplicationError as error:
                link_form.add_error("email", error.message)
    elif request.method == "POST":
        staff_form = StaffSignInForm(request.POST, prefix="staff")
        if staff_form.is_valid():
            user = authenticate(
                request,
                username=staff_form.cleaned_data["email"].lower(),
                password=staff_form.cleaned_data["password"],
            )
            if user is None:
                staff_form.add_error(None, _("E-mail address or password is not right."))
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect(request.GET.get("next") or settings.LOGIN_REDIRECT_URL)
    status = 429 if link_form.errors and "Too many" in str(link_form.errors) else 200
    return render(
        request,
        "accounts/signin.html",
        {"link_form": link_form, "staff_form": staff_form, "sent": sent},
        status=status,
    )


def signin_with_link(request, token: str):
    if request.method == "GET":
        # Mail scanners follow links: a GET only shows a button, the POST signs in.
        return render(request, "accounts/signin_confirm.html", {"token": token})
    user = read_signin_token(token, max_age=settings.PEERPATH_SIGNIN_LINK_MAX_AGE)
    if user is None:
        return render(request, "accounts/signin_invalid.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("You are signed in."))
    return redirect(settings.LOGIN_REDIRECT_URL)


@require_POST
def signout(request):
    logout(request)
    return redirect("accounts:signin")
