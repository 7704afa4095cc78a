from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "s75.organisations"
    label = "organisations"

    def ready(self):
        # The audit trail sits below this app: it reads this app's acts in the words registered here.
        from s75.audit.wording import action_words_register

        from .audit_words import ORGANISATION_WORDS

        action_words_register(*ORGANISATION_WORDS)
