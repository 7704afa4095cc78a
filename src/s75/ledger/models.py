"""A fund's ledger: accounts, monthly periods, journal entries of lines in pence, and running balances.

Every entry's lines add up to zero; lines are never changed or removed (a mistake is put right by a reversing
entry); a closed period takes no postings. On PostgreSQL the database enforces all three (migrations 0002 and
0004); on SQLite the database refuses changes and removals and lines in a closed period, and the posting services
check that entries add up to zero.

Period states: ``open → closed`` (a closed period is final).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from s75.core.fiscal import FinancialYear
from s75.core.models import TrackedModel
from s75.jobs.models import TaskRun


class Fund(TrackedModel):
    """The pooled fund of one agreement, held in the host partner's books."""

    agreement = models.OneToOneField("agreements.Agreement", on_delete=models.PROTECT, related_name="fund")
    name = models.CharField(max_length=300)

    class Meta:
        permissions = [
            ("post_ledger", "Post journal entries and import general-ledger files"),
            ("close_period", "Close a period of the ledger"),
        ]

    def __str__(self) -> str:
        return self.name


class AccountKind(models.TextChoices):
    ASSET = "asset", "Asset"
    LIABILITY = "liability", "Liability"
    RESERVE = "reserve", "Reserve"
    INCOME = "income", "Income"
    EXPENDITURE = "expenditure", "Expenditure"


class AccountRole(models.TextChoices):
    """What an account is for; the chart of every fund has the same roles."""

    CASH = "cash", "Cash at bank"
    CREDITORS = "creditors", "Creditors"
    CONTINGENCY_RESERVE = "contingency_reserve", "Contingency reserve"
    CARRY_FORWARD = "carry_forward", "Carried forward"
    CONTRIBUTIONS_RECEIVABLE = "contributions_receivable", "Contributions receivable"
    CONTRIBUTIONS = "contributions", "Contributions"
    # What a lead commissioner recharges a partner for the care bought on its behalf (``s75.commissioning``).
    RECHARGES_RECEIVABLE = "recharges_receivable", "Recharges receivable"
    RESERVE_TRANSFERS = "reserve_transfers", "Transfers from reserves"
    EXPENDITURE = "expenditure", "Expenditure"


class Account(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="accounts")
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=AccountKind.choices)
    role = models.CharField(max_length=30, choices=AccountRole.choices)
    party = models.ForeignKey("agreements.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    schedule = models.ForeignKey(
        "agreements.Schedule", null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )

    class Meta:
        ordering = ["fund", "code"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "code"], name="account_code_unique"),
            models.UniqueConstraint(
                fields=["fund", "role"], condition=Q(party__isnull=True, schedule__isnull=True),
                name="account_one_per_fund_role",
            ),
            models.UniqueConstraint(
                fields=["fund", "role", "party"], condition=Q(party__isnull=False), name="account_one_per_party_role"
            ),
            models.UniqueConstraint(
                fields=["fund", "role", "schedule"], condition=Q(schedule__isnull=False),
                name="account_one_per_schedule_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PeriodStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Period(models.Model):
    """A month of a financial year: ``M01`` is April, ``M12`` is March."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="periods")
    financial_year = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["fund", "financial_year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "financial_year", "number"], name="period_unique"),
            models.CheckConstraint(condition=Q(number__gte=1) & Q(number__lte=12), name="period_month_1_to_12"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def year(self) -> FinancialYear:
        return FinancialYear(self.financial_year)

    @property
    def label(self) -> str:
        return f"{self.year.label}/M{self.number:02d}"


class EntryKind(models.TextChoices):
    MANUAL = "manual", "Manual journal"
    IMPORT = "import", "General-ledger import"
    REVERSAL = "reversal", "Reversal"
    CONTRIBUTION_DUE = "contribution_due", "Contribution due"
    RECEIPT = "receipt", "Contribution received"
    SETTLEMENT = "settlement", "Year-end settlement"
    CARRY_FORWARD = "carry_forward", "Carried forward from the year before"
    RECHARGE = "recharge", "Recharge of lead-commissioned care"


class JournalEntry(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    description = models.CharField(max_length=500)
    posted_at = models.DateTimeField(auto_now_add=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    ledger_import = models.ForeignKey(
        "ledger.LedgerImport", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    # Set by the database on PostgreSQL: the transaction that created the entry, so lines can join it only then.
    created_txid = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-posted_at", "-id"]
        verbose_name_plural = "journal entries"

    def __str__(self) -> str:
        return f"Entry {self.pk}: {self.description}"


class JournalLine(models.Model):
    """One side of an entry: positive is a debit, negative a credit, in pence.

    The references are checked by the database once per insert statement, not by a foreign key per line
    (migration 0004): that a line's entry, account and period exist, and sit in the line's fund, is one set-based
    check however many lines a general-ledger import inserts. The fund and period need no index of their own:
    ``line_fund_period_account`` starts with them.

    ``financial_year`` is the period's year, which the database checks likewise: on PostgreSQL the lines are
    partitioned by it (migration 0010, docs/adr/0013-partitioned-ledger.md), one partition per year, and a source
    line id is held once per fund by ``ledger_linesource`` there, since a partitioned table's unique index must
    hold the year.
    """

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines", db_constraint=False)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False)
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+", db_constraint=False,
                               db_index=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines", db_constraint=False)
    amount_pence = models.BigIntegerField()
    posting_date = models.DateField(null=True, blank=True)
    cost_centre = models.CharField(max_length=50, blank=True)
    subjective = models.CharField(max_length=50, blank=True)
    description = models.CharField(max_length=500, blank=True)
    source_line_id = models.CharField(max_length=100, null=True, blank=True)
    financial_year = models.PositiveSmallIntegerField(
        editable=False, help_text="The year of the line's period (the partition key on PostgreSQL).")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(amount_pence=0), name="line_not_zero"),
            models.UniqueConstraint(
                fields=["fund", "source_line_id"], condition=Q(source_line_id__isnull=False),
                name="line_source_posts_once",
            ),
        ]
        indexes = [models.Index(fields=["fund", "period", "account"], name="line_fund_period_account")]

    def __str__(self) -> str:
        return f"{self.account.code} {self.amount_pence}"


class Balance(models.Model):
    """The running total of an account in a period, kept in step with the lines in the same transaction."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="balances")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="balances")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="balances")
    amount_pence = models.BigIntegerField(default=0)
    line_count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "period"], name="balance_account_period")]

    def __str__(self) -> str:
        return f"{self.account} {self.period}: {self.amount_pence}"


