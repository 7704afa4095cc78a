"""Luton's 2013/14 outturn of DESIGN.md §6's worked example, entered as the manager's year-end forecasts."""

from s75.monitoring.services import schedule_forecast_set

OUTTURN = {
    "Head of Adult Joint Commissioning": 89_000_00,
    "Joint Equipment Store": 1_130_000_00,
    "Integrated LD team": 700_000_00,
    "LD Pooled Purchasing Budget": 4_300_000_00,
    "LD NHS Purchasing Budget": 520_000_00,
}


def enter_outturn(luton):
    for schedule in luton.schedules.all():
        schedule_forecast_set(actor=None, schedule=schedule, financial_year=2013, month=12, method="",
                              amount_pence=OUTTURN[schedule.title], commentary="Year-end outturn")
