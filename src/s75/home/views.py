"""The home page: what needs the signed-in user now, and the ways to the main areas."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from s75.ledger.selectors import funds_visible_to

from .selectors import home_sections


@login_required
def home_view(request):
    today = timezone.localdate()
    return render(request, "home/home.html", {
        "today": today, "sections": home_sections(user=request.user, today=today),
        "funds": funds_visible_to(user=request.user),
    })
