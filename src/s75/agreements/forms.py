"""Forms of the agreement pages. They read and check what was typed; the services decide whether the change is
allowed, and their problems are added to the form so the page shows them in its error summary."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from s75.core.fiscal import FinancialYear
from s75.core.forms import GovukForm, date_field, text_field, textarea_field
from s75.organisations.models import Organisation
from s75.organisations.selectors import organisation_get_by_code

from .evidence import decisions_citable
from .lifecycle import change_by_variation
from .models import Agreement, AgreementStatus, FundingType, Schedule
from .selectors import TransitionOption, agreement_partners, agreement_years
from .services import VariationDetails


def _reference() -> forms.SlugField:
    return forms.SlugField(
        label="Reference", max_length=60, help_text="A short unique reference, for example luton-s75-2013.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
        error_messages={"required": "Enter a reference",
                        "invalid": "A reference uses only letters, numbers, hyphens and underscores"},
    )


def _decision_field(agreement: Agreement, label: str, when: str) -> forms.ModelChoiceField | None:
    """A choice of the approved decisions on ``agreement`` to cite as evidence, made ``when``; none when the
    agreement has no approved decision to cite."""
    decisions = decisions_citable(agreement=agreement)
    if not decisions.exists():
        return None
    field = forms.ModelChoiceField(label=label, queryset=decisions, required=False, empty_label="None cited",
                                   help_text=f"An approved decision on this agreement, {when}.")
    field.label_from_instance = lambda decision: f"{decision}: {decision.get_subject_display().lower()}"
    return field


class ChangeForm(GovukForm):
    """A change to an agreement. Once the agreement is in force the change is a variation, so the form also
    asks when it takes effect, what it is and what approved it."""

    problem_fields = {"variation.effective_from": "variation_effective_from",
                      "variation.description": "variation_description", "variation.decision": "variation_decision"}

    def __init__(self, *args, agreement: Agreement | None = None, **kwargs):
        """``agreement`` is the agreement changed (none for a new one); a change to one in force is a variation."""
        super().__init__(*args, **kwargs)
        if agreement is not None and change_by_variation(agreement):
            self.fields["variation_effective_from"] = date_field(
                "Date the variation takes effect", error="Enter the date the variation takes effect",
                help_text="For example, 1 10 2014",
            )
            self.fields["variation_description"] = forms.CharField(
                label="Describe the variation", widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": "Describe the variation"},
            )
            self.fields["variation_approval_reference"] = text_field(
                "Approval reference",
                help_text="The decision or minute that approved the variation, for example Executive, item 10.",
            )
            names = ["variation_effective_from", "variation_description", "variation_approval_reference"]
            decision = _decision_field(agreement, "Board decision that authorised the variation",
                                       "made on or before the date the variation takes effect")
            if decision is not None:
                self.fields["variation_decision"] = decision
                names.append("variation_decision")
            self.sections = [*self.sections, ("Variation", names)]

    def variation(self) -> VariationDetails | None:
        if "variation_effective_from" not in self.fields:
            return None
        return VariationDetails(
            effective_from=self.cleaned_data["variation_effective_from"],
            description=self.cleaned_data["variation_description"],
            approval_reference=self.cleaned_data["variation_approval_reference"],
            decision=self.cleaned_data.get("variation_decision"),
        )


LEGAL_BASES = [
    ("basis_s75", "Section 75: partnership arrangements"),
    ("basis_s76", "Section 76: payments from the council to the NHS"),
    ("basis_s256", "Section 256: payments from the NHS to the council"),
]
FLEXIBILITIES = [
    ("pooled_fund", "Pooled fund"),
    ("lead_commissioning", "Lead commissioning"),
    ("integrated_provision", "Integrated provision"),
]
AGREEMENT_TERMS = [
    "contribution_variation_terms", "review_terms", "variation_terms", "termination_terms", "fund_management_terms",
    "prior_agreement_clause",
]


class AgreementForm(ChangeForm):
    problem_fields = {**ChangeForm.problem_fields, "basis_s75": "legal_basis", "pooled_fund": "flexibilities"}

    title = text_field("Title", error="Enter the agreement's title")
    summary = textarea_field("Summary", rows=3)
    legal_basis = forms.MultipleChoiceField(
        label="Legal basis", choices=LEGAL_BASES, widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.", error_messages={"required": "Select at least one legal basis"},
    )
    flexibilities = forms.MultipleChoiceField(
        label="Flexibilities used", choices=FLEXIBILITIES, widget=forms.CheckboxSelectMultiple, required=False,
        help_text="Select all that apply. A section 75 agreement uses at least one.",
    )
    is_better_care_fund = forms.BooleanField(label="The agreement governs a Better Care Fund plan", required=False)
    start_date = date_field("Start date", error="Enter the start date", help_text="For example, 1 4 2013")
    end_date = date_field("End date", error="Enter the end date",
                     help_text="The last day of the term, for example 31 3 2016")
    extension_months_available = forms.IntegerField(
        label="Extension available, in months", min_value=0, max_value=120, initial=0,
        help_text="The partners may extend the term by up to this many months.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={"required": "Enter the months of extension available, or 0"},
    )
    renewal_notice_months = forms.IntegerField(
        label="Renewal notice, in months", min_value=0, max_value=60, initial=settings.S75_RENEWAL_NOTICE_MONTHS,
        help_text="Show that renewal is due this many months before the end date.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={"required": "Enter the months of renewal notice"},
    )
    pooled_fund_manager_name = text_field("Pooled fund manager's name", width="20")
    pooled_fund_manager_title = text_field("Pooled fund manager's job title", width="20")
    pooled_fund_manager_email = forms.EmailField(
        label="Pooled fund manager's email address", required=False,
        widget=forms.EmailInput(attrs={"class": "govuk-input--width-20", "autocomplete": "off"}),
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.gov.uk"},
    )
    contribution_variation_terms = textarea_field("How contributions may be varied", help_text="Content checklist (b).")
    review_terms = textarea_field("How the agreement is reviewed", help_text="Content checklist (f).")
    variation_terms = textarea_field("How the agreement is varied", help_text="Content checklist (f).")
    termination_terms = textarea_field("How the agreement is terminated", help_text="Content checklist (f).")
    fund_management_terms = textarea_field(
        "How the fund is managed and monitored",
        help_text="Content checklist (g): quarterly reports, the annual return, audit.",
    )
    prior_agreement_clause = textarea_field(
        "Prior agreement clause",
        help_text="For example: no overspend of a partner's contribution without that partner's prior agreement.",
    )
    consultation_closed_on = date_field("Date the joint consultation closed")
    consultation_exemption_reason = textarea_field("Why no joint consultation was needed", rows=3,
                                              help_text="Leave blank if a consultation was held.")

    sections = [
        ("About the agreement", ["reference", "title", "summary", "legal_basis", "flexibilities",
                                 "is_better_care_fund", "host"]),
        ("Term", ["start_date", "end_date", "extension_months_available", "renewal_notice_months"]),
        ("Pooled fund manager", ["pooled_fund_manager_name", "pooled_fund_manager_title",
                                 "pooled_fund_manager_email"]),
        ("What the agreement says", AGREEMENT_TERMS),
        ("Consultation", ["consultation_closed_on", "consultation_exemption_reason"]),
    ]

    @classmethod
    def initial_for(cls, agreement: Agreement) -> dict:
        names = [name for name in cls.base_fields if name not in {"legal_basis", "flexibilities"}]
        return {
            **{name: getattr(agreement, name) for name in names},
            "legal_basis": [name for name, _ in LEGAL_BASES if getattr(agreement, name)],
            "flexibilities": [name for name, _ in FLEXIBILITIES if getattr(agreement, name)],
        }

    def clean(self):
        cleaned = super().clean()
        if "basis_s75" in cleaned.get("legal_basis", []) and not cleaned.get("flexibilities"):
            self.add_error("flexibilities", "Select the flexibilities a section 75 agreement uses: at least one")
        return cleaned

    def agreement_fields(self) -> dict:
        """The agreement's fields as the services take them."""
        data = self.cleaned_data
        fields = {name: data[name] for name in self.base_fields if name not in {"legal_basis", "flexibilities"}}
        fields.update({name: name in data["legal_basis"] for name, _ in LEGAL_BASES})
        fields.update({name: name in data["flexibilities"] for name, _ in FLEXIBILITIES})
        return fields


