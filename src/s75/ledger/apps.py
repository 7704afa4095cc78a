from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "s75.ledger"
    label = "ledger"

    def ready(self):
        # Budgets sit below the ledger: their instalment services post to it through this hook.
        from s75.budgets.postings import LedgerPostings, ledger_postings_register

        from .services import instalment_due_post, instalment_due_reverse, receipt_post

        ledger_postings_register(LedgerPostings(due=instalment_due_post, received=receipt_post,
                                                withdrawn=instalment_due_reverse))
