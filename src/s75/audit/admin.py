from django.contrib import admin

from s75.core.admin import ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "object_repr", "agreement")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "reason")



