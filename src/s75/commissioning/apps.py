from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "s75.commissioning"
    label = "commissioning"

    def ready(self):
        # The agreement's page links to its packages; agreements sits below this app, so it is told through its hook.
        from s75.agreements.panels import PagePanel, page_panel_register

        from .selectors import agreement_packages_count

        page_panel_register(PagePanel("packages_count", detail=agreement_packages_count))

        # The audit trail sits below this app: it reads this app's acts in the words registered here.
        from s75.audit.wording import action_words_register

        from .audit_words import COMMISSIONING_WORDS

        action_words_register(*COMMISSIONING_WORDS)
