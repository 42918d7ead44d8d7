"""The pure progress rules: what counts as done, late and delivered, and indicator progress."""

from datetime import date
from decimal import Decimal

from clusterhub.actionplans.progress import (
    ActionState,
    action_state,
    axis_progress,
    counted_series,
    counted_value,
    indicator_progress,
)

TODAY = date(2027, 3, 1)
HELD = {"held": True, "participants": 40, "date": date(2026, 5, 1)}
HELD_LATER = {"held": True, "participants": 25, "date": date(2026, 9, 1)}
COMING = {"held": False, "participants": 0, "date": date(2027, 5, 1)}


def state(pk, status="planned", ends=date(2027, 12, 31), deliveries=(), axis=1):
    return action_state(ActionState(pk, axis, status, ends, list(deliveries)), TODAY)


def test_an_action_is_done_when_the_team_says_so_or_when_everything_linked_happened():
    assert state(1, "done").done
    assert state(2, deliveries=[("event", 10, HELD)]).done
    assert not state(3, deliveries=[("event", 10, HELD), ("event", 11, COMING)]).done
    assert state(3, deliveries=[("event", 10, HELD), ("event", 11, COMING)]).evidenced == 1
    assert not state(4).done  # nothing linked, nothing said


def test_what_happened_for_each_kind_of_delivery():
    formed = {"formed": True, "members": 3}
    assert state(1, deliveries=[("consortium", 1, formed)]).done
    assert not state(2, deliveries=[("consortium", 1, {"formed": False, "members": 1})]).done
    assert state(3, deliveries=[("call", 1, {"published": True, "applications": 2})]).done
    assert not state(4, deliveries=[("call", 1, {"published": True, "applications": 0})]).done
    assert state(5, deliveries=[("opportunity", 1, {"published": True, "interests": 1})]).done
    assert not state(6, deliveries=[("event", 1, None)]).done  # deleted since


def test_late_and_cancelled_actions():
    late = state(1, "ongoing", ends=date(2027, 1, 31))
    cancelled = state(2, "cancelled", ends=date(2026, 1, 31))
    done = state(3, "done", ends=date(2026, 1, 31))
    assert late.late and not cancelled.late and not done.late
    summary = axis_progress([late, cancelled, done])
    assert summary == {"actions": 2, "done": 1, "evidenced": 0, "late": 1, "share": 0.5}
    assert axis_progress([])["share"] is None


def test_counted_indicators_count_each_thing_once_and_only_what_happened():
    a = state(1, deliveries=[("event", 10, HELD), ("event", 11, COMING)])
    b = state(2, deliveries=[("event", 10, HELD), ("event", 12, HELD_LATER)])
    c = state(3, "cancelled", deliveries=[("event", 13, HELD)])
    assert counted_value("events_held", [a, b, c]) == 2
    assert counted_value("participants", [a, b, c]) == 65
    assert counted_value("actions_done", [a, b, c]) == 1
    assert counted_series("participants", [a, b, c]) == [
        (date(2026, 5, 1), Decimal(40)),
        (date(2026, 9, 1), Decimal(65)),
    ]
    assert counted_series("consortia_formed", [a]) == []


def test_indicator_progress_goes_from_baseline_to_target_within_bounds():
    assert indicator_progress(Decimal(10), Decimal(20), Decimal(15)) == 0.5
    assert indicator_progress(Decimal(10), Decimal(20), Decimal(30)) == 1.0
    assert indicator_progress(Decimal(10), Decimal(20), Decimal(5)) == 0.0
    assert indicator_progress(Decimal(100), Decimal(50), Decimal(75)) == 0.5  # a fall wanted
    assert indicator_progress(Decimal(5), Decimal(5), Decimal(5)) == 1.0
    assert indicator_progress(Decimal(0), Decimal(5), None) is None
