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

        # The audit trail sits below this app: it reads this app's acts in the words registered here.
        from s75.audit.wording import action_words_register

        from .audit_words import LEDGER_WORDS

        action_words_register(*LEDGER_WORDS)
