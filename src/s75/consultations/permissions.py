"""The permissions of the consultations app, as ``has_perm`` takes them; declared on ``Consultation.Meta``."""

MANAGE_CONSULTATION = "consultations.manage_consultation"
ERASE_PERSONAL_DATA = "consultations.erase_personal_data"
