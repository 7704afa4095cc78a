"""What every page about one agreement starts from: the agreement the signed-in user may see, found through
``agreement_get``. Any other agreement is a 404, so another organisation cannot learn that it exists."""

from django.http import Http404

from .models import Agreement
from .selectors import agreement_get


def visible_agreement_or_404(request, pk: int) -> Agreement:
    try:
        return agreement_get(user=request.user, pk=pk)
    except Agreement.DoesNotExist as exc:
        raise Http404("No agreement found") from exc
