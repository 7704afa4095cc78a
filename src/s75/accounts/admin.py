from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class S75UserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Organisation", {"fields": ("organisation", "job_title")}))
    list_display = ("username", "first_name", "last_name", "organisation", "is_staff")
    list_filter = ("organisation__kind", "groups", "is_staff")
