"""Pages of the agreement register. Thin: parse input, call a service or selector, render."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import agreement_list


@login_required
def agreement_list_view(request):
    return render(request, "agreements/list.html", {"agreements": agreement_list(user=request.user)})
