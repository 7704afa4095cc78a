from django.apps import AppConfig


class RiskshareConfig(AppConfig):
    name = "s75.riskshare"
    label = "riskshare"

    def ready(self):
        # Agreements sit below riskshare: the risk-share terms join the agreement's file and page through these hooks.
        from s75.agreements.file_parts import file_part_register
        from s75.agreements.panels import PagePanel, page_panel_register

        from .agreement_file import RISK_SHARE
        from .agreement_page import risk_share_lines

        file_part_register(RISK_SHARE)
        page_panel_register(PagePanel("risk_shares", detail=risk_share_lines))

        # The audit trail sits below this app: it reads this app's acts in the words registered here.
        from s75.audit.wording import action_words_register

        from .audit_words import RISKSHARE_WORDS

        action_words_register(*RISKSHARE_WORDS)
