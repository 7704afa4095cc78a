"""The API's pages on the site: its documentation, open to all like the description it is read from, and the API
tokens section of the account page: the user's tokens, making one (its secret shown once, on the page that answers
the form) and revoking one. A user sees and revokes only their own tokens; anyone else's is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView

from .documentation import api_reference
from .forms import TokenForm
from .models import ApiToken
from .selectors import api_token_get, api_token_live, api_tokens_of
from .services import ApiTokenError, api_token_create, api_token_revoke


class SchemaView(SpectacularAPIView):
    """The OpenAPI description, which a person following the documentation's link saves as a file (tools that
    fetch it read it the same)."""

    @extend_schema(exclude=True)  # the description is not one of the operations it describes
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Content-Disposition"] = response["Content-Disposition"].replace("inline", "attachment", 1)
        return response


def docs_view(request):
    return render(request, "api/docs.html", {"reference": api_reference()})


def _page(request, form: TokenForm, made=None):
    tokens = [(token, api_token_live(token)) for token in api_tokens_of(user=request.user)]
    return render(request, "api/tokens.html", {"form": form, "tokens": tokens, "made": made})


@login_required
def tokens_view(request):
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            made = api_token_create(actor=request.user, **form.cleaned_data)
        except ApiTokenError as exc:
            form.add_problems(exc.problems)
        else:
            response = _page(request, TokenForm(), made=made)
            response["Cache-Control"] = "no-store"  # the secret is on this page, and only here
            return response
    return _page(request, form)


@login_required
@require_POST
def token_revoke_view(request, pk: int):
    try:
        token = api_token_get(user=request.user, pk=pk)
    except ApiToken.DoesNotExist as exc:
        raise Http404("No such token") from exc
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"The token ‘{token.name}’ is revoked: it opens nothing from now on.")
    return redirect("api_tokens:list")
