from django.apps import AppConfig


class RiskshareConfig(AppConfig):
    name = "s75.riskshare"
    label = "riskshare"

    def ready(self):
        # Agreements sit below riskshare: the risk-share terms join the agreement's file through this hook.
        from s75.agreements.file_parts import file_part_register

        from .agreement_file import RISK_SHARE

        file_part_register(RISK_SHARE)