class AgreementCreateForm(AgreementForm):
    """A new agreement, with the user's organisation as its first party so that they can go on to see it."""

    reference = _reference()

    def __init__(self, *args, organisation: Organisation | None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is not None:
            self.fields["host"] = forms.TypedChoiceField(
                label=f"Will {organisation} host the pooled fund?", choices=[("yes", "Yes"), ("no", "No")],
                coerce=lambda value: value == "yes", widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
                help_text=f"{organisation} becomes the agreement's first party.",
                error_messages={"required": f"Select yes if {organisation} will host the pooled fund"},
            )


class PartyForm(ChangeForm):
    organisation = text_field(
        "ODS or ONS code of the organisation", width="10", error="Enter the organisation's ODS or ONS code",
        help_text="An NHS body's ODS code, for example QHG or 06P; a council's ONS code, for example E06000032.",
    )
    name_in_agreement = text_field("Name in the agreement",
                              help_text="Leave blank to use the organisation's registered name.")
    is_host = forms.BooleanField(label="This partner hosts the pooled fund", required=False)
    requires_prior_agreement = forms.TypedChoiceField(
        label="Must this partner agree before its contribution is overspent?",
        choices=[("yes", "Yes"), ("no", "No")], coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        help_text="Usually yes for every partner but the host.",
        error_messages={"required": "Select yes if this partner must give its prior agreement to an overspend"},
    )

    def clean_organisation(self) -> Organisation:
        code = self.cleaned_data["organisation"]
        try:
            return organisation_get_by_code(code=code.upper())
        except Organisation.DoesNotExist as exc:
            raise ValidationError(
                f"No organisation has the code {code}: check the ODS code (NHS) or ONS code (council)"
            ) from exc


class ScheduleForm(ChangeForm):
    number = forms.IntegerField(
        label="Schedule number", min_value=1, max_value=999, required=False,
        help_text="Leave blank to use the next number.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    title = text_field("Title", error="Enter the schedule's title")
    funding_type = forms.ChoiceField(
        label="How is the money held?", choices=FundingType.choices, initial=FundingType.POOLED,
        widget=forms.RadioSelect, error_messages={"required": "Select how the money is held"},
        help_text="Pooled: in the fund, risk shared. Aligned: each partner keeps its own budget. "
                  "Non-pooled: listed for completeness.",
    )
    lead_commissioner = forms.ModelChoiceField(
        label="Lead commissioner", queryset=None, required=False, empty_label="None",
        help_text="The partner that commissions the service on behalf of the others, if any.",
    )
    aims_and_outcomes = textarea_field("Aims and outcomes", help_text="Content checklist (a).")
    nhs_functions = textarea_field("NHS functions", help_text="One per line. Content checklist (c).")
    health_related_functions = textarea_field("Health-related functions",
                                              help_text="One per line. Content checklist (c).")
    eligible_people = textarea_field("Who is eligible", help_text="Content checklist (d).")
    services = textarea_field("Kinds of service covered", help_text="Content checklist (d).")
    resources = textarea_field("Staff, goods, services or accommodation provided", help_text="Content checklist (e).")

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, agreement=agreement, **kwargs)
        self.fields["lead_commissioner"].queryset = agreement.parties.all()
        if self.initial.get("number"):
            self.fields["number"].required = True
            self.fields["number"].help_text = ""
            self.fields["number"].error_messages["required"] = "Enter the schedule number"

    @staticmethod
    def initial_for(schedule: Schedule) -> dict:
        return {name: getattr(schedule, name) for name in ScheduleForm.base_fields}

    def schedule_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.base_fields}
        if fields["number"] is None:
            del fields["number"]
        return fields


