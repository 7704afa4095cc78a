from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "s75.documents"
    label = "documents"

    def ready(self):
        # The audit trail sits below this app: it reads this app's acts in the words registered here.
        from s75.audit.wording import action_words_register

        from .audit_words import DOCUMENT_WORDS

        action_words_register(*DOCUMENT_WORDS)
