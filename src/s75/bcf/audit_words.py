"""How the audit trail words the acts of this app's services (registered in ``BcfConfig.ready``)."""

from s75.audit.wording import ActionWords

from .models import PlanStatus


def _move(event) -> str:
    return (f"moved {event.object_repr} from {PlanStatus(event.before['status']).label.lower()} to "
            f"{PlanStatus(event.after['status']).label.lower()}")


def _replace(event) -> str:
    after = event.after
    return (f"replaced the contents of {event.object_repr}: {after['income_rows']} income rows, {after['lines']} "
            f"expenditure lines, {after['conditions_confirmed']} national conditions confirmed, "
            f"{after['metric_values']} metric figures")


BCF_WORDS = (
    ActionWords("bcf_lists_load", "Better Care Fund lists loaded",
                lambda event: f"loaded the Better Care Fund lists of {event.object_repr}"),
    ActionWords("bcf_allocation_set", "Better Care Fund allocation entered",
                lambda event: f"entered the Better Care Fund allocation of {event.object_repr}",
                labels={"hwb_id": "Health and Wellbeing Board area", "year_id": "Year"}),
    ActionWords("bcf_plan_create", "Better Care Fund plan created", lambda event: f"created {event.object_repr}",
                labels={"hwb_id": "Health and Wellbeing Board area", "year_id": "Year"}),
    ActionWords("bcf_plan_replace", "Better Care Fund plan changed", _replace,
                labels={"income_rows": "Income rows", "income_pence": "Income (pence)",
                        "lines": "Expenditure lines", "planned_pence": "Planned expenditure (pence)",
                        "conditions_confirmed": "National conditions confirmed", "metric_values": "Metric figures"}),
    ActionWords("bcf_condition_confirm", "National condition confirmed",
                lambda event: ("confirmed" if event.after["confirmed"] else "withdrew the confirmation of")
                + f" the national condition {event.object_repr}"),
    ActionWords("bcf_metric_actual", "Metric actual reported",
                lambda event: f"reported the actual of {event.object_repr}: {event.after['actual']}"),
    ActionWords("bcf_explanation_set", "Failing check explained",
                lambda event: (f"explained why {event.object_repr} goes forward although the check "
                               f"“{event.after['check_code']}” fails") if event.after
                else f"withdrew an explanation of a failing check of {event.object_repr}"),
    ActionWords("bcf_plan_sign_off", "Better Care Fund plan signed off",
                lambda event: f"recorded the Health and Wellbeing Board's sign-off of {event.object_repr}",
                labels={"signed_off_by_id": "Signed off by decision"}),
    ActionWords("bcf_plan_move", "Better Care Fund plan moved", _move),
)
