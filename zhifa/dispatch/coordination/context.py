"""The 协同 section of an event page: its meetings and evidence, and the forms to add to them."""

from zhifa.accounts.choices import Role
from zhifa.dispatch.coordination import forms as cf
from zhifa.dispatch.coordination.selectors import consultations_for_event, evidence_for_event, unit_choices
from zhifa.org.scope import scope_for

COMMAND_ROLES = (Role.ADMIN, Role.DISTRICT_COMMAND, Role.SUBDISTRICT_COMMAND)


def is_command(user) -> bool:
    return user.is_superuser or user.role in COMMAND_ROLES


def _working_unit_ids(event) -> set[int]:
    return {eu.unit_id for eu in event.event_units.all() if eu.active}


def _can_coordinate(user, event, working: set[int]) -> bool:
    """Whether to offer the forms at all; the services still decide each action."""
    if not scope_for(user).can_write or user.unit_id is None:
        return False
    return is_command(user) or user.unit_id in working


def event_unit_choices(event) -> list[tuple[str, str]]:
    units = [eu.unit for eu in event.event_units.select_related("unit").order_by("role", "id") if eu.active]
    return [(u.code, u.name) for u in units]


def coordination_context(request, event, *, consultation_form=None, evidence_form=None) -> dict:
    """What the event page's 协同 section shows: its meetings, its evidence, and the forms to add to them."""
    user = request.user
    working = _working_unit_ids(event)
    can_write = scope_for(user).can_write
    evidence = evidence_for_event(user=user, event=event)
    for ev in evidence:
        adopted = {use.unit_id for use in ev.uses.all()}
        ev.can_withdraw = can_write and not ev.withdrawn and (user.unit_id == ev.unit_id or is_command(user))
        ev.can_adopt = (
            can_write
            and not ev.withdrawn
            and user.unit_id in working
            and user.unit_id != ev.unit_id
            and user.unit_id not in adopted
        )
        ev.is_image = ev.content_type.startswith("image/") and ev.content_type != "image/heic"
    can_coordinate = _can_coordinate(user, event, working)
    event_units = event_unit_choices(event)
    if can_coordinate and consultation_form is None:
        # The event's own units first and ticked; then every other unit that can be invited.
        others = [c for c in unit_choices() if c not in event_units]
        consultation_form = cf.ConsultationForm(
            units=event_units + others, initial={"participants": [c for c, _ in event_units]}
        )
        consultation_form.initial["held_at"] = cf.now_local()
    if can_coordinate and evidence_form is None:
        evidence_form = cf.EvidenceForm(
            units=event_units, initial={"collector_name": str(user), "collected_at": cf.now_local()}
        )
    return {
        "consultations": consultations_for_event(user=user, event=event),
        "evidence_list": evidence,
        "can_coordinate": can_coordinate,
        "consultation_form": consultation_form,
        "evidence_form": evidence_form,
        "adopt_form": cf.AdoptForm(),
        "reason_form": cf.ReasonForm(),
    }