class ApprovalForm(GovukForm):
    party = forms.ModelChoiceField(
        label="Partner", queryset=None, empty_label=None, error_messages={"required": "Select the partner"}
    )
    decided_on = date_field("Date of the decision", error="Enter the date of the decision",
                       help_text="For example, 25 3 2013")
    decision_maker = text_field("Who decided", error="Enter who made the decision",
                           help_text="For example, Executive, Governing Body or Cabinet.")
    reference = text_field("Minute or agenda item", help_text="For example, agenda item 10.")

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = agreement.parties.all()


class TransitionForm(GovukForm):
    """A move through the lifecycle. The page offers the moves whose conditions are met (``TransitionOption``) and
    lists the others with what they still need."""

    problem_fields = {"end_reason": "move"}

    move = forms.ChoiceField(
        label="Move the agreement to", widget=forms.RadioSelect,
        error_messages={"required": "Select where to move the agreement",
                        "invalid_choice": "Select one of the moves open to the agreement"},
    )
    reason = forms.CharField(
        label="Why", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the agreement's history with your name and the time.",
    )

    def __init__(self, *args, agreement: Agreement, options: list[TransitionOption], **kwargs):
        super().__init__(*args, **kwargs)
        # The page offers only the moves whose conditions are met; a post naming another open move is left to the
        # service, which says what stops it.
        self.fields["move"].choices = [(self.value_of(option), option.label) for option in options]
        decision = _decision_field(agreement, "Board decision that authorised the move", "made on or before today")
        if decision is not None:
            self.fields["decision"] = decision

    @staticmethod
    def value_of(option: TransitionOption) -> str:
        return f"{option.to_status}:{option.end_reason}" if option.end_reason else option.to_status

    def transition(self) -> dict:
        to_status, _, end_reason = self.cleaned_data["move"].partition(":")
        return {"to_status": to_status, "end_reason": end_reason, "reason": self.cleaned_data["reason"],
                "decision": self.cleaned_data.get("decision")}


