"""The signed-in user's own pages: who they are, changing their password, and their second factor (setting it up,
giving it after signing in, removing it)."""

from base64 import b32encode
from math import ceil

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordChangeView, redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from .forms import ChangePasswordForm, CodeForm, SignInForm
from .middleware import SECOND_FACTOR_SET_UP
from .selectors import second_factor_device, second_factor_offered, second_factor_required
from .services import second_factor_confirm, second_factor_remove, second_factor_start


class SignInView(LoginView):
    """Django's sign-in, in the product's form; the page says so when the reader was signed out for being idle."""

    template_name = "registration/login.html"
    authentication_form = SignInForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "idle_minutes": settings.S75_IDLE_MINUTES}


@login_required
def account_view(request):
    """Who the reader is signed in as, and their second factor if they may have one."""
    user = request.user
    offered = second_factor_offered(user)
    return render(request, "accounts/account.html", {
        "second_factor_offered": offered,
        "second_factor": second_factor_device(user, confirmed=True) if offered else None,
        "second_factor_required": second_factor_required(user),
    })


class ChangePasswordView(PasswordChangeView):
    """Django's own, which keeps the reader signed in on this browser and ends their other sessions."""

    form_class = ChangePasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed")
        return response


def _next_page(request) -> str:
    """Where to go once the second factor is given: the page asked for, if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


@login_required
def two_factor_setup_view(request):
    """Set up an authenticator app: the secret shown as text to type into the app (and the otpauth link that holds
    it), then a code from the app to confirm it."""
    if not second_factor_offered(request.user):
        raise PermissionDenied
    if not request.user.is_verified() and second_factor_device(request.user, confirmed=True) is not None:
        # Replacing an authenticator needs the one already set up: a password alone must not swap it.
        return redirect_to_login(request.get_full_path(), reverse("two_factor_verify"))
    device = second_factor_start(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = second_factor_confirm(user=request.user, code=form.cleaned_data["code"])
        if confirmed is None:
            form.add_error("code", "That code is not right: enter the code your authenticator app shows now")
        else:
            otp_login(request, confirmed)
            request.session[SECOND_FACTOR_SET_UP] = True
            messages.success(request, "Your authenticator app is set up: you will give a code from it each time you "
                                      "sign in")
            return redirect("account")
    secret = b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor_setup.html", {
        "form": form,
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "config_url": device.config_url,
        "required": second_factor_required(request.user) and not request.user.is_verified(),
    })


def _wrong_code_message(user) -> str:
    """Why a code was refused: wrong, and how long django-otp makes the user wait before the next try (it doubles
    with each wrong code in a row)."""
    device = second_factor_device(user, confirmed=True)
    _allowed, throttle = device.verify_is_allowed()
    locked_until = (throttle or {}).get("locked_until")
    wait = max(1, ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 0
    return ("That code is not right: enter the code your authenticator app shows now"
            + (f", after waiting {wait} second{pluralize(wait)}" if wait else ""))


@login_required
def two_factor_verify_view(request):
    """The second step of signing in: a code from the authenticator app the user set up."""
    if request.user.is_verified() or second_factor_device(request.user, confirmed=True) is None:
        return redirect(_next_page(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is None:
            form.add_error("code", _wrong_code_message(request.user))
        else:
            otp_login(request, device)
            return redirect(_next_page(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_page(request)})


@require_POST
@login_required
def two_factor_remove_view(request):
    """Remove the reader's authenticator app, unless everyone must have one."""
    if second_factor_required(request.user):
        raise PermissionDenied
    second_factor_remove(user=request.user, actor=request.user)
    request.session[SECOND_FACTOR_SET_UP] = False
    messages.success(request, "Your authenticator app has been removed: you sign in with your password alone")
    return redirect("account")


def signing_in_paused(request, original_response=None, credentials=None):
    """The sign-in page when django-axes refuses a sign-in after too many wrong passwords for its username: how long
    to wait (a further try starts the wait again, so it is the whole cool-off)."""
    minutes = max(1, round(get_cool_off(request).total_seconds() / 60))
    return render(request, "registration/login.html", {
        "form": SignInForm(request), "next": _next_page(request), "paused_minutes": minutes,
    }, status=429)
