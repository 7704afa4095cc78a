from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "s75.api"
    label = "api"
    verbose_name = "API"

    def ready(self):
        # The audit trail sits below this app: every event recorded while a request acts through a token is linked
        # to that token here, and the token's own acts read in the words registered here.
        from s75.audit.services import audit_follower_register
        from s75.audit.wording import action_words_register

        from .audit_words import API_WORDS
        from .tokens import token_event_link

        audit_follower_register(token_event_link)
        action_words_register(*API_WORDS)