class AsAtForm(GovukForm):
    date = date_field("Date", error="Enter the date", help_text="For example, 30 6 2014")


class RenewalForm(GovukForm):
    """A renewal: the new agreement's reference, title and term; the service copies the rest."""

    reference = _reference()
    title = text_field("Title", error="Enter the renewal's title")
    start_date = date_field("Start date", error="Enter the start date", help_text="For example, 1 4 2016")
    end_date = date_field("End date", error="Enter the end date",
                     help_text="The last day of the term, for example 31 3 2019")

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        decision = _decision_field(agreement, "Board decision to renew the agreement", "made on or before today")
        if decision is not None:
            self.fields["decision"] = decision

    @staticmethod
    def initial_for(agreement: Agreement) -> dict:
        return {"title": agreement.title, "start_date": agreement.end_date + timedelta(days=1)}


class RegisterFilterForm(GovukForm):
    """The register's search and filters, read from the query string; each is optional. The choices are what the
    user sees: the partners of their agreements and the years their terms span."""

    search = forms.CharField(
        label="Search", required=False, max_length=200,
        help_text="A name or reference, or a partner's name or ODS or ONS code",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        error_messages={"max_length": "Search for at most %(limit_value)d characters"},
    )
    status = forms.ChoiceField(label="Status", required=False,
                               error_messages={"invalid_choice": "Choose a status from the list"})
    partner = forms.ModelChoiceField(label="Partner", queryset=None, required=False, empty_label="Every partner",
                                     error_messages={"invalid_choice": "Choose a partner from the list"})
    year = forms.ChoiceField(label="Financial year", required=False, help_text="Agreements in force in any of it",
                             error_messages={"invalid_choice": "Choose a financial year from the list"})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Every status"), *AgreementStatus.choices]
        self.fields["partner"].queryset = agreement_partners(user=user)
        self.fields["partner"].label_from_instance = lambda organisation: organisation.name
        self.fields["year"].choices = [("", "Every year"), *[(year.label, year.label)
                                                             for year in agreement_years(user=user)]]

    def filters(self) -> dict:
        """The cleaned filters as ``agreement_list``'s arguments."""
        data = self.cleaned_data
        return {"status": data["status"], "search": data["search"], "partner": data["partner"],
                "year": FinancialYear.parse(data["year"]) if data["year"] else None}

    def active(self) -> list[tuple[str, str]]:
        """The filters in use, as (label, value) pairs, to say what the list shows."""
        shown = []
        for name in ("search", "status", "partner", "year"):
            value = self.cleaned_data.get(name)
            if value:
                field = self.fields[name]
                if name == "partner":
                    value = value.name
                elif name == "status":
                    value = AgreementStatus(value).label
                shown.append((field.label, str(value)))
        return shown
