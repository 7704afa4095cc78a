"""The signed-in user's own page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def account_view(request):
    """Who the reader is signed in as: what the session's user was read with, and nothing more."""
    return render(request, "accounts/account.html")