class ImportStatus(models.TextChoices):
    POSTED = "posted", "Posted"
    REJECTED = "rejected", "Rejected"


class LedgerImport(TrackedModel):
    """A general-ledger file posted to (or rejected by) a fund, kept as the import history."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="imports")
    filename = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    mapping_name = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices)
    rows_total = models.BigIntegerField(default=0)
    rows_posted = models.BigIntegerField(default=0)
    rows_already_posted = models.BigIntegerField(default=0)
    total_pence = models.BigIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "sha256"], condition=Q(status="posted"), name="import_file_posts_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display().lower()})"


class ColumnMapping(TrackedModel):
    """Which column of a finance system's export holds each field, saved per fund under a name.

    ``columns`` maps a field (``posting_date``, ``cost_centre``, ``subjective``, ``description``, ``amount`` or
    ``debit`` and ``credit``, ``source_line_id``) to the heading of its column in the file.
    """

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="column_mappings")
    name = models.CharField(max_length=100)
    columns = models.JSONField()

    class Meta:
        ordering = ["fund", "name"]
        constraints = [models.UniqueConstraint(fields=["fund", "name"], name="column_mapping_name_unique")]

    def __str__(self) -> str:
        return self.name


class CostCentreMapping(TrackedModel):
    """Spend on this cost centre of the host's general ledger belongs to this schedule of the fund."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="cost_centres")
    cost_centre = models.CharField(max_length=50)
    schedule = models.ForeignKey("agreements.Schedule", on_delete=models.PROTECT, related_name="cost_centres")

    class Meta:
        ordering = ["fund", "cost_centre"]
        constraints = [models.UniqueConstraint(fields=["fund", "cost_centre"], name="cost_centre_once_per_fund")]

    def __str__(self) -> str:
        return f"{self.cost_centre} → {self.schedule.title}"


class ImportRun(TaskRun):
    """An import asked for from a page and run as a background task: what, and how it ended (its outcome).

    A file found good by a dry run, or held back for a year with no budget, is kept, and posted from that run by a
    run of its own (``checked_in``) without being uploaded again."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="import_runs")
    mapping = models.ForeignKey(ColumnMapping, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=300)
    upload = models.CharField(max_length=500, help_text="Where the uploaded file waits, until the task reads it.")
    dry_run = models.BooleanField(default=False)
    post_anyway = models.TextField(
        blank=True, help_text="Why the file posts although lines fall in a year with no budget, when someone said.")
    checked_in = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="postings",
        help_text="The run that checked the file this run posts, when it was posted from that check.")
    outcome = models.JSONField(null=True, blank=True)
    # Set in the transaction that posts the file, so that a worker stopped between posting and keeping the outcome
    # still leaves the run saying the file was posted.
    ledger_import = models.OneToOneField(
        "LedgerImport", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    def __str__(self) -> str:
        return f"{'Checking' if self.dry_run else 'Importing'} {self.filename}"
