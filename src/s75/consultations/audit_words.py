"""How the audit trail words the acts of this app's services (registered in ``ConsultationsConfig.ready``)."""

from s75.audit.wording import ActionWords

CONSULTATION_WORDS = (
    ActionWords("consultation_create", "Consultation set up",
                lambda event: f"set up the consultation “{event.after['title']}”",
                labels={"agreement_id": "Agreement", "variation_id": "Variation", "opens_at": "Opens",
                        "closes_at": "Closes", "partners": "Consulting partners"}),
    ActionWords("consultation_update", "Consultation changed",
                lambda event: f"changed the consultation “{event.object_repr}”",
                labels={"opens_at": "Opens", "closes_at": "Closes"}),
    ActionWords("consultation_faq_add", "Consultation question and answer added",
                lambda event: f"added the question “{event.after['question']}” to a consultation's FAQs"),
    ActionWords("consultation_contact_add", "Consultation contact added",
                lambda event: f"added {event.after['name']} as a contact for a consultation"),
    ActionWords("consultation_document_add", "Consultation document added",
                lambda event: f"added the document “{event.after['name']}” to a consultation"),
    ActionWords("consultation_question_add", "Survey question added",
                lambda event: f"added the survey question “{event.after['text']}”"),
    ActionWords("consultation_question_remove", "Survey question removed",
                lambda event: f"removed the survey question “{event.before['text']}”"),
    ActionWords("consultation_outcome_publish", "Consultation outcome published",
                lambda event: f"published the outcome of the consultation “{event.object_repr}”",
                labels={"outcome_summary": "Outcome", "outcome_published_at": "Published",
                        "outcome_decision_id": "Board decision it informed"}),
    ActionWords("consultation_response", "Consultation response received",
                lambda event: f"received the online response {event.after['reference']}"),
    ActionWords("consultation_response_record", "Offline consultation response typed in",
                lambda event: f"typed in the response {event.after['reference']} ({event.after['channel']})"),
    ActionWords("consultation_erase", "Respondent's personal data erased",
                lambda event: f"erased the personal data of the response {event.after['reference']} on request"),
)
