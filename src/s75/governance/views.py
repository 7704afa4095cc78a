"""Pages of the governance register: boards, their members and meetings, papers, decisions and the forward plan.
Thin: parse input, call a service or selector, render.

A board, meeting or decision the user may not see is a 404 (``selectors`` holds the scoping rule); a change their
role does not allow is a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from s75.agreements.models import Party
from s75.agreements.permissions import MANAGE_AGREEMENT
from s75.agreements.selectors import agreement_visible, agreements_visible_to, user_may_change
from s75.core.errors import ServiceError
from s75.core.exports import table_workbook, xlsx_response
from s75.core.pages import form_page, numbered_pagination, page_of
from s75.organisations.models import Organisation

from .forms import (
    BoardForm,
    DecisionApprovalForm,
    DecisionFilterForm,
    DecisionForm,
    MeetingForm,
    MemberForm,
    PaperForm,
)
from .models import Board, Decision, Meeting, Paper
from .permissions import MANAGE_GOVERNANCE as MANAGE
from .permissions import RECORD_DECISION as DECIDE
from .selectors import (
    REPORT_DUE_WEEKS,
    board_get,
    boards_visible_to,
    decision_list,
    decision_recorders,
    decisions_visible_to,
    forward_plan,
    meeting_get,
    meetings_visible_to,
    user_may_govern,
)
from .services import (
    board_create,
    board_member_add,
    decision_approval_record,
    decision_record,
    meeting_create,
    paper_add,
)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _board_or_404(request, pk: int) -> Board:
    try:
        return board_get(user=request.user, pk=pk)
    except Board.DoesNotExist as exc:
        raise Http404("No board found") from exc


def _meeting_or_404(request, pk: int) -> Meeting:
    try:
        return meeting_get(user=request.user, pk=pk)
    except Meeting.DoesNotExist as exc:
        raise Http404("No meeting found") from exc


def _decision_or_404(request, pk: int) -> Decision:
    try:
        return decisions_visible_to(user=request.user).get(pk=pk)
    except Decision.DoesNotExist as exc:
        raise Http404("No decision found") from exc


def _governed(request, board: Board, permission: str) -> None:
    if not user_may_govern(user=request.user, board=board, permission=permission):
        raise PermissionDenied


def _boards(request):
    return boards_visible_to(user=request.user).select_related("organisation").order_by("name")


@login_required
def board_list_view(request):
    return render(request, "governance/board_list.html", {
        "boards": _boards(request), "may_create": request.user.has_perm(MANAGE),
        "meetings": meetings_visible_to(user=request.user),
    })


@login_required
def meeting_list_xlsx(request):
    workbook = table_workbook(
        title="Meetings", headers=["Board", "Date", "Title", "Papers"],
        rows=[[meeting.board.name, meeting.held_on, meeting.title, meeting.papers.count()]
              for meeting in meetings_visible_to(user=request.user)],
    )
    return xlsx_response(workbook, "meetings.xlsx")


@login_required
def board_list_xlsx(request):
    workbook = table_workbook(
        title="Boards", headers=["Board", "Kind", "Organisation", "Agreements overseen"],
        rows=[[board.name, board.get_kind_display(), board.organisation.name,
               "; ".join(board.agreements.filter(pk__in=agreements_visible_to(user=request.user))
                         .values_list("reference", flat=True))]
              for board in _boards(request)],
    )
    return xlsx_response(workbook, "boards.xlsx")


@login_required
def board_create_view(request):
    if not request.user.has_perm(MANAGE):
        raise PermissionDenied
    agreements = agreements_visible_to(user=request.user)
    organisations = Organisation.objects.filter(
        pk__in=Party.objects.filter(agreement__in=agreements).values("organisation_id")
    ) | Organisation.objects.filter(pk=request.user.organisation_id)
    form = BoardForm(_posted(request), agreements=agreements, organisations=organisations.distinct(),
                     initial={"organisation": request.user.organisation_id})
    if request.method == "POST" and form.is_valid():
        try:
            board = board_create(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"{board} was added")
            return redirect("governance:board_detail", pk=board.pk)
    return form_page(request, form, heading="Add a board", submit="Add board", back=reverse("governance:board_list"))


def _board_meetings(board: Board):
    return board.meetings.order_by("held_on", "title", "pk")


@login_required
def board_detail_view(request, pk: int):
    board = _board_or_404(request, pk)
    return render(request, "governance/board_detail.html", {
        "board": board,
        "members": board.members.select_related("organisation"),
        "meetings": _board_meetings(board),
        "agreements": board.agreements.filter(pk__in=agreements_visible_to(user=request.user)),
        "may_manage": user_may_govern(user=request.user, board=board, permission=MANAGE),
    })


@login_required
def board_members_xlsx(request, pk: int):
    board = _board_or_404(request, pk)
    workbook = table_workbook(
        title="Members", headers=["Name", "Role", "Organisation", "From", "To"],
        rows=[[member.name, member.role, member.organisation.name if member.organisation else "", member.from_date,
               member.to_date] for member in board.members.select_related("organisation")],
    )
    return xlsx_response(workbook, f"board-{board.pk}-members.xlsx")


@login_required
def board_meetings_xlsx(request, pk: int):
    board = _board_or_404(request, pk)
    workbook = table_workbook(
        title="Meetings", headers=["Date", "Title", "Papers", "Decisions"],
        rows=[[meeting.held_on, meeting.title, meeting.papers.count(),
               decisions_visible_to(user=request.user).filter(meeting=meeting).count()]
              for meeting in _board_meetings(board)],
    )
    return xlsx_response(workbook, f"board-{board.pk}-meetings.xlsx")


@login_required
def member_add_view(request, pk: int):
    board = _board_or_404(request, pk)
    _governed(request, board, MANAGE)
    form = MemberForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            member = board_member_add(actor=request.user, board=board, **form.cleaned_data)
        except ServiceError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"{member.name} was added as a member")
            return redirect("governance:board_detail", pk=board.pk)
    return form_page(request, form, heading="Add a member", submit="Add member", caption=board.name,
                      back=board.get_absolute_url())


@login_required
def meeting_create_view(request, pk: int):
    board = _board_or_404(request, pk)
    _governed(request, board, MANAGE)
    form = MeetingForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_create(actor=request.user, board=board, **form.cleaned_data)
        except ServiceError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"The meeting on {meeting.held_on:%d %B %Y} was added")
            return redirect("governance:meeting_detail", pk=meeting.pk)
    return form_page(request, form, heading="Add a meeting", submit="Add meeting", caption=board.name,
                      back=board.get_absolute_url())


def _decision_rows(decisions) -> list[list]:
    return [[decision.decided_on, decision.meeting.board.name, decision.minute_reference, decision.agreement.reference,
             decision.get_subject_display(), decision.period_label, str(decision.variation or ""), decision.summary,
             decision.get_outcome_display()] for decision in decisions]


DECISIONS_PER_PAGE = 50
DECISION_HEADERS = ["Date", "Board", "Minute", "Agreement", "Subject", "For", "Variation",
                    "What was decided", "Outcome"]


@login_required
def meeting_detail_view(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    visible_agreements = set(agreements_visible_to(user=request.user).values_list("pk", flat=True))
    return render(request, "governance/meeting_detail.html", {
        "meeting": meeting, "board": meeting.board, "papers": meeting.papers.all(),
        "decisions": decisions_visible_to(user=request.user).filter(meeting=meeting),
        "visible_agreements": visible_agreements,
        "may_manage": user_may_govern(user=request.user, board=meeting.board, permission=MANAGE),
        "may_decide": user_may_govern(user=request.user, board=meeting.board, permission=DECIDE),
    })


@login_required
def meeting_decisions_xlsx(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    workbook = table_workbook(title="Decisions", headers=DECISION_HEADERS,
                              rows=_decision_rows(decisions_visible_to(user=request.user).filter(meeting=meeting)))
    return xlsx_response(workbook, f"meeting-{meeting.pk}-decisions.xlsx")


@login_required
def paper_add_view(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    _governed(request, meeting.board, MANAGE)
    form = PaperForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            paper = paper_add(actor=request.user, meeting=meeting, title=data["title"],
                              agenda_item=data["agenda_item"], upload=data["file"], url=data["url"])
        except ServiceError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"{paper} was added")
            return redirect("governance:meeting_detail", pk=meeting.pk)
    return form_page(request, form, heading="Add a paper", submit="Add paper", caption=str(meeting),
                      back=meeting.get_absolute_url(),
                      intro="Upload the paper, link to where it is published, or give only its title.")


@login_required
def paper_download_view(request, pk: int):
    try:
        paper = Paper.objects.select_related("meeting").get(pk=pk)
    except Paper.DoesNotExist as exc:
        raise Http404("No paper found") from exc
    _meeting_or_404(request, paper.meeting_id)
    if not paper.file:
        raise Http404("The paper has no file")
    return FileResponse(paper.file.open("rb"), as_attachment=True, filename=paper.filename)


@login_required
def decision_record_view(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    _governed(request, meeting.board, DECIDE)
    agreements = agreements_visible_to(user=request.user)
    form = DecisionForm(_posted(request), agreements=agreements,
                        initial={"agreement": meeting.board.agreements.filter(pk__in=agreements).first()})
    if request.method == "POST" and form.is_valid():
        try:
            decision = decision_record(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ServiceError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, "The decision was recorded")
            return redirect("governance:decision_detail", pk=decision.pk)
    return form_page(request, form, heading="Record a decision", submit="Record decision", caption=str(meeting),
                      back=meeting.get_absolute_url())


def _decision_filters(request) -> DecisionFilterForm:
    return DecisionFilterForm(request.GET, recorders=decision_recorders(user=request.user))


@login_required
def decision_list_view(request):
    form = _decision_filters(request)
    context = {"form": form}
    if form.is_valid():
        page = page_of(decision_list(user=request.user, **form.filters()), per_page=DECISIONS_PER_PAGE,
                       query=request.GET)
        count, pages = page.paginator.count, page.paginator.num_pages
        caption = f"{count:,} decision{'' if count == 1 else 's'}" + (
            f", page {page.number} of {pages}" if pages > 1 else "")
        context.update({"page": page, "decisions": page.object_list, "filters": form.active(), "caption": caption,
                        "pagination": numbered_pagination(page, request.GET)})
    return render(request, "governance/decision_list.html", context)


@login_required
def decision_list_xlsx(request):
    form = _decision_filters(request)
    if not form.is_valid():
        raise Http404("Those filters cannot be read")
    workbook = table_workbook(title="Decisions", headers=DECISION_HEADERS,
                              rows=_decision_rows(decision_list(user=request.user, **form.filters())))
    return xlsx_response(workbook, "decisions.xlsx")


def _may_record_approval(user, decision: Decision) -> bool:
    return user_may_change(user=user, agreement=decision.agreement, permission=MANAGE_AGREEMENT)


@login_required
def decision_detail_view(request, pk: int):
    decision = _decision_or_404(request, pk)
    agreement_shown = agreement_visible(user=request.user, agreement=decision.agreement)
    return render(request, "governance/decision_detail.html", {
        "decision": decision,
        "agreement_visible": agreement_shown,
        "approvals": decision.approvals.select_related("party") if agreement_shown else [],
        "transitions": decision.transitions.all() if agreement_shown else [],
        "variations": decision.authorised_variations.all() if agreement_shown else [],
        "renewals": agreements_visible_to(user=request.user).filter(renewal_decision=decision)
        if agreement_shown else [],
        "may_record_approval": agreement_shown and _may_record_approval(request.user, decision),
    })


@login_required
def decision_approval_view(request, pk: int):
    decision = _decision_or_404(request, pk)
    if not _may_record_approval(request.user, decision):
        raise PermissionDenied
    form = DecisionApprovalForm(_posted(request), decision=decision)
    if request.method == "POST" and form.is_valid():
        try:
            approval = decision_approval_record(actor=request.user, decision=decision, party=form.cleaned_data["party"])
        except ServiceError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"{approval.party}'s approval was recorded, citing the decision")
            return redirect("agreements:detail", pk=decision.agreement_id)
    return form_page(
        request, form, heading="Record a partner's approval", submit="Record approval", caption=str(decision),
        back=decision.get_absolute_url(),
        intro=f"The approval of {decision.agreement} is dated {decision.decided_on:%d %B %Y}, made by "
              f"{decision.meeting.board} and cites this decision as its evidence.",
    )


def _plan(request):
    today = timezone.localdate()
    return today, forward_plan(user=request.user, today=today)


@login_required
def forward_plan_view(request):
    today, items = _plan(request)
    return render(request, "governance/forward_plan.html", {
        "today": today, "rows": [(item, item.state(today)) for item in items], "report_due_weeks": REPORT_DUE_WEEKS,
    })


@login_required
def forward_plan_xlsx(request):
    today, items = _plan(request)
    workbook = table_workbook(
        title="Forward plan",
        headers=["Due", "Agreement", "Reference", "What", "Subject", "State", "Decision", "Outcome",
                 "Next meeting", "Board"],
        rows=[[item.due_on, item.agreement.title, item.agreement.reference, item.title, item.subject_label,
               item.state(today), str(item.decision or ""),
               item.decision.get_outcome_display() if item.decision else "",
               item.next_meeting.held_on if item.next_meeting else None,
               item.next_meeting.board.name if item.next_meeting else ""] for item in items],
    )
    return xlsx_response(workbook, f"forward-plan-{today:%Y-%m-%d}.xlsx")
