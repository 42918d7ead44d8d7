"""Admin of B2B matchmaking, for staff looking into an event's meetings.

The set-up saves through ``services.save_matchmaking`` (its slots follow); sessions, types,
requests and the schedule are shown read-only, since their rules (slots around breaks, request
rules, no one booked twice) live in the services: the organisers' screens change them. Actions
run the scheduler and publish the agendas through the same services.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services, tasks
from .models import (
    Booking,
    Matchmaking,
    MatchmakingSession,
    Meeting,
    MeetingRequest,
    Participant,
    ParticipantType,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SessionInline(ReadOnlyInline):
    model = MatchmakingSession
    fields = ("title", "start", "end", "breaks")
    readonly_fields = fields


class TypeInline(ReadOnlyInline):
    model = ParticipantType
    fields = ("name",)
    readonly_fields = fields


@admin.register(Matchmaking)
class MatchmakingAdmin(admin.ModelAdmin):
    list_display = ("event", "meeting_minutes", "tables", "schedule_state", "schedule_version")
    list_select_related = ("event",)
    list_filter = ("schedule_state", "remote_meetings")
    search_fields = ("event__title", "event__slug")
    readonly_fields = ("schedule_state", "schedule_version")
    raw_id_fields = ("event",)
    inlines = [SessionInline, TypeInline]
    actions = ["run_scheduler", "publish_preliminary", "publish_final"]

    def save_model(self, request, obj, form, change):
        services.save_matchmaking(obj, by=request.user)

    def _each(self, request, queryset, work, done: str) -> None:
        for matchmaking in queryset.select_related("event"):
            try:
                result = work(matchmaking)
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(getattr(error, "messages", [str(error)]))
                self.message_user(request, f"{matchmaking.event}: {text}", messages.ERROR)
            else:
                self.message_user(
                    request, format_html(done, event=matchmaking.event, result=result)
                )

    @admin.action(description=gettext_lazy("Run the scheduler"))
    def run_scheduler(self, request, queryset):
        def work(matchmaking):
            job = tasks.start_schedule_run(matchmaking, by=request.user)
            return format_html(
                '<a href="{}">{}</a>', job.get_absolute_url(), _("the run and its progress")
            )

        self._each(request, queryset, work, _("{event}: scheduler started, see {result}."))

    @admin.action(description=gettext_lazy("Publish the preliminary agendas"))
    def publish_preliminary(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda m: services.publish_agendas(m, by=request.user, final=False),
            "{event}: " + _("preliminary agendas published ({result} changed meetings)."),
        )

    @admin.action(description=gettext_lazy("Publish the final agendas"))
    def publish_final(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda m: services.publish_agendas(m, by=request.user, final=True),
            "{event}: " + _("final agendas published ({result} changed meetings)."),
        )


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ("__str__", "matchmaking", "type", "opted_in", "remote", "fixed_table")
    list_select_related = ("registration", "matchmaking__event", "type")
    list_filter = ("opted_in", "remote")
    search_fields = (
        "registration__first_name",
        "registration__last_name",
        "registration__email",
        "registration__organisation_name",
    )
    readonly_fields = (
        "matchmaking",
        "registration",
        "type",
        "opted_in",
        "opted_in_at",
        "pitch",
        "remote",
    )
    fields = (
        "matchmaking",
        "registration",
        "type",
        "opted_in",
        "opted_in_at",
        "pitch",
        "remote",
        "fixed_table",
    )

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        # Only the own table is changed here; the rest is the participant's or the screens'.
        services.set_participant_setup(
            obj, by=request.user, type=obj.type, fixed_table=obj.fixed_table
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MeetingRequest)
class MeetingRequestAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "matchmaking", "status", "created", "answered_at", "expires_at")
    list_select_related = (
        "sender__registration",
        "recipient__registration",
        "matchmaking__event",
    )
    list_filter = ("status",)
    search_fields = ("sender__registration__last_name", "recipient__registration__last_name")


class BookingInline(ReadOnlyInline):
    model = Booking
    fields = ("participant", "slot")
    readonly_fields = fields


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "matchmaking", "slot", "table", "remote", "locked", "weight")
    list_select_related = (
        "request__sender__registration",
        "request__recipient__registration",
        "matchmaking__event",
        "slot",
    )
    list_filter = ("locked", "remote")
    search_fields = (
        "request__sender__registration__last_name",
        "request__recipient__registration__last_name",
    )
    inlines = [BookingInline]
