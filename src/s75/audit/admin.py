from django.contrib import admin

from s75.core.admin import ReadOnlyAdmin

from .models import AuditEvent
from .wording import event_in_words


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "what_happened", "agreement")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "reason")

    @admin.display(description="What happened")
    def what_happened(self, event: AuditEvent) -> str:
        return event_in_words(event).sentence
