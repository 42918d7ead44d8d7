"""What brokerage events also ask of the B2B meetings: no meetings within one organisation,
colleagues who join, double-length meetings, limits per person and session, preferred times."""

import pytest
from django.core.exceptions import ValidationError

from clusterhub.matchmaking import services
from clusterhub.matchmaking.models import Booking, Meeting, MeetingSlot
from tests.matchmaking.test_participants import Setting, accepted_meeting, body

pytestmark = pytest.mark.django_db


@pytest.fixture
def b2b():
    return Setting()


def test_people_of_one_organisation_cannot_ask_each_other_unless_the_organisers_allow(client, b2b):
    user, ana = b2b.join("Ana", "Pereira", org="Acme Batteries")
    _u, bea = b2b.join("Bea", "Pereira", org="acme batteries ")
    _u, carl = b2b.join("Carl", "Meyer", org="Lab One")
    client.force_login(user)
    page = body(client.get(b2b.url("person", bea.pk)))
    assert "Bea Pereira works for your organisation" in page
    with pytest.raises(ValidationError, match="works for your organisation"):
        services.send_request(ana, bea)
    services.send_request(ana, carl)  # another organisation: fine

    b2b.matchmaking.same_organisation_meetings = True
    services.save_matchmaking(b2b.matchmaking, by=b2b.organiser)
    ana.refresh_from_db()
    assert services.send_request(ana, bea).recipient == bea


def test_a_colleague_joins_only_with_their_consent_and_is_scheduled_with_the_meeting(client, b2b):
    user, ana = b2b.join("Ana", "Pereira", org="Acme Batteries")
    _u, bea = b2b.join("Bea", "Pereira", org="Acme Batteries")
    bea_user, _ = bea.registration.user, None
    _u, carl = b2b.join("Carl", "Meyer", org="Lab One")
    with pytest.raises(ValidationError, match="Bea Pereira cannot join"):
        services.send_request(ana, carl, colleagues=[bea])

    services.opt_in(bea.registration, type=b2b.company, pitch="Cells", joins_colleagues=True)
    client.force_login(user)
    page = body(client.get(b2b.url("person", carl.pk)))
    assert "Colleagues who join" in page and "Bea Pereira" in page
    response = client.post(
        b2b.url("person", carl.pk), {"message": "Together?", "colleagues": [bea.pk]}
    )
    assert response.status_code == 302
    request = carl.received_requests.get()
    assert list(request.colleagues.all()) == [bea]
    services.answer_request(request, carl, accept=True)

    run = services.run_scheduler(b2b.matchmaking, by=b2b.organiser)
    assert run.scheduled == 1
    meeting = Meeting.objects.get(request=request)
    booked = set(Booking.objects.filter(meeting=meeting).values_list("participant_id", flat=True))
    assert booked == {ana.pk, bea.pk, carl.pk}
    services.publish_agendas(b2b.matchmaking, by=b2b.organiser, final=True)
    client.force_login(bea_user)
    page = body(client.get(b2b.url("agenda")))
    assert "Carl Meyer" in page  # whom Bea meets
    assert "Also in this meeting: Ana Pereira" in page


def test_a_double_length_meeting_takes_two_slots_in_a_row(client, b2b):
    user, ana = b2b.join("Ana", "Pereira")
    _u, carl = b2b.join("Carl", "Meyer")
    client.force_login(user)
    assert "double-length" not in body(client.get(b2b.url("person", carl.pk)))
    with pytest.raises(ValidationError, match="no double-length meetings"):
        services.send_request(ana, carl, long=True)

    b2b.matchmaking.long_meetings = True
    services.save_matchmaking(b2b.matchmaking, by=b2b.organiser)
    page = body(client.get(b2b.url("person", carl.pk)))
    assert "A double-length meeting (two slots in a row)" in page
    client.post(b2b.url("person", carl.pk), {"message": "Long talk", "long": "on"})
    request = carl.received_requests.get()
    assert request.long
    services.answer_request(request, carl, accept=True)
    services.run_scheduler(b2b.matchmaking, by=b2b.organiser)
    meeting = Meeting.objects.get(request=request)
    slots = list(
        Booking.objects.filter(meeting=meeting, participant=ana)
        .order_by("slot__start")
        .values_list("slot__start", "slot__end")
    )
    assert len(slots) == 2 and slots[0][1] == slots[1][0]  # back to back
    services.publish_agendas(b2b.matchmaking, by=b2b.organiser, final=True)
    page = body(client.get(b2b.url("agenda")))
    start = slots[0][0].astimezone(b2b.event.tz).strftime("%H:%M")
    end = slots[1][1].astimezone(b2b.event.tz).strftime("%H:%M")
    assert f"{start}</time>–<time" in page and f">{end}</time>" in page
    assert "Double-length meeting" in page


def test_limits_per_person_and_per_session_hold_and_are_the_reason_given(client, b2b):
    user, ana = b2b.join("Ana", "Pereira")
    others = [b2b.join(f"P{k}", f"Person{k}")[1] for k in range(5)]
    client.force_login(user)
    page = body(client.get(b2b.url("profile")))
    assert "At most this many meetings" in page and "Times I prefer" in page
    slots = list(MeetingSlot.objects.filter(session=b2b.day1).order_by("start"))
    response = client.post(
        b2b.url("profile"),
        {
            "type": b2b.company.pk,
            "pitch": "Battery recycling",
            "sessions": [b2b.day1.pk, b2b.day2.pk],
            "where": "onsite",
            "max_meetings": "3",
            "preferred_slots": [slots[3].pk, slots[4].pk],
        },
    )
    assert response.status_code == 302
    ana.refresh_from_db()
    assert ana.max_meetings == 3
    assert set(ana.preferred_slots.all()) == {slots[3], slots[4]}
    for other in others:
        accepted_meeting(b2b, other, ana)
    run = services.run_scheduler(b2b.matchmaking, by=b2b.organiser)
    assert run.scheduled == 3
    mine = Meeting.objects.filter(request__recipient=ana)
    assert mine.filter(slot__isnull=False).count() == 3
    assert set(mine.filter(slot__isnull=True).values_list("unscheduled_reason", flat=True)) == {
        "participant's meeting limit reached"
    }
    # the preferred times are taken first
    assert {slots[3], slots[4]} <= {m.slot for m in mine.filter(slot__isnull=False)}

    ana.max_meetings = None
    ana.save()
    b2b.matchmaking.max_meetings_per_session = 2
    services.save_matchmaking(b2b.matchmaking, by=b2b.organiser)
    services.run_scheduler(b2b.matchmaking, by=b2b.organiser)
    per_session = {}
    for m in mine.filter(slot__isnull=False).select_related("slot"):
        per_session[m.slot.session_id] = per_session.get(m.slot.session_id, 0) + 1
    assert per_session == {b2b.day1.pk: 2, b2b.day2.pk: 2}


def test_the_organisers_set_the_rules(client, b2b):
    client.force_login(b2b.organiser)
    url = b2b.url("manage")
    page = body(client.get(url))
    assert "Meetings per person and session, at most" in page
    assert "Double-length meetings may be requested" in page
    assert "People of one organisation may meet each other" in page
