"""What every page about one agreement starts from: the agreement the signed-in user may see, found through
``agreement_get``. Any other agreement is a 404, so another organisation cannot learn that it exists."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Agreement, AgreementStatus
from .permissions import MANAGE_AGREEMENT as MANAGE
from .permissions import VARY_AGREEMENT as VARY
from .selectors import agreement_get, user_may_change


def visible_agreement_or_404(request, pk: int) -> Agreement:
    try:
        return agreement_get(user=request.user, pk=pk)
    except Agreement.DoesNotExist as exc:
        raise Http404("No agreement found") from exc


def may_edit(user, agreement: Agreement) -> bool:
    """Editing needs ``manage_agreement``; once the agreement is in force a change is a variation, which also
    needs ``vary_agreement``."""
    needed = [MANAGE, VARY] if agreement.status == AgreementStatus.IN_FORCE else [MANAGE]
    return all(user_may_change(user=user, agreement=agreement, permission=permission) for permission in needed)


def editable_agreement_or_403(request, pk: int) -> Agreement:
    """An agreement the user may see (else 404) and change (else 403)."""
    agreement = visible_agreement_or_404(request, pk)
    if not may_edit(request.user, agreement):
        raise PermissionDenied
    return agreement
