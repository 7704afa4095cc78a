"""What every page about one fund starts from: the fund whose agreement the signed-in user may see, found through
``fund_get``. Any other fund is a 404, so another organisation cannot learn that it exists."""

from django.http import Http404

from .models import Fund
from .selectors import fund_get


def fund_or_404(request, pk: int) -> Fund:
    try:
        return fund_get(user=request.user, pk=pk)
    except Fund.DoesNotExist as exc:
        raise Http404("No fund found") from exc
