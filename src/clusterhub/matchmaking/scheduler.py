"""The B2B meeting scheduler: accepted meetings into slots and tables, with a proof of quality.

Pure (no Django): data in (``Problem``), data out (``Schedule``).

The problem. Each meeting joins two participants (``a`` and ``b``; colleagues in ``others``
may join them) and has a weight > 0 (mutual interest, priority). A meeting takes one slot, or
two in a row of one session (``length``), and one table for all of them. A participant meets
at most one meeting per slot and only in the slots they are available in; a slot has a
number of shared tables; a participant with a fixed table (an exhibitor's booth) receives all
their meetings there (a meeting between two such participants takes place at participant
``a``'s table); remote meetings take no table. A participant may have a limit on meetings,
and the event one per person and session. A meeting whose two sides are of one organisation
is left out when the event says so. Meetings locked by the organisers stay exactly where they
are. When a schedule was already published, it is passed in and the scheduler keeps as much
of it as it can (weight first, then stability; ``Problem.change_penalty`` trades the two).

Objective: the largest total weight of scheduled meetings; then the fewest changes to the
published schedule; then the least standing about: the fewest idle gaps in each person's
day (within one session), and meetings in the slots people prefer.

Method, for two people per meeting, one slot each and no limits (the usual case):
1. The bound: the linear-programming relaxation of the slot assignment (a variable
   ``x[m, s]`` for each meeting and each slot both people have free; each meeting at most
   once, each person at most once per slot, each slot at most its free shared tables, each
   shared booth at most once per slot), solved with HiGHS (``scipy.optimize.linprog``, sparse
   matrix). No schedule weighs more: the result reports ``ratio = scheduled / bound``, a
   guaranteed "at least X% of the best possible" (whole weights round it down). On instances
   above 2,000 (meeting, slot) pairs a relaxation of that LP is solved instead, several times
   faster and still a valid bound (see ``_Model.solve_lp``).
2. The start: published meetings where they were (when they still fit), then the others in
   the slots the LP chose, by decreasing LP value and weight, when they still fit.
3. Local search, every step strictly increasing the objective:
   - whole-day re-planning, busiest people first: an optimal assignment (Hungarian method,
     ``scipy.optimize.linear_sum_assignment``) of a person's scheduled and waiting meetings
     to their slots, the other agendas fixed except that a partner's blocking meeting may
     move to another free slot;
   - insertion of each unscheduled meeting, heaviest first: into a free place (the slot with
     the lowest LP prices), else by swapping two slots along an alternating chain of meetings
     (the step of König's edge-colouring proof: it schedules every meeting of a regular
     bipartite request graph), else after moving what blocks it one or two moves deep, else
     by ejecting lighter meetings, which are re-inserted in turn;
   - then a fixed number of perturbations (iterated local search, seeded): force a waiting
     meeting in, repair around it, keep the result unless it weighs less.
4. Idle gaps, at the same weight and published places: moves to free slots, swaps of two
   meetings of one person, the best permutation of each person's meetings over their slots
   (an assignment problem on the partners' gaps), alternating-chain moves (only the chain's
   two ends see their day change), then simulated annealing over chain moves (seeded and
   counted), keeping the best day plans seen.
5. The exact engine (``exact``, OR-Tools CP-SAT), on instances up to 5,000 (meeting, slot)
   pairs: from this schedule, the most weight (when the search left a gap to the bound; the
   solver's proof then tightens the bound, or proves the optimum), then the least standing
   about at that weight. Both stages are limited in the solver's deterministic work units.
6. Tables: slot by slot, shared-table meetings keep their published table when they can, the
   others take the first table free in every slot they cover; booth meetings take their booth.

Meetings with colleagues, double-length meetings and limits per person go to the exact
engine directly (``_general``): a greedy start, an insertion local search that ejects and
re-inserts what is in the way, then CP-SAT (its bound, or that of its LP relaxation).

The result is checked (``violations``) before it is returned: a broken schedule is a bug and
raises instead of reaching anyone's agenda. One input always gives one schedule: meetings are
handled in input order, the searches are seeded and counted, the solver runs on one worker in
work units (the time limit is a safety net only).
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment, linprog

from . import exact as exact_engine

MeetingId = Hashable
ParticipantId = Hashable

_TOL = 1e-9
_FORBIDDEN = 1e9
_IPM_COLUMNS = 600_000  # above this, interior point (no crossover) beats the simplex
_FULL_LP_VARIABLES = 2_000  # up to this many (meeting, slot) pairs, the full LP for the bound
_EXACT_VARIABLES = 5_000  # up to this many (meeting, slot) pairs, the exact engine polishes
_EXACT_WORK = 0.6  # the exact engine's work per stage, in CP-SAT's deterministic units
_STANDBY_WORK = 0.6
_GENERAL_WORK = 6.0
_PACKING_ROUNDS = 4  # insertion passes of the general engine's local search
_SHIFT_COST = 1e-7  # prefer not to move a partner's meeting, all else equal
_CHAIN = 400  # the longest chain of slot swaps tried to make room for a meeting


class Reason(StrEnum):
    """Why a meeting is not in the schedule."""

    NO_COMMON_SLOT = "no common free slot"
    NO_TABLE = "no table"
    FULLY_BOOKED = "participant fully booked"
    LIMIT_REACHED = "participant's meeting limit reached"
    SAME_ORGANISATION = "participants of one organisation"


@dataclass(frozen=True, slots=True)
class Meeting:
    """An accepted meeting between participants ``a`` and ``b`` (and ``others`` who join it,
    e.g. the second person of a research group), lasting ``length`` consecutive slots of one
    session."""

    id: MeetingId
    a: ParticipantId
    b: ParticipantId
    weight: float = 1.0
    remote: bool = False  # a video call: no table
    others: tuple[ParticipantId, ...] = ()
    length: int = 1

    @property
    def people(self) -> tuple[ParticipantId, ...]:
        return (self.a, self.b, *self.others)

    def covers(self, start: int) -> range:
        return range(start, start + self.length)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a meeting takes place: a slot index and a table label (None when remote)."""

    slot: int
    table: str | None


@dataclass(frozen=True)
class Problem:
    """What the organisers give the scheduler.

    - ``n_slots``: slots are numbered ``0 .. n_slots - 1`` in time order.
    - ``tables``: the number of shared tables, one number for every slot or one per slot.
      Shared tables are labelled ``table_labels[k]`` (default ``"1"``, ``"2"``, …); a slot
      with ``t`` tables uses the first ``t`` labels.
    - ``availability``: the slots each participant is available in; a participant not in the
      mapping is available in every slot.
    - ``fixed_tables``: participant → the label of their own table or booth. Two participants
      may share one (two people of one company at one booth). Labels must differ from the
      shared tables' labels.
    - ``locked``: meeting id → placement that the scheduler never changes.
    - ``published``: meeting id → placement already announced to the participants.
    - ``change_penalty``: the weight lost per published meeting that changes slot or is
      dropped. None: stability only breaks ties of weight (all its bonuses together stay
      below half the smallest weight, so with whole-number weights weight comes strictly
      first).
    - ``sessions``: a session key per slot (e.g. the day); an idle gap is counted only between
      two meetings of one session, and a meeting never runs across two sessions. Default:
      every slot in one session.
    - ``max_meetings``: participant → the most meetings they want (locked ones count).
    - ``max_per_session``: the most meetings of any participant in one session.
    - ``preferred``: participant → the slots they prefer; after weight, the scheduler keeps
      their meetings there when it can (see ``exact``: it weighs like half an idle slot).
    - ``organisations``: participant → their organisation; a meeting whose two sides (``a``
      and ``b``) are of one organisation is never scheduled (unless the organisers locked it).
    """

    meetings: Sequence[Meeting]
    n_slots: int
    tables: int | Sequence[int]
    availability: Mapping[ParticipantId, Collection[int]] = field(default_factory=dict)
    fixed_tables: Mapping[ParticipantId, str] = field(default_factory=dict)
    locked: Mapping[MeetingId, Placement] = field(default_factory=dict)
    published: Mapping[MeetingId, Placement] = field(default_factory=dict)
    change_penalty: float | None = None
    sessions: Sequence[Hashable] | None = None
    table_labels: Sequence[str] | None = None
    max_meetings: Mapping[ParticipantId, int] = field(default_factory=dict)
    max_per_session: int | None = None
    preferred: Mapping[ParticipantId, Collection[int]] = field(default_factory=dict)
    organisations: Mapping[ParticipantId, Hashable] = field(default_factory=dict)

    def session_keys(self) -> list[Hashable]:
        return list(self.sessions) if self.sessions is not None else [0] * self.n_slots

    def is_classic(self) -> bool:
        """Two people per meeting, one slot each, no limits per person: the fast engine."""
        return (
            all(not m.others and m.length == 1 for m in self.meetings)
            and not self.max_meetings
            and self.max_per_session is None
        )

    def same_organisation(self, m: Meeting) -> bool:
        """The two sides (``a`` and ``b``) belong to one organisation; colleagues who join
        one side are of course allowed."""
        org = self.organisations.get(m.a)
        return org is not None and org == self.organisations.get(m.b)

    def tables_per_slot(self) -> list[int]:
        if isinstance(self.tables, int):
            return [self.tables] * self.n_slots
        return [int(t) for t in self.tables]

    def shared_labels(self) -> list[str]:
        need = max(self.tables_per_slot(), default=0)
        if self.table_labels is not None:
            return list(self.table_labels)
        return [str(k + 1) for k in range(need)]


@dataclass(frozen=True)
class Schedule:
    """The scheduler's answer, with its own certificate of quality."""

    assignment: dict[MeetingId, Placement]
    unscheduled: dict[MeetingId, Reason]
    scheduled_weight: float
    total_weight: float
    bound: float  # LP relaxation: no schedule can weigh more
    n_scheduled: int
    n_meetings: int
    changed: tuple[MeetingId, ...]  # published meetings now elsewhere (or dropped)
    idle_gaps: int
    optimal: bool  # proven: the weight reaches the bound, or branch and bound closed the gap
    lp_seconds: float
    seconds: float

    @property
    def ratio(self) -> float:
        """Scheduled weight ÷ the upper bound: at least this share of the best possible."""
        return min(1.0, self.scheduled_weight / self.bound) if self.bound > 0 else 1.0

    def summary(self) -> str:
        """What the organisers read, e.g. "scheduled 212 of 300 accepted meetings; at least
        99.4% of the best possible" (rounded down, so the promise holds)."""
        head = f"scheduled {self.n_scheduled} of {self.n_meetings} accepted meetings; "
        if self.optimal:
            return head + "the best possible"
        return head + f"at least {math.floor(self.ratio * 1000) / 10:.1f}% of the best possible"


# Validation and checks --------------------------------------------------------------------------


def _validate(problem: Problem) -> None:
    per_slot = problem.tables_per_slot()
    if problem.n_slots < 0 or len(per_slot) != problem.n_slots:
        raise ValueError("tables: give one number, or one number per slot")
    if any(t < 0 for t in per_slot):
        raise ValueError("tables: a slot cannot have a negative number of tables")
    labels = problem.shared_labels()
    if len(labels) < max(per_slot, default=0) or len(set(labels)) != len(labels):
        raise ValueError("table_labels: one distinct label per shared table is needed")
    clash = set(problem.fixed_tables.values()) & set(labels[: max(per_slot, default=0)])
    if clash:
        raise ValueError(f"fixed_tables: labels also used by shared tables: {sorted(clash)}")
    if problem.sessions is not None and len(problem.sessions) != problem.n_slots:
        raise ValueError("sessions: one session key per slot")
    seen: set = set()
    for m in problem.meetings:
        if m.id in seen:
            raise ValueError(f"meeting {m.id!r}: the id appears twice")
        seen.add(m.id)
        if len(set(m.people)) != len(m.people):
            raise ValueError(f"meeting {m.id!r}: a participant cannot meet themselves")
        if not m.weight > 0:
            raise ValueError(f"meeting {m.id!r}: the weight must be positive")
        if m.length < 1:
            raise ValueError(f"meeting {m.id!r}: the length must be at least one slot")
    if any(n < 0 for n in problem.max_meetings.values()) or (problem.max_per_session or 0) < 0:
        raise ValueError("meeting limits must not be negative")
    for p, slots in problem.preferred.items():
        if any(not 0 <= s < problem.n_slots for s in slots):
            raise ValueError(f"preferred slots of {p!r}: slot out of range")
    for p, slots in problem.availability.items():
        if any(not 0 <= s < problem.n_slots for s in slots):
            raise ValueError(f"availability of {p!r}: slot out of range")
    for mid in problem.locked:
        if mid not in seen:
            raise ValueError(f"locked meeting {mid!r} is not among the meetings")
    if problem.change_penalty is not None and problem.change_penalty < 0:
        raise ValueError("change_penalty must not be negative")
    by_id = {m.id: m for m in problem.meetings}
    locked = {mid: by_id[mid] for mid in problem.locked}
    errors = _conflicts(problem, {mid: problem.locked[mid] for mid in locked}, locked)
    if errors:
        raise ValueError("locked meetings conflict: " + "; ".join(errors))


def _expected_table(problem: Problem, m: Meeting) -> str | None:
    """The table a meeting must use when a participant has their own (None: any shared one)."""
    if m.remote:
        return None
    return problem.fixed_tables.get(m.a) or problem.fixed_tables.get(m.b)


def _conflicts(
    problem: Problem, assignment: Mapping[MeetingId, Placement], by_id: Mapping[MeetingId, Meeting]
) -> list[str]:
    """Hard-rule violations of an assignment, locked meetings exempt from availability."""
    errors = []
    labels = problem.shared_labels()
    exists = [set(labels[:t]) for t in problem.tables_per_slot()]
    fixed = set(problem.fixed_tables.values())
    sessions = problem.session_keys()
    person: dict[tuple, MeetingId] = {}
    table: dict[tuple, MeetingId] = {}
    for mid, place in assignment.items():
        m = by_id[mid]
        start, t = place.slot, place.table
        if not (start >= 0 and start + m.length <= problem.n_slots):
            errors.append(f"{mid!r}: slot {start} out of range")
            continue
        if len({sessions[s] for s in m.covers(start)}) > 1:
            errors.append(f"{mid!r}: runs across two sessions")
        for s in m.covers(start):
            for p in m.people:
                if (p, s) in person:
                    errors.append(f"{p!r} is in {person[p, s]!r} and {mid!r} in slot {s}")
                person[p, s] = mid
            if m.remote:
                continue
            if t is None:
                errors.append(f"{mid!r}: no table")
                break
            if t not in fixed and t not in exists[s]:
                errors.append(f"{mid!r}: table {t!r} does not exist in slot {s}")
            if (t, s) in table:
                errors.append(f"table {t!r} holds {table[t, s]!r} and {mid!r} in slot {s}")
            table[t, s] = mid
        if m.remote and t is not None:
            errors.append(f"{mid!r}: a remote meeting takes no table")
    return errors


def violations(problem: Problem, assignment: Mapping[MeetingId, Placement]) -> list[str]:
    """Every broken rule of an assignment (empty when it is a valid schedule)."""
    by_id = {m.id: m for m in problem.meetings}
    errors = [f"{mid!r}: unknown meeting" for mid in assignment if mid not in by_id]
    assignment = {mid: p for mid, p in assignment.items() if mid in by_id}
    errors += _conflicts(problem, assignment, by_id)
    for mid, place in problem.locked.items():
        if assignment.get(mid) != place:
            errors.append(f"locked meeting {mid!r} moved")
    sessions = problem.session_keys()
    count: dict = {}
    per_session: dict = {}
    for mid, place in assignment.items():
        m = by_id[mid]
        for p in m.people:
            count[p] = count.get(p, 0) + 1
            key = (p, sessions[min(place.slot, problem.n_slots - 1)])
            per_session[key] = per_session.get(key, 0) + 1
        if mid in problem.locked:
            continue
        if problem.same_organisation(m):
            errors.append(f"{mid!r}: its participants belong to one organisation")
        for p in m.people:
            avail = problem.availability.get(p)
            for s in m.covers(place.slot):
                if avail is not None and s not in avail:
                    errors.append(f"{mid!r}: {p!r} is not available in slot {s}")
        expected = _expected_table(problem, m)
        if expected is not None and place.table != expected:
            errors.append(f"{mid!r}: must take place at table {expected!r}")
        if expected is None and not m.remote and place.table in problem.fixed_tables.values():
            errors.append(f"{mid!r}: takes someone's own table {place.table!r}")
    locked = [by_id[mid] for mid in problem.locked if mid in by_id]
    for p, cap in problem.max_meetings.items():
        allowed = max(cap, sum(p in m.people for m in locked))  # locks win over limits
        if count.get(p, 0) > allowed:
            errors.append(f"{p!r} has {count[p]} meetings, more than {cap}")
    if problem.max_per_session is not None:
        for key, n in per_session.items():
            if n > problem.max_per_session:
                p, session = key
                held = sum(
                    p in m.people and sessions[problem.locked[m.id].slot] == session for m in locked
                )
                if n > max(problem.max_per_session, held):
                    errors.append(f"{p!r} has {n} meetings in session {session!r}")
    return errors


def idle_gaps(problem: Problem, assignment: Mapping[MeetingId, Placement]) -> int:
    """Idle gaps, summed over people: the slots a person is available in but has no meeting,
    between two of their meetings of one session."""
    sessions = problem.session_keys()
    by_id = {m.id: m for m in problem.meetings}
    days: dict[tuple, set[int]] = {}
    for mid, place in assignment.items():
        m = by_id[mid]
        for p in m.people:
            for s in m.covers(place.slot):
                days.setdefault((p, sessions[s]), set()).add(s)
    total = 0
    for (p, _), slots in days.items():
        avail = problem.availability.get(p)
        for s in range(min(slots) + 1, max(slots)):
            if s not in slots and (avail is None or s in avail):
                total += 1
    return total


# The model --------------------------------------------------------------------------------------


class _Model:
    """Dense indices, candidate slots and the mutable state of the local search."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        S = self.S = problem.n_slots
        meetings = list(problem.meetings)
        people: dict = {}
        for m in meetings:
            people.setdefault(m.a, len(people))
            people.setdefault(m.b, len(people))
        self.people = people
        P = len(people)
        avail = np.ones((P, S), dtype=bool)
        for p, slots in problem.availability.items():
            if p in people:
                row = np.zeros(S, dtype=bool)
                row[list(slots)] = True
                avail[people[p]] = row
        fixed_labels: dict[str, int] = {}
        owners: dict[int, int] = {}
        for label in problem.fixed_tables.values():
            f = fixed_labels.setdefault(label, len(fixed_labels))
            owners[f] = owners.get(f, 0) + 1
        self.fixed_labels = list(fixed_labels)
        self.multi_owner = [owners[f] > 1 for f in range(len(fixed_labels))]
        Fn = len(fixed_labels)

        self.cap = problem.tables_per_slot()
        self.labels = problem.shared_labels()
        # Locked meetings occupy people, booths and shared tables.
        lock_person = np.zeros((P, S), dtype=bool)
        lock_fixed = np.zeros((max(Fn, 1), S), dtype=bool)
        self.locked_tables: list[set[str]] = [set() for _ in range(S)]
        self.locked_weight = 0.0
        by_id = {m.id: m for m in meetings}
        for mid, place in problem.locked.items():
            m = by_id[mid]
            self.locked_weight += m.weight
            lock_person[people[m.a], place.slot] = True
            lock_person[people[m.b], place.slot] = True
            if place.table is None:
                continue
            if place.table in fixed_labels:
                lock_fixed[fixed_labels[place.table], place.slot] = True
            else:
                self.cap[place.slot] -= 1
                self.locked_tables[place.slot].add(place.table)

        free = [m for m in meetings if m.id not in problem.locked]
        self.free = free
        M = self.M = len(free)
        A = np.array([people[m.a] for m in free], dtype=np.int64)
        B = np.array([people[m.b] for m in free], dtype=np.int64)
        self.W = np.array([m.weight for m in free], dtype=float)
        ftab = np.full(M, -1, dtype=np.int64)
        kind = np.zeros(M, dtype=np.int8)  # 0 shared table, 1 own table, 2 remote
        for i, m in enumerate(free):
            if m.remote:
                kind[i] = 2
            else:
                label = _expected_table(problem, m)
                if label is not None:
                    kind[i] = 1
                    ftab[i] = fixed_labels[label]
        self.common = avail[A] & avail[B] if M else np.zeros((0, S), dtype=bool)
        cand = self.common & ~lock_person[A] & ~lock_person[B]
        cap = np.array(self.cap, dtype=np.int64)
        shared = kind == 0
        cand[shared] &= cap[None, :] > 0
        own = kind == 1
        if own.any():
            cand[own] &= ~lock_fixed[ftab[own]]
        self.cand_mask = cand
        self.A, self.B, self.kind, self.ftab = A, B, kind, ftab

        # Stability: a bonus for keeping a published meeting in its published slot.
        pub = np.full(M, -1, dtype=np.int64)
        for i, m in enumerate(free):
            place = problem.published.get(m.id)
            if place is not None and 0 <= place.slot < S and cand[i, place.slot]:
                pub[i] = place.slot
        n_pub = int((pub >= 0).sum())
        if problem.change_penalty is not None:
            bonus = float(problem.change_penalty)
        else:  # strictly below any weight difference that matters: weight first
            bonus = 0.5 * float(self.W.min()) / (n_pub + 1) if M else 0.0
        self.pub = pub
        self.bonus = bonus if n_pub else 0.0

        # Python lists for the local search (faster element access than numpy scalars).
        self.a = A.tolist()
        self.b = B.tolist()
        self.w = self.W.tolist()
        self.k = kind.tolist()
        self.f = ftab.tolist()
        self.pubs = pub.tolist()
        self.cands = [np.flatnonzero(row).tolist() for row in cand]
        self.cand_sets = [set(c) for c in self.cands]
        self.avail = avail.tolist()
        person_slots = np.zeros((P, S), dtype=bool)
        np.logical_or.at(person_slots, A, cand)
        np.logical_or.at(person_slots, B, cand)
        self.person_slots = [np.flatnonzero(row).tolist() for row in person_slots]
        # Bit masks of slots: a meeting's candidates, a person's usable and free slots.
        self.cand_bits = [sum(1 << s for s in c) for c in self.cands]
        self.person_bits = [sum(1 << s for s in slots) for slots in self.person_slots]
        self.free_bits = [
            sum(1 << s for s, x in enumerate(row) if not x) for row in lock_person.tolist()
        ]
        self.slot_of = [-1] * M
        self.busy = [[-2 if x else -1 for x in row] for row in lock_person.tolist()]
        self.fbusy = [[-2 if x else -1 for x in row] for row in lock_fixed.tolist()]
        self.used = [0] * S
        self.members: list[set[int]] = [set() for _ in range(S)]
        self.price = None  # LP prices per person-slot and per slot, set by solve_lp
        self.proven_optimal = False  # set when branch and bound closed the gap
        self.journal: list | None = None  # (meeting, slot before) of every change, to revert
        self.mine: list[list[int]] = [[] for _ in range(P)]  # each person's placeable meetings
        for i in range(M):
            if self.cands[i]:
                self.mine[self.a[i]].append(i)
                self.mine[self.b[i]].append(i)
        self.tick = 0  # counts changes; touched[p]: the last change to p's agenda
        self.touched = [0] * P

    # state ------------------------------------------------------------------------------------

    def val(self, i: int, s: int) -> float:
        return self.w[i] + self.bonus if s == self.pubs[i] else self.w[i]

    def fits(self, i: int, s: int) -> bool:
        busy = self.busy
        if busy[self.a[i]][s] != -1 or busy[self.b[i]][s] != -1:
            return False
        k = self.k[i]
        if k == 0:
            return self.used[s] < self.cap[s]
        if k == 1:
            return self.fbusy[self.f[i]][s] == -1
        return True

    def place(self, i: int, s: int) -> None:
        if self.journal is not None:
            self.journal.append((i, -1))
        self.slot_of[i] = s
        self.busy[self.a[i]][s] = i
        self.busy[self.b[i]][s] = i
        self.free_bits[self.a[i]] &= ~(1 << s)
        self.free_bits[self.b[i]] &= ~(1 << s)
        self.tick += 1
        self.touched[self.a[i]] = self.touched[self.b[i]] = self.tick
        k = self.k[i]
        if k == 0:
            self.used[s] += 1
            self.members[s].add(i)
        elif k == 1:
            self.fbusy[self.f[i]][s] = i

    def remove(self, i: int) -> None:
        s = self.slot_of[i]
        if self.journal is not None:
            self.journal.append((i, s))
        self.slot_of[i] = -1
        self.busy[self.a[i]][s] = -1
        self.busy[self.b[i]][s] = -1
        self.free_bits[self.a[i]] |= 1 << s
        self.free_bits[self.b[i]] |= 1 << s
        self.tick += 1
        self.touched[self.a[i]] = self.touched[self.b[i]] = self.tick
        k = self.k[i]
        if k == 0:
            self.used[s] -= 1
            self.members[s].discard(i)
        elif k == 1:
            self.fbusy[self.f[i]][s] = -1

    def move(self, i: int, s: int) -> None:
        self.remove(i)
        self.place(i, s)

    def objective(self) -> float:
        return sum(self.val(i, s) for i, s in enumerate(self.slot_of) if s >= 0)

    # the LP -----------------------------------------------------------------------------------

    def solve_lp(self, full: bool = False) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        """The LP relaxation: (upper bound on the free meetings, x, var meeting, var slot).

        With ``full`` it is exactly the LP of the module docstring. Otherwise a relaxation of
        it, so still an upper bound, several times faster to solve, and equal to the full LP on
        every instance of the benchmark:
        - only people with more meetings than usable slots keep their per-slot rows (the others
          can almost always be re-slotted);
        - meetings between two such unconstrained people then only compete for tables: they are
          pooled per slot (how many of them sit in slot s, at most how many could) and by weight
          (the pool takes the heaviest first), instead of one column per meeting and slot.
        Large LPs are solved by interior point without crossover; the bound is then computed
        from the dual prices (any non-negative prices give a valid bound, by weak duality)."""
        S, M = self.S, self.M
        P = len(self.people)
        vi, vs = np.nonzero(self.cand_mask)
        if len(vi) == 0:
            self.price = (np.zeros((P, S)), np.zeros(S))
            return 0.0, np.zeros(0), vi, vs
        pa = self.A[vi] * S + vs
        pb = self.B[vi] * S + vs
        counts = np.bincount(np.concatenate([pa, pb]), minlength=P * S)
        wanted = counts >= 2  # one variable alone is bounded by x <= 1
        constant = 0.0
        pool_w = np.zeros(0)
        pool_slots = np.zeros(S)
        if not full:
            degree = np.bincount(np.concatenate([self.A, self.B]), minlength=P)
            usable = (counts.reshape(P, S) > 0).sum(axis=1)
            heavy = degree > usable
            wanted &= np.repeat(heavy, S)
            multi = np.array(self.multi_owner + [False], dtype=bool)
            free_pair = (
                ~heavy[self.A]
                & ~heavy[self.B]
                & (self.pub < 0)
                & ~((self.kind == 1) & multi[self.ftab])
                & self.cand_mask.any(axis=1)
            )
            alone = free_pair & (self.kind != 0)  # no table to share: always placeable
            constant = float(self.W[alone].sum())
            pooled = free_pair & (self.kind == 0)
            pool_w = self.W[pooled]
            pool_slots = self.cand_mask[pooled].sum(axis=0).astype(float)
            keep = ~free_pair[vi]
            vi, vs, pa, pb = vi[keep], vs[keep], pa[keep], pb[keep]
        n = len(vi)
        c = self.W[vi] + np.where(self.pub[vi] == vs, self.bonus, 0.0)
        upper = [np.ones(n)]
        rows = [vi]  # each meeting at most once
        cols = [np.arange(n)]
        vals = [np.ones(n)]
        rhs = [np.ones(M)]
        offset = M
        busy_rows = np.flatnonzero(wanted)
        row_of = np.full(P * S, -1, dtype=np.int64)
        row_of[busy_rows] = offset + np.arange(len(busy_rows))
        offset += len(busy_rows)
        for key in (pa, pb):
            r = row_of[key]
            k = np.flatnonzero(r >= 0)
            rows.append(r[k])
            cols.append(k)
            vals.append(np.ones(len(k)))
        rhs.append(np.ones(len(busy_rows)))
        # The pool: x_s (pooled meetings in slot s, at most pool_slots[s]), one column per
        # weight class (at most its size), and the classes hold no more than sum_s x_s.
        n_cols = n
        pool_col = np.full(S, -1, dtype=np.int64)
        if len(pool_w):
            weights, sizes = np.unique(pool_w, return_counts=True)
            if len(weights) > 1024:  # round weights up into 1,024 classes: still an upper bound
                order = np.sort(pool_w)
                groups = np.array_split(order, 1024)
                weights = np.array([g[-1] for g in groups])
                sizes = np.array([len(g) for g in groups])
            pool_col = n_cols + np.arange(S)
            class_col = n_cols + S + np.arange(len(weights))
            n_cols += S + len(weights)
            c = np.concatenate([c, np.zeros(S), weights])
            upper += [pool_slots, sizes.astype(float)]
            rows.append(np.full(S + len(weights), offset))
            cols.append(np.concatenate([pool_col, class_col]))
            vals.append(np.concatenate([-np.ones(S), np.ones(len(weights))]))
            rhs.append(np.zeros(1))
            offset += 1
        shared = np.flatnonzero(self.kind[vi] == 0)
        per_slot = np.bincount(vs[shared], minlength=S) + pool_slots
        cap = np.array(self.cap, dtype=float)
        tight = np.flatnonzero(per_slot > cap)
        cap_row = np.full(S, -1, dtype=np.int64)
        cap_row[tight] = offset + np.arange(len(tight))
        offset += len(tight)
        r = cap_row[vs[shared]]
        k = r >= 0
        rows.append(r[k])
        cols.append(shared[k])
        vals.append(np.ones(int(k.sum())))
        if len(pool_w):
            rows.append(cap_row[tight])
            cols.append(pool_col[tight])
            vals.append(np.ones(len(tight)))
        rhs.append(cap[tight])
        own = np.flatnonzero(self.kind[vi] == 1)
        multi = np.array(self.multi_owner + [False], dtype=bool)
        own = own[multi[self.ftab[vi[own]]]]
        ukeys, inverse = np.unique(self.ftab[vi[own]] * S + vs[own], return_inverse=True)
        rows.append(offset + inverse)
        cols.append(own)
        vals.append(np.ones(len(own)))
        rhs.append(np.ones(len(ukeys)))
        offset += len(ukeys)
        matrix = sparse.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(offset, n_cols),
        )
        b = np.concatenate(rhs)
        ub = np.concatenate(upper)
        self.lp_model = (c, matrix, b, ub, vi, vs)
        if n_cols == 0:  # every meeting was counted in ``constant``
            self.price = (np.zeros((P, S)), np.zeros(S))
            return constant, np.zeros(0), vi, vs
        large = n_cols > _IPM_COLUMNS
        bounds = np.column_stack([np.zeros(n_cols), ub])
        if large:
            res = linprog(
                -c,
                A_ub=matrix,
                b_ub=b,
                bounds=bounds,
                method="highs-ipm",
                options={"run_crossover": "off"},
            )
        else:
            # The dual simplex, within a counted number of iterations: on very degenerate
            # instances (regular request graphs) it can stall, and interior point takes over.
            res = linprog(
                -c,
                A_ub=matrix,
                b_ub=b,
                bounds=bounds,
                method="highs-ds",
                options={"maxiter": max(5_000, n_cols + offset)},
            )
            if res.status == 1:
                res = linprog(-c, A_ub=matrix, b_ub=b, bounds=bounds, method="highs-ipm")
        if res.status != 0 or res.x is None:
            raise RuntimeError(f"the LP relaxation failed: {res.message}")
        duals = np.maximum(-res.ineqlin.marginals, 0.0)
        if large:  # weak duality: b.y + sum_j u_j max(0, c_j - a_j.y) bounds every solution
            value = float(b @ duals + ub @ np.maximum(0.0, c - matrix.T @ duals))
        else:
            value = float(-res.fun)
        person_price = np.zeros(P * S)
        person_price[busy_rows] = duals[M : M + len(busy_rows)]
        slot_price = np.zeros(S)
        slot_price[tight] = duals[cap_row[tight]]
        self.price = (person_price.reshape(P, S), slot_price)
        return value + constant, res.x[:n], vi, vs

    # construction and local search -----------------------------------------------------------

    def _prices(self) -> None:
        person, slot = self.price
        self.pprice = person.tolist()
        self.sprice = slot.tolist()

    def score(self, i: int, s: int) -> float:
        """How attractive slot s is for meeting i: its value minus the LP prices it uses."""
        pp = self.pprice
        v = self.val(i, s) - pp[self.a[i]][s] - pp[self.b[i]][s]
        if self.k[i] == 0:
            v -= self.sprice[s]
        return v

    def round_lp(self, x: np.ndarray, vi: np.ndarray, vs: np.ndarray) -> None:
        """The start: published meetings where they were (when they still fit, heaviest
        first), then the others in the slots the LP chose, by decreasing LP value and weight."""
        for i in sorted(range(self.M), key=lambda i: (-self.w[i], i)):
            s = self.pubs[i]
            if s >= 0 and self.fits(i, s):
                self.place(i, s)
        keep = x > 1e-6
        xi, xs, xv = vi[keep], vs[keep], x[keep]
        order = np.lexsort((xi, -self.W[xi], -xv))
        slot_of, fits, place = self.slot_of, self.fits, self.place
        for i, s in zip(xi[order].tolist(), xs[order].tolist(), strict=True):
            if slot_of[i] < 0 and fits(i, s):
                place(i, s)

    def best_free_slot(self, i: int, exclude: int = -1) -> int:
        best, best_score = -1, -np.inf
        for s in self.cands[i]:
            if s != exclude and s != self.slot_of[i] and self.fits(i, s):
                sc = self.score(i, s)
                if sc > best_score + _TOL:
                    best, best_score = s, sc
        return best

    def relocate(self, k: int, forbidden: set[int], depth: int, log: list) -> bool:
        """Move scheduled meeting k to another slot (not a forbidden one), directly or, with
        depth 2, after moving the meetings that block it there. Moves go to ``log``."""
        here = self.slot_of[k]
        best, best_v = -1, -np.inf
        for s in self.cands[k]:
            if s == here or s in forbidden or not self.fits(k, s):
                continue
            v = self.val(k, s)
            if v > best_v + _TOL:
                best, best_v = s, v
        if best >= 0:
            log.append((k, here))
            self.move(k, best)
            return True
        if depth <= 1:
            return False
        forbidden = forbidden | {here}
        for s in self.cands[k]:
            if s in forbidden:
                continue
            mark = len(log)
            if self.clear(k, s, forbidden, depth - 1, log):
                log.append((k, here))
                self.move(k, s)
                return True
            self.undo(log, mark)
        return False

    def has_free_slot(self, p: int) -> bool:
        return bool(self.free_bits[p] & self.person_bits[p])

    def blockers(self, i: int, s: int) -> list[int] | None:
        """The meetings in slot s that involve i's people or i's own table (None: a locked
        meeting does, nothing can be done)."""
        out = []
        for k in (self.busy[self.a[i]][s], self.busy[self.b[i]][s]):
            if k == -2:
                return None
            if k >= 0 and k not in out:
                out.append(k)
        if self.k[i] == 1:
            k = self.fbusy[self.f[i]][s]
            if k == -2:
                return None
            if k >= 0 and k not in out:
                out.append(k)
        return out

    def clear(self, i: int, s: int, forbidden: set[int], depth: int, log: list) -> bool:
        """Make room for unplaced-or-elsewhere meeting i in slot s by moving other meetings
        (never into a forbidden slot nor into s). The caller undoes the log on failure."""
        out = self.blockers(i, s)
        if out is None:
            return False
        fb = forbidden | {s}
        for k in out:
            if not self.relocate(k, fb, depth, log):
                return False
        if self.k[i] == 0 and self.used[s] >= self.cap[s]:
            # A table frees up only if a shared meeting can go to a slot with a free table.
            open_slots = {t for t in range(self.S) if self.used[t] < self.cap[t]} - fb
            if not open_slots:
                return False
            for k in sorted(self.members[s]):
                if not open_slots.isdisjoint(self.cands[k]) and self.relocate(k, fb, 1, log):
                    break
            else:
                return False
        return self.fits(i, s)

    def undo(self, log: list, mark: int) -> None:
        while len(log) > mark:
            k, s = log.pop()
            if s < 0:
                self.remove(k)
            elif self.slot_of[k] < 0:
                self.place(k, s)
            else:
                self.move(k, s)

    def gain_of(self, log: list, mark: int) -> float:
        """Objective change of the moves in log[mark:] (each entry is (meeting, old slot))."""
        first: dict[int, int] = {}
        for k, old in log[mark:]:
            first.setdefault(k, old)
        g = 0.0
        for k, old in first.items():
            new = self.slot_of[k]
            g += (self.val(k, new) if new >= 0 else 0.0) - (self.val(k, old) if old >= 0 else 0.0)
        return g

    def kempe(self, i: int) -> bool:
        """Insert unscheduled meeting i by swapping two slots along an alternating chain (the
        step of König's edge-colouring proof): a is free in slot x, b in slot y; b's meeting in
        x moves to y, the next person's meeting in y moves to x, and so on; then i takes x.
        Everyone keeps their meetings; only slots change. Tried both ways round, for every
        pair of slots, chains of at most ``_CHAIN`` meetings; kept only when the objective
        rises (a published place may be lost only for more weight)."""
        a, b = self.a[i], self.b[i]
        cands = self.cands[i]
        busy = self.busy
        for first, second in ((a, b), (b, a)):
            free_first = [s for s in cands if busy[first][s] == -1]
            free_second = [s for s in self.person_slots[second] if busy[second][s] == -1]
            for x in free_first:
                if busy[second][x] < 0:
                    continue  # -1: not a chain (direct insertion failed on tables); -2: locked
                for y in free_second:
                    if y != x and self._swap_chain(i, second, x, y):
                        return True
        return False

    def _swap_chain(self, i: int, start: int, x: int, y: int) -> bool:
        chain, person, slot, seen = [], start, x, set()
        busy, a_, b_, sets = self.busy, self.a, self.b, self.cand_sets
        while len(chain) < _CHAIN:
            k = busy[person][slot]
            if k == -1:
                break
            if k == -2 or k in seen:
                return False
            other = y if slot == x else x
            if other not in sets[k]:
                return False
            chain.append((k, slot, other))
            seen.add(k)
            person = b_[k] if a_[k] == person else a_[k]
            slot = other
        else:
            return False
        log: list = []
        for k, old, _ in chain:
            log.append((k, old))
            self.remove(k)
        ok = True
        for k, _, new in chain:
            if not self.fits(k, new):
                ok = False
                break
            log.append((k, -1))
            self.place(k, new)
        if ok and self.fits(i, x):
            log.append((i, -1))
            self.place(i, x)
            if self.gain_of(log, 0) > _TOL:
                return True
        self.undo(log, 0)
        return False

    def try_insert(self, i: int, ejected: list[int], depth: int) -> bool:
        """Insert unscheduled meeting i, by moving or (for a smaller weight) ejecting others."""
        s = self.best_free_slot(i)
        if s >= 0:
            self.place(i, s)
            return True
        if self.kempe(i):
            return True
        log: list = []
        order = sorted(self.cands[i], key=lambda s: -self.score(i, s))
        # Moving a person's meeting away needs a free slot of theirs: without one (the usual
        # case of a popular participant) no chain of moves can help.
        movable = self.has_free_slot(self.a[i]) and self.has_free_slot(self.b[i])
        for s in order if movable else ():  # move the blockers away
            if self.clear(i, s, set(), depth, log):
                log.append((i, -1))
                self.place(i, s)
                if self.gain_of(log, 0) > _TOL:
                    return True
            self.undo(log, 0)
        best, best_gain, best_out = -1, _TOL, None
        for s in order:  # eject lighter meetings
            out = self.blockers(i, s)
            if out is None:
                continue
            if (
                self.k[i] == 0
                and self.used[s] >= self.cap[s]
                and not any(self.k[k] == 0 for k in out)
            ):
                lightest = min(self.members[s], key=lambda k: (self.val(k, s), k), default=None)
                if lightest is None:
                    continue
                out = [*out, lightest]
            gain = self.val(i, s) - sum(self.val(k, s) for k in out)
            if gain > best_gain:
                best, best_gain, best_out = s, gain, out
        if best >= 0:
            for k in best_out:
                self.remove(k)
                ejected.append(k)
            self.place(i, best)
            return True
        return False

    def rematch(self, p: int, new: Sequence[int], ejected: list[int]) -> bool:
        """Re-plan person p's day: an optimal assignment of p's scheduled meetings and the
        unscheduled ones in ``new`` to p's slots (a small assignment problem: slots × meetings).
        A partner who is busy in a slot can still get the meeting there when their blocking
        meeting moves to another free slot. Meetings of p left out are appended to
        ``ejected``. True when the objective strictly improved."""
        row = self.busy[p]
        slots = self.person_slots[p]
        if not slots:
            return False
        col = {s: c for c, s in enumerate(slots)}
        current = [row[s] for s in slots if row[s] >= 0]
        waiting = [k for k in new if self.slot_of[k] < 0]
        if len(waiting) > 2 * len(slots):  # a popular person: only the heaviest can get in
            waiting = sorted(waiting, key=lambda k: (-self.w[k], k))[: 2 * len(slots)]
        items = current + waiting
        m, n = len(slots), len(items)
        cost = np.full((m, n + m), _FORBIDDEN)
        cost[:, n:] = 0.0  # a slot may stay empty
        busy, fbusy, used, cap, kinds = self.busy, self.fbusy, self.used, self.cap, self.k
        a_, b_, f_, cands, val = self.a, self.b, self.f, self.cands, self.val
        shift: dict[tuple[int, int], int] = {}  # (item, slot) -> partner's meeting to move
        moves: dict[int, int] = {}  # blocker -> its best other free slot (-1: none)
        items_set = set(items)
        for r, k in enumerate(items):
            other = b_[k] if a_[k] == p else a_[k]
            kind = kinds[k]
            orow = busy[other]
            can_shift = -1 in orow  # a blocker of other's can only move to a free slot of theirs
            for s in cands[k]:
                c = col.get(s)
                if c is None:
                    continue
                here = row[s]  # p's meeting in s: it leaves or stays, its table is freed
                if kind == 0:
                    if used[s] >= cap[s] and (here < 0 or kinds[here] != 0):
                        continue
                elif kind == 1:
                    f = fbusy[f_[k]][s]
                    if f not in (-1, k) and f != here:
                        continue
                v = val(k, s)
                blocker = orow[s]
                if blocker not in (-1, k):
                    if blocker < 0 or not can_shift or blocker in items_set:
                        continue
                    t = moves.get(blocker)
                    if t is None:
                        t = moves[blocker] = self.best_move(blocker, -1)
                    if t < 0:
                        continue
                    v += val(blocker, t) - val(blocker, s) - _SHIFT_COST
                    shift[r, s] = blocker
                cost[c, r] = -v
        rows, cols = linear_sum_assignment(cost)
        chosen = [
            (r, slots[c])
            for c, r in zip(rows.tolist(), cols.tolist(), strict=True)
            if r < n and cost[c, r] < 0
        ]
        old = sum(val(k, self.slot_of[k]) for k in current)
        if -sum(cost[col[s], r] for r, s in chosen) <= old + _TOL:
            return False
        log: list = []
        for k in current:
            log.append((k, self.slot_of[k]))
            self.remove(k)
        for r, s in chosen:
            blocker = shift.get((r, s))
            if (
                blocker is not None
                and self.slot_of[blocker] == s
                and not self.relocate(blocker, {s}, 1, log)
            ):
                self.undo(log, 0)
                return False
        for r, s in chosen:
            k = items[r]
            if not self.fits(k, s):
                self.undo(log, 0)
                return False
            log.append((k, -1))
            self.place(k, s)
        if self.gain_of(log, 0) <= _TOL:
            self.undo(log, 0)
            return False
        ejected.extend(k for k in current if self.slot_of[k] < 0)
        return True

    def best_move(self, k: int, exclude: int) -> int:
        """The best other free slot for scheduled meeting k (not ``exclude``), or -1."""
        here = self.slot_of[k]
        bits = self.cand_bits[k] & self.free_bits[self.a[k]] & self.free_bits[self.b[k]]
        if here >= 0:
            bits &= ~(1 << here)
        if exclude >= 0:
            bits &= ~(1 << exclude)
        if not bits:  # the usual answer, found without a loop
            return -1
        kind = self.k[k]
        best, best_v = -1, -np.inf
        for s in self.cands[k]:
            if not bits >> s & 1:
                continue
            if kind == 0:
                if self.used[s] >= self.cap[s]:
                    continue
            elif kind == 1 and self.fbusy[self.f[k]][s] != -1:
                continue
            if self.pubs[k] < 0 or self.bonus == 0:
                return s  # every slot is worth the same to k: the first free one will do
            v = self.val(k, s)
            if v > best_v + _TOL:
                best, best_v = s, v
        return best

    def sweep_people(self, deadline: float, rounds: int = 3) -> None:
        """Block-coordinate ascent: re-plan each person's day in turn (busiest people first),
        ejected meetings get a chance through their other participant later in the sweep."""
        mine, touched = self.mine, self.touched
        order = sorted(range(len(mine)), key=lambda p: (-len(mine[p]), p))
        seen: dict[int, int] = {}  # person -> tick of their last re-planning
        for _ in range(rounds):
            improved = False
            for p in order:
                if time.perf_counter() > deadline:
                    return
                waiting = [k for k in mine[p] if self.slot_of[k] < 0]
                if not waiting:
                    continue
                if p in seen:  # nothing changed around p since: the answer would be the same
                    last = seen[p]
                    if touched[p] <= last and all(
                        touched[self.a[k]] <= last and touched[self.b[k]] <= last for k in mine[p]
                    ):
                        continue
                if self.rematch(p, waiting, []):
                    improved = True
                seen[p] = self.tick
            if not improved:
                return

    def perturb(self, iterations: int, seed: int, deadline: float, target: float) -> None:
        """Iterated local search: force an unscheduled meeting into a slot (ejecting what is in
        the way), repair around it, and keep the result unless the objective dropped (equal
        objective is kept too, to walk across the many ties of integer weights)."""
        rng = np.random.default_rng(seed)
        pool: list[int] = []
        current = self.objective()
        for it in range(iterations):
            if current >= target - _TOL:
                return
            if it % 64 == 0:
                if time.perf_counter() > deadline:
                    return
                pool = [i for i in range(self.M) if self.slot_of[i] < 0 and self.cands[i]]
                if not pool:
                    return
            j = pool[int(rng.integers(len(pool)))]
            if self.slot_of[j] >= 0:
                continue
            cands = self.cands[j]
            s = cands[int(rng.integers(len(cands)))]
            out = self.blockers(j, s)
            if out is None:
                continue
            if self.k[j] == 0 and self.used[s] >= self.cap[s] and all(self.k[k] for k in out):
                members = sorted(self.members[s])
                if not members:
                    continue
                out.append(members[int(rng.integers(len(members)))])
            journal: list = []
            self.journal = journal
            for k in out:
                self.remove(k)
            self.place(j, s)
            queue = sorted(out, key=lambda k: (-self.w[k], k))
            people = {self.a[j], self.b[j]}
            while queue:
                k = queue.pop(0)
                people.update((self.a[k], self.b[k]))
                more: list[int] = []
                if self.slot_of[k] < 0 and self.try_insert(k, more, 1):
                    queue.extend(more)
            for p in sorted(people):
                waiting = [k for k in self.mine[p] if self.slot_of[k] < 0]
                if waiting:
                    self.rematch(p, waiting, [])
            self.journal = None
            gain = self.gain_of(journal, 0)
            if gain < -_TOL:
                self.undo(journal, 0)
            else:
                current += gain

    def improve(self, deadline: float, depth: int = 2) -> None:
        """Insertion passes over the unscheduled meetings, heaviest first, until none helps."""
        rank = sorted(range(self.M), key=lambda i: (-self.w[i], i))
        position = {i: r for r, i in enumerate(rank)}
        for _ in range(5):
            heap = [position[i] for i in rank if self.slot_of[i] < 0 and self.cands[i]]
            heapq.heapify(heap)
            changed = False
            while heap:
                if time.perf_counter() > deadline:
                    return
                i = rank[heapq.heappop(heap)]
                if self.slot_of[i] >= 0:
                    continue
                ejected: list[int] = []
                if self.try_insert(i, ejected, depth):
                    changed = True
                    for k in ejected:
                        heapq.heappush(heap, position[k])
            if not changed:
                return

    def search(self, deadline: float, iterations: int, target: float) -> None:
        """Alternate whole-day re-planning and insertions until neither helps, then iterate
        with perturbations."""
        for _ in range(4):
            before = self.objective()
            if before >= target - _TOL:
                return
            self.sweep_people(deadline)
            self.improve(deadline)
            if self.objective() <= before + _TOL or time.perf_counter() > deadline:
                break
        self.perturb(iterations, 0, deadline, target)

    def fill(self) -> None:
        """Place whatever still fits directly (keeps the result maximal)."""
        for i in range(self.M):
            if self.slot_of[i] < 0:
                s = self.best_free_slot(i)
                if s >= 0:
                    self.place(i, s)

    # idle gaps --------------------------------------------------------------------------------

    def reduce_gaps(self, deadline: float, rounds: int = 8, anneal: int = 0) -> None:
        """Fewer idle gaps without losing weight or published places: move a meeting to a free
        slot, or swap the slots of two meetings of one person, when that lowers the idle gaps
        of the people involved (an idle gap: a free slot the person is available in, between
        two of their meetings of one session)."""
        problem = self.problem
        sessions = list(problem.sessions) if problem.sessions is not None else [0] * self.S
        keys: dict = {}
        session_of = [keys.setdefault(x, len(keys)) for x in sessions]
        P = len(self.people)
        masks = [[0] * len(keys) for _ in range(P)]  # slots in use, per person and session
        for i, s in enumerate(self.slot_of):
            if s >= 0:
                masks[self.a[i]][session_of[s]] |= 1 << s
                masks[self.b[i]][session_of[s]] |= 1 << s
        for p, row in enumerate(self.busy):  # locked meetings count too
            for s, k in enumerate(row):
                if k == -2:
                    masks[p][session_of[s]] |= 1 << s
        avail = [sum(1 << s for s in range(self.S) if self.avail[p][s]) for p in range(P)]

        def idle(p: int, mask: int) -> int:
            if not mask:
                return 0
            lo = (mask & -mask).bit_length() - 1
            span = ((1 << mask.bit_length()) - 1) ^ ((1 << lo) - 1)
            return (span & avail[p] & ~mask).bit_count()

        def delta(p: int, old: int, new: int) -> int:
            """Change of p's idle gaps when p's meeting moves from slot old to slot new."""
            m = masks[p]
            so, sn = session_of[old], session_of[new]
            if so == sn:
                return idle(p, (m[so] ^ (1 << old)) | (1 << new)) - idle(p, m[so])
            return (
                idle(p, m[so] ^ (1 << old))
                - idle(p, m[so])
                + idle(p, m[sn] | (1 << new))
                - idle(p, m[sn])
            )

        def has_gap(p: int) -> bool:
            return any(idle(p, mask) for mask in masks[p])

        def shift(p: int, old: int, new: int) -> None:
            masks[p][session_of[old]] ^= 1 << old
            masks[p][session_of[new]] |= 1 << new

        val, a_, b_ = self.val, self.a, self.b

        def reslot(p: int) -> bool:
            """The best permutation of p's meetings over the slots p already uses (an
            assignment problem: each partner's idle gaps if their meeting with p moved
            there, the rest of their day fixed). p's own day and every slot's table count
            stay the same."""
            row = self.busy[p]
            mine = [(s, row[s]) for s in self.person_slots[p] if row[s] >= 0]
            if len(mine) < 2:
                return False
            slots = [s for s, _ in mine]
            n = len(mine)
            cost = np.full((n, n), _FORBIDDEN)
            now = 0
            for r, (old, k) in enumerate(mine):
                q = b_[k] if a_[k] == p else a_[k]
                qrow = self.busy[q]
                base = masks[q]
                now += idle(q, base[session_of[old]])
                for c, s in enumerate(slots):
                    if s != old and (qrow[s] != -1 or s not in self.cand_sets[k]):
                        continue
                    if val(k, s) < val(k, old):
                        continue
                    so, sn = session_of[old], session_of[s]
                    if so == sn:
                        cost[r, c] = idle(q, (base[so] ^ (1 << old)) | (1 << s))
                    else:
                        cost[r, c] = (  # both days change
                            idle(q, base[so] ^ (1 << old))
                            + idle(q, base[sn] | (1 << s))
                            - idle(q, base[sn])
                        )
            rows, cols = linear_sum_assignment(cost)
            total = float(cost[rows, cols].sum())
            if total >= now - 0.5 or total >= _FORBIDDEN:
                return False
            log: list = []
            for _, k in mine:
                log.append((k, self.slot_of[k]))
                self.remove(k)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                k = mine[r][1]
                if not self.fits(k, slots[c]):
                    self.undo(log, 0)
                    return False
                log.append((k, -1))
                self.place(k, slots[c])
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                k = mine[r][1]
                q = b_[k] if a_[k] == p else a_[k]
                if slots[c] != mine[r][0]:
                    shift(q, mine[r][0], slots[c])
            return True

        order = sorted(range(P), key=lambda p: (-len(self.mine[p]), p))
        for _ in range(rounds):
            better = False
            for i in range(self.M):  # single moves
                s = self.slot_of[i]
                if s < 0:
                    continue
                a, b = a_[i], b_[i]
                if not (has_gap(a) or has_gap(b)):  # nobody to help: no gap to close
                    continue
                best, best_delta = -1, 0
                for t in self.cands[i]:
                    if t == s or val(i, t) < val(i, s) or not self.fits(i, t):
                        continue
                    d = delta(a, s, t) + delta(b, s, t)
                    if d < best_delta:
                        best, best_delta = t, d
                if best >= 0:
                    shift(a, s, best)
                    shift(b, s, best)
                    self.move(i, best)
                    better = True
            for p in range(P):  # swaps of two meetings of one person: p keeps the same slots
                if time.perf_counter() > deadline:
                    return
                row = self.busy[p]
                mine = [(s, row[s]) for s in self.person_slots[p] if row[s] >= 0]
                for x in range(len(mine)):
                    s1, k1 = mine[x]
                    if self.slot_of[k1] != s1:
                        continue
                    q1 = b_[k1] if a_[k1] == p else a_[k1]
                    for y in range(x + 1, len(mine)):
                        s2, k2 = mine[y]
                        if self.slot_of[k2] != s2 or self.slot_of[k1] != s1:
                            continue
                        q2 = b_[k2] if a_[k2] == p else a_[k2]
                        if q1 == q2 or self.busy[q1][s2] != -1 or self.busy[q2][s1] != -1:
                            continue
                        if not (has_gap(q1) or has_gap(q2)):  # a swap only helps q1 and q2
                            continue
                        if s2 not in self.cand_sets[k1] or s1 not in self.cand_sets[k2]:
                            continue
                        if val(k1, s2) < val(k1, s1) or val(k2, s1) < val(k2, s2):
                            continue
                        d = delta(q1, s1, s2) + delta(q2, s2, s1)
                        if d >= 0:
                            continue
                        self.remove(k1)
                        self.remove(k2)
                        if self.fits(k1, s2):
                            self.place(k1, s2)
                            if self.fits(k2, s1):
                                self.place(k2, s1)
                                shift(q1, s1, s2)
                                shift(q2, s2, s1)
                                mine[x], mine[y] = (s1, k2), (s2, k1)
                                k1, q1 = k2, q2
                                better = True
                                continue
                            self.remove(k1)
                        self.place(k1, s1)
                        self.place(k2, s2)
            for p in order:  # re-slot p's day: same slots, the partners' days compact
                if time.perf_counter() > deadline:
                    return
                if reslot(p):
                    better = True
            for p in range(P):  # chains: p's meeting moves to a free slot y of p's
                if time.perf_counter() > deadline:
                    return
                for _ in range(self.S):
                    if not (has_gap(p) and self._gap_chain(p, delta, shift, has_gap)):
                        break
                    better = True
            if not better:
                break
        if anneal:
            self._anneal_gaps(anneal, masks, idle, delta, shift, deadline)

    def _anneal_gaps(self, iterations: int, masks, idle, delta, shift, deadline: float) -> None:
        """Simulated annealing over chain moves (seeded, counted): a random person's meeting
        goes to a random free slot of theirs along its chain; a move that adds idle gaps is
        taken with a probability that shrinks over the run; the best day plan found is
        kept. This walks out of the local optima that single improving moves leave."""
        people = [p for p in range(len(self.people)) if len(self.person_slots[p]) > 1]
        if not people:
            return
        rng = np.random.default_rng(0)
        current = sum(idle(p, m) for p, row in enumerate(masks) for m in row)
        best, best_slots = current, list(self.slot_of)
        start_temperature = 1.0
        for it in range(iterations):
            if current == 0:
                break
            if it % 256 == 0 and time.perf_counter() > deadline:
                break
            p = people[int(rng.integers(len(people)))]
            row, slots = self.busy[p], self.person_slots[p]
            x, y = slots[int(rng.integers(len(slots)))], slots[int(rng.integers(len(slots)))]
            if row[x] < 0 or row[y] != -1:
                continue
            found = self._chain(p, x, y)
            if found is None:
                continue
            chain, end = found
            ends = [(p, x, y), (end, chain[-1][1], chain[-1][2])]
            into_y = sum((1 if new == y else -1) for m, _, new in chain if self.k[m] == 0)
            full = (into_y > 0 and self.used[y] + into_y > self.cap[y]) or (
                into_y < 0 and self.used[x] - into_y > self.cap[x]
            )
            if full:  # the slot it goes to has no table left: a chain the other way frees one
                other = self._balancing_chain(chain, y if into_y > 0 else x, x, y, rng)
                if other is None:
                    continue
                chain = chain + other[0]
                ends += other[1]
            d = sum(delta(q, old, new) for q, old, new in ends)
            temperature = start_temperature * (1 - it / iterations) + 1e-3
            if d > 0 and rng.random() >= math.exp(-d / temperature):
                continue
            if not self._swap(chain):
                continue
            for q, old, new in ends:
                shift(q, old, new)
            current += d
            if current < best:
                best, best_slots = current, list(self.slot_of)
        if current > best:  # back to the best plan seen
            for i, s in enumerate(self.slot_of):
                if s >= 0 and s != best_slots[i]:
                    self.remove(i)
            for i, s in enumerate(best_slots):
                if s >= 0 and self.slot_of[i] < 0:
                    self.place(i, s)

    def _gap_chain(self, p: int, delta, shift, has_gap) -> bool:
        """Close p's idle gaps by moving one of p's meetings from slot x to a slot y where p is
        free, swapping x and y along the alternating chain it starts (the partner's meeting in
        y goes to x, and so on). Everyone inside the chain keeps the same busy slots: only p
        and the person at the chain's end see their day change. Kept when their idle gaps
        fall, without losing weight or published places."""
        row = self.busy[p]
        for x in self.person_slots[p]:
            if row[x] < 0:
                continue
            for y in self.person_slots[p]:
                if row[y] != -1 or y == x:
                    continue
                found = self._chain(p, x, y)
                if found is None:
                    continue
                chain, end = found
                d = delta(p, x, y) + delta(end, chain[-1][1], chain[-1][2])
                if d < 0 and self._swap(chain):
                    shift(p, x, y)
                    shift(end, chain[-1][1], chain[-1][2])
                    return True
        return False

    def _chain(self, p: int, x: int, y: int) -> tuple[list, int] | None:
        """The alternating chain that moves p's meeting in slot x to slot y (p free in y):
        [(meeting, from, to), ...] and the person at its other end; None when a meeting on it
        is locked, cannot take the other slot, or would lose its published place."""
        busy, a_, b_, sets, val = self.busy, self.a, self.b, self.cand_sets, self.val
        chain, person, slot = [], p, x
        while len(chain) < _CHAIN:
            m = busy[person][slot]
            if m == -1:
                return (chain, person) if chain else None
            other = y if slot == x else x
            if m == -2 or other not in sets[m] or val(m, other) < val(m, slot):
                return None
            chain.append((m, slot, other))
            person = b_[m] if a_[m] == person else a_[m]
            slot = other
        return None

    def _balancing_chain(self, chain: list, full: int, x: int, y: int, rng) -> tuple | None:
        """A chain that moves one shared-table meeting out of slot ``full`` (x or y) into the
        other, among people the first chain does not touch: (chain, its two ends)."""
        a_, b_ = self.a, self.b
        touched = {a_[m] for m, _, _ in chain} | {b_[m] for m, _, _ in chain}
        other = x if full == y else y
        pool = sorted(m for m in self.members[full] if a_[m] not in touched)
        if not pool:
            return None
        m = pool[int(rng.integers(len(pool)))]
        for q in (a_[m], b_[m]):
            if self.busy[q][other] != -1:
                continue
            found = self._chain(q, full, other)
            if found is None:
                continue
            second, end = found
            people = {a_[k] for k, _, _ in second} | {b_[k] for k, _, _ in second}
            out = sum((1 if new == other else -1) for k, _, new in second if self.k[k] == 0)
            if out >= 1 and not people & touched:
                return second, [(q, full, other), (end, second[-1][1], second[-1][2])]
        return None

    def _swap(self, chain: list) -> bool:
        """Apply a chain (False, and nothing changed, when the tables do not allow it)."""
        log: list = []
        for m, old, _ in chain:
            log.append((m, old))
            self.remove(m)
        for m, _, new in chain:
            if not self.fits(m, new):
                self.undo(log, 0)
                return False
            log.append((m, -1))
            self.place(m, new)
        return True


# The scheduler ----------------------------------------------------------------------------------


def schedule(
    problem: Problem,
    *,
    exact: bool | None = None,
    full_lp: bool = False,
    time_limit: float = 60.0,
) -> Schedule:
    """Schedule the meetings; see the module docstring.

    - ``exact``: also run the exact engine (``exact.solve``: CP-SAT from the heuristic's
      schedule, then the least standing about at that weight). None (default): on instances
      up to ``_EXACT_VARIABLES`` (meeting, slot) pairs; larger ones keep the heuristic and its
      LP bound. Problems with groups, long meetings or limits per person always use it.
    - ``full_lp``: compute the bound with the full LP relaxation of the module docstring on
      large instances too (slower). Small instances always use the full LP.
    - ``time_limit`` (seconds): a safety net over the whole run. The work itself is counted
      (iterations, the solver's deterministic work units), so one input gives one schedule.
    """
    start = time.perf_counter()
    deadline = start + time_limit
    _validate(problem)
    excluded = {
        m.id
        for m in problem.meetings
        if m.id not in problem.locked and problem.same_organisation(m)
    }
    inner = problem
    if excluded:
        inner = replace(problem, meetings=[m for m in problem.meetings if m.id not in excluded])
    if inner.is_classic():
        starts, bound, proven, lp_seconds = _classic(inner, exact, full_lp, deadline)
    else:
        starts, bound, proven, lp_seconds = _general(inner, deadline)
    return _result(problem, starts, bound, proven, excluded, lp_seconds, start)


def _classic(
    problem: Problem, exact: bool | None, full_lp: bool, deadline: float
) -> tuple[dict[MeetingId, int], float, bool, float]:
    """Two people per meeting, one slot: LP bound, LP rounding, local search, then the exact
    engine where it pays. Returns (starts of the free meetings, bound on the free meetings'
    weight, proven optimal, LP seconds)."""
    model = _Model(problem)
    pairs = int(model.cand_mask.sum())
    use_exact = pairs <= _EXACT_VARIABLES if exact is None else exact
    full = pairs <= _FULL_LP_VARIABLES or full_lp
    lp_start = time.perf_counter()
    weight_bound = None
    if model.bonus > 0:  # the bound on weight alone, without the stability bonuses
        bonus, model.bonus = model.bonus, 0.0
        weight_bound = model.solve_lp(full=full)[0]
        model.bonus = bonus
    lp_value, x, vi, vs = model.solve_lp(full=full)
    lp_seconds = time.perf_counter() - lp_start
    bound = lp_value if weight_bound is None else weight_bound
    integral = all(float(w).is_integer() for w in model.w)
    if integral:  # a sum of whole weights: the bound rounds down
        bound = math.floor(bound + 1e-6)
    model._prices()
    model.round_lp(x, vi, vs)
    model.search(deadline, _perturbations(model.M), lp_value)
    model.fill()
    model.reduce_gaps(deadline, anneal=_anneal_iterations(model.M))
    proven = False
    answer = None
    if use_exact and model.M:
        spec, mult, scale = _spec(problem, model.free, model.people)
        hint = {i: s for i, s in enumerate(model.slot_of) if s >= 0}
        weight = sum(model.w[i] for i in hint)
        moved = any(s >= 0 and model.slot_of[i] != s for i, s in enumerate(model.pubs))
        work = _EXACT_WORK if weight < bound - 1e-6 or moved else 0.0
        answer = exact_engine.solve(
            spec,
            hint,
            work=work,
            standby_work=_STANDBY_WORK,
            seconds=max(0.1, deadline - time.perf_counter()),
        )
    if answer is not None:
        if answer.bound is not None:
            bound = min(bound, _weight_bound(answer.bound, mult, scale, integral, model.M))
            proven = answer.optimal and integral
        for i in range(model.M):
            if model.slot_of[i] >= 0:
                model.remove(i)
        for i, s in sorted(answer.starts.items()):
            model.place(i, s)
    starts = {model.free[i].id: s for i, s in enumerate(model.slot_of) if s >= 0}
    return starts, bound, proven, lp_seconds


def _general(problem: Problem, deadline: float) -> tuple[dict[MeetingId, int], float, bool, float]:
    """Groups, long meetings, limits per person: a greedy start, then the exact engine."""
    free = [m for m in problem.meetings if m.id not in problem.locked]
    people: dict = {}
    for m in problem.meetings:
        for p in m.people:
            people.setdefault(p, len(people))
    spec, mult, scale = _spec(problem, free, people)
    packing = _Packing(spec, _greedy(spec))
    packing.improve(_PACKING_ROUNDS, deadline)
    hint = packing.starts()
    integral = all(float(m.weight).is_integer() for m in free)
    answer = exact_engine.solve(
        spec,
        hint,
        work=_GENERAL_WORK,
        standby_work=_STANDBY_WORK,
        seconds=max(0.1, deadline - time.perf_counter()),
    )
    if answer is None:  # no time at all: the greedy schedule, bounded by every meeting
        starts = hint
        bound = float(sum(m.weight for m in free))
        proven = False
    else:
        starts = answer.starts
        bound = _weight_bound(answer.bound, mult, scale, integral, len(free))
        proven = answer.optimal and integral
    lp_start = time.perf_counter()
    if not proven:  # the LP relaxation is often the tighter bound when the search stopped
        lp = _spec_lp_bound(spec)
        bound = min(bound, _weight_bound(math.floor(lp + 1e-6), mult, scale, integral, len(free)))
    return {free[i].id: s for i, s in starts.items()}, bound, proven, time.perf_counter() - lp_start


def _spec_lp_bound(spec: exact_engine.Spec) -> float:
    """The LP relaxation of the exact engine's model (every constraint of ``exact.solve``,
    variables between 0 and 1): an upper bound on its objective."""
    rows: list[int] = []
    cols: list[int] = []
    keys: dict = {}
    rhs: list[float] = []
    c: list[float] = []

    def row(key, limit: float) -> int:
        if key not in keys:
            keys[key] = len(rhs)
            rhs.append(limit)
        return keys[key]

    for i, starts in enumerate(spec.starts):
        for s, value in zip(starts, spec.coef[i], strict=True):
            j = len(c)
            c.append(value)
            entries = [row(("meeting", i), 1)]
            for t in range(s, s + spec.length[i]):
                entries += [row(("person", p, t), 1) for p in spec.people[i]]
                if spec.shared[i]:
                    entries.append(row(("tables", t), spec.cap[t]))
                if spec.booth[i] >= 0:
                    entries.append(row(("booth", spec.booth[i], t), 1))
            for p in spec.people[i]:
                if p in spec.max_total:
                    entries.append(row(("total", p), spec.max_total[p]))
                key = (p, spec.session_of[s])
                if key in spec.max_session:
                    entries.append(row(("session", *key), spec.max_session[key]))
            rows += entries
            cols += [j] * len(entries)
    if not c:
        return 0.0
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(rhs), len(c)))
    res = linprog(-np.array(c, dtype=float), A_ub=matrix, b_ub=rhs, bounds=(0, 1), method="highs")
    if res.status != 0:
        return math.inf
    return float(-res.fun)


def _anneal_iterations(n_meetings: int) -> int:
    """How many annealing steps the idle-gap search takes: 150 per meeting, within bounds
    that keep it to about a second."""
    return max(5_000, min(100_000, 150 * n_meetings))


def _weight_bound(bound: int, mult: int, scale: float, integral: bool, n: int) -> float:
    """The exact engine's bound on its integer objective, as a bound on weight: the
    stability bonuses stay below ``mult``; rounded weights lose at most half a unit each."""
    if mult == 0:
        return math.inf
    whole = bound // mult
    return float(whole) if integral else (whole + 0.5 * n) / scale


def _spec(
    problem: Problem, free: Sequence[Meeting], people: Mapping[ParticipantId, int]
) -> tuple[exact_engine.Spec, int, float]:
    """The exact engine's model of the free meetings: (spec, bonus multiplier, weight scale).

    The objective is ``weight × multiplier + 1`` per meeting kept at its published slot,
    with the multiplier above the number of published meetings, so that weight comes strictly
    first (an explicit ``change_penalty`` is added to the weight instead; multiplier 0). Weights
    that are not whole numbers are scaled to integers."""
    S = problem.n_slots
    sessions = problem.session_keys()
    keys: dict = {}
    session_of = [keys.setdefault(k, len(keys)) for k in sessions]
    P = len(people)
    every = (1 << S) - 1
    available = [every] * P
    for p, slots in problem.availability.items():
        if p in people:
            available[people[p]] = sum(1 << s for s in set(slots))
    cap = problem.tables_per_slot()
    labels = set(problem.shared_labels())
    booths: dict[str, int] = {}
    locked_busy: set[tuple[int, int]] = set()
    booth_busy: set[tuple[int, int]] = set()
    by_id = {m.id: m for m in problem.meetings}
    held: dict = {}
    for mid, place in problem.locked.items():
        m = by_id[mid]
        for t in m.covers(place.slot):
            for p in m.people:
                locked_busy.add((people[p], t))
            if place.table is not None and place.table in labels:
                cap[t] -= 1
            elif place.table is not None:
                booth_busy.add((booths.setdefault(place.table, len(booths)), t))
        for p in m.people:
            held[p] = held.get(p, 0) + 1
            key = (p, session_of[place.slot])
            held[key] = held.get(key, 0) + 1
    weights = [m.weight for m in free]
    integral = all(float(w).is_integer() for w in weights)
    scale = 1.0 if integral else 1e6 / max(sum(weights), 1e-12)
    n_pub = sum(m.id in problem.published for m in free)
    mult = n_pub + 1 if problem.change_penalty is None else 0
    spec = exact_engine.Spec(
        n_slots=S,
        session_of=session_of,
        people=[],
        length=[],
        starts=[],
        coef=[],
        shared=[],
        booth=[],
        cap=cap,
        locked_busy=locked_busy,
        available=available,
        preferred={
            people[p]: sum(1 << s for s in set(slots))
            for p, slots in problem.preferred.items()
            if p in people and slots
        },
        max_total={
            people[p]: max(0, n - held.get(p, 0))
            for p, n in problem.max_meetings.items()
            if p in people
        },
    )
    if problem.max_per_session is not None:
        for p, index in people.items():
            for key in set(session_of):
                spec.max_session[index, key] = max(
                    0, problem.max_per_session - held.get((p, key), 0)
                )
    for m, w in zip(free, weights, strict=True):
        who = tuple(people[p] for p in m.people)
        label = _expected_table(problem, m)
        shared = not m.remote and label is None
        booth = booths.setdefault(label, len(booths)) if label is not None else -1
        published = problem.published.get(m.id)
        starts, coef = [], []
        for s in range(S - m.length + 1):
            covered = m.covers(s)
            if session_of[s + m.length - 1] != session_of[s]:
                continue
            if any(
                not available[p] >> t & 1 or (p, t) in locked_busy for p in who for t in covered
            ):
                continue
            if shared and any(cap[t] <= 0 for t in covered):
                continue
            if booth >= 0 and any((booth, t) in booth_busy for t in covered):
                continue
            kept = published is not None and published.slot == s
            starts.append(s)
            if mult:
                coef.append(max(1, round(w * scale)) * mult + kept)
            else:
                coef.append(max(1, round((w + kept * problem.change_penalty) * scale)))
        spec.people.append(who)
        spec.length.append(m.length)
        spec.starts.append(starts)
        spec.coef.append(coef)
        spec.shared.append(shared)
        spec.booth.append(booth)
    return spec, mult, scale


class _Packing:
    """The general engine's local search, on the exact engine's ``Spec``: each waiting
    meeting, most valuable first, tries every start; what is in the way (a person or a booth
    busy, the slot's tables full, someone's limit reached) leaves, the meeting goes in, and
    what left goes back wherever it fits. The best start is kept when the total value rises.
    Counted in passes, so one input always gives one schedule."""

    def __init__(self, spec: exact_engine.Spec, start: Mapping[int, int]) -> None:
        self.spec = spec
        n = len(spec.starts)
        self.at = [-1] * n
        self.value = [dict(zip(spec.starts[i], spec.coef[i], strict=True)) for i in range(n)]
        self.occ: dict[tuple[int, int], int] = dict.fromkeys(spec.locked_busy, -2)
        self.booths: dict[tuple[int, int], int] = {}
        self.members: list[set[int]] = [set() for _ in range(spec.n_slots)]  # shared tables
        self.mine: dict[int, set[int]] = {}  # person -> placed meetings
        for i, s in sorted(start.items()):
            self.place(i, s)

    def starts(self) -> dict[int, int]:
        return {i: s for i, s in enumerate(self.at) if s >= 0}

    def covered(self, i: int, s: int) -> range:
        return range(s, s + self.spec.length[i])

    def place(self, i: int, s: int) -> None:
        spec = self.spec
        self.at[i] = s
        for t in self.covered(i, s):
            for p in spec.people[i]:
                self.occ[p, t] = i
            if spec.shared[i]:
                self.members[t].add(i)
            if spec.booth[i] >= 0:
                self.booths[spec.booth[i], t] = i
        for p in spec.people[i]:
            self.mine.setdefault(p, set()).add(i)

    def remove(self, i: int) -> None:
        spec, s = self.spec, self.at[i]
        self.at[i] = -1
        for t in self.covered(i, s):
            for p in spec.people[i]:
                del self.occ[p, t]
            if spec.shared[i]:
                self.members[t].discard(i)
            if spec.booth[i] >= 0:
                del self.booths[spec.booth[i], t]
        for p in spec.people[i]:
            self.mine[p].discard(i)

    def in_the_way(self, i: int, s: int) -> set[int] | None:
        """The placed meetings that must leave for i to start at s (None: a locked meeting
        or a missing table is in the way)."""
        spec = self.spec
        out: set[int] = set()
        for t in self.covered(i, s):
            for p in spec.people[i]:
                k = self.occ.get((p, t))
                if k == -2:
                    return None
                if k is not None and k != i:
                    out.add(k)
            if spec.booth[i] >= 0:
                k = self.booths.get((spec.booth[i], t))
                if k is not None and k != i:
                    out.add(k)

        def lightest(pool) -> int | None:
            left = [k for k in pool if k not in out and k != i]
            return min(left, key=lambda k: (self.value[k][self.at[k]], k), default=None)

        if spec.shared[i]:
            for t in self.covered(i, s):
                if spec.cap[t] <= 0:
                    return None
                while len(self.members[t] - out - {i}) >= spec.cap[t]:
                    k = lightest(self.members[t])
                    if k is None:
                        return None
                    out.add(k)
        session = spec.session_of[s]
        for p in spec.people[i]:
            mine = self.mine.get(p, set())
            limit = spec.max_total.get(p)
            while limit is not None and len(mine - out - {i}) >= limit:
                k = lightest(mine)
                if k is None:
                    return None
                out.add(k)
            limit = spec.max_session.get((p, session))
            while limit is not None:
                same = {k for k in mine if spec.session_of[self.at[k]] == session}
                if len(same - out - {i}) < limit:
                    break
                k = lightest(same)
                if k is None:
                    return None
                out.add(k)
        return out

    def try_start(self, i: int, s: int) -> int | None:
        """Put i at s, send away what is in the way and place it again where it fits; the
        change of value (None when impossible). The caller keeps or undoes ``self.log``."""
        out = self.in_the_way(i, s)
        if out is None:
            return None
        self.log = [(k, self.at[k]) for k in sorted(out)] + [(i, -1)]
        gain = self.value[i][s] - sum(self.value[k][self.at[k]] for k in out)
        for k in sorted(out):
            self.remove(k)
        self.place(i, s)
        for k in sorted(out, key=lambda k: (-max(self.spec.coef[k]), k)):
            for t in self.spec.starts[k]:
                if self.in_the_way(k, t) == set():
                    self.place(k, t)
                    gain += self.value[k][t]
                    break
        return gain

    def undo(self) -> None:
        for k, _ in reversed(self.log):
            if self.at[k] >= 0:
                self.remove(k)
        for k, s in self.log:
            if s >= 0:
                self.place(k, s)

    def improve(self, rounds: int, deadline: float) -> None:
        spec = self.spec
        order = sorted(range(len(spec.starts)), key=lambda i: (-max(spec.coef[i], default=0), i))
        for _ in range(rounds):
            better = False
            for i in order:
                if self.at[i] >= 0 or time.perf_counter() > deadline:
                    continue
                best, best_gain = -1, 0
                for s in spec.starts[i]:
                    gain = self.try_start(i, s)
                    if gain is not None:
                        self.undo()
                        if gain > best_gain:
                            best, best_gain = s, gain
                if best >= 0:
                    self.try_start(i, best)
                    better = True
            if not better:
                return


def _greedy(spec: exact_engine.Spec) -> dict[int, int]:
    """First fit, the most valuable meetings first: the exact engine's starting point."""
    busy = set(spec.locked_busy)
    booth_busy: set = set()
    used = [0] * spec.n_slots
    total: dict[int, int] = {}
    per_session: dict[tuple[int, int], int] = {}
    chosen = {}
    order = sorted(
        range(len(spec.starts)),
        key=lambda i: (-max(spec.coef[i], default=0), len(spec.starts[i]), spec.length[i], i),
    )
    demand: dict[tuple[int, int], int] = {}  # (person, slot) -> meetings still wanting it
    for i, starts in enumerate(spec.starts):
        for s in starts:
            for t in range(s, s + spec.length[i]):
                for p in spec.people[i]:
                    demand[p, t] = demand.get((p, t), 0) + 1

    def pressure(i: int, s: int) -> int:
        """How much a start takes from the other meetings of the same people."""
        return sum(demand[p, t] for p in spec.people[i] for t in range(s, s + spec.length[i]))

    for i in order:
        who = spec.people[i]
        for s in spec.starts[i]:
            for t in range(s, s + spec.length[i]):
                for p in who:
                    demand[p, t] -= 1
        if any(total.get(p, 0) >= spec.max_total.get(p, math.inf) for p in who):
            continue
        for s in sorted(spec.starts[i], key=lambda s: (pressure(i, s), s)):
            covered = range(s, s + spec.length[i])
            key = spec.session_of[s]
            if any(
                per_session.get((p, key), 0) >= spec.max_session.get((p, key), math.inf)
                for p in who
            ):
                continue
            if any((p, t) in busy for p in who for t in covered):
                continue
            if spec.shared[i] and any(used[t] >= spec.cap[t] for t in covered):
                continue
            if spec.booth[i] >= 0 and any((spec.booth[i], t) in booth_busy for t in covered):
                continue
            chosen[i] = s
            for t in covered:
                busy.update((p, t) for p in who)
                if spec.shared[i]:
                    used[t] += 1
                if spec.booth[i] >= 0:
                    booth_busy.add((spec.booth[i], t))
            for p in who:
                total[p] = total.get(p, 0) + 1
                per_session[p, key] = per_session.get((p, key), 0) + 1
            break
    return chosen


def _perturbations(n_meetings: int) -> int:
    """How many perturbations the search tries: many on small instances (cheap, and where one
    meeting is a large share of the weight), fewer on large ones (dearer, and they gained
    nothing there in the benchmark)."""
    return max(200, min(1000, 2_000_000 // max(n_meetings, 1)))


def lp_bound(problem: Problem, *, full: bool = True) -> float:
    """The LP relaxation's optimum alone (locked meetings included): with ``full``, exactly
    the LP of the module docstring; otherwise the faster relaxation that ``schedule`` uses."""
    _validate(problem)
    model = _Model(problem)
    model.bonus = 0.0
    return model.solve_lp(full=full)[0] + model.locked_weight


def _assign_tables(problem: Problem, starts: Mapping[MeetingId, int]) -> dict[MeetingId, Placement]:
    """Tables for the placed meetings: a booth meeting takes its booth, a remote one none; a
    shared-table meeting keeps its published table when it still starts there and the table
    is free, otherwise the first table free in every slot it covers (slots in time order)."""
    assignment = dict(problem.locked)
    per_slot = problem.tables_per_slot()
    labels = problem.shared_labels()
    by_id = {m.id: m for m in problem.meetings}
    taken: list[set[str]] = [set() for _ in range(problem.n_slots)]
    for mid, place in problem.locked.items():
        for t in by_id[mid].covers(place.slot):
            taken[t].add(place.table)
    position = {m.id: k for k, m in enumerate(problem.meetings)}
    rank = {label: k for k, label in enumerate(labels)}

    def kept(mid: MeetingId) -> bool:
        old = problem.published.get(mid)
        return old is not None and old.slot == starts[mid]

    order = sorted(starts, key=lambda mid: (starts[mid], not kept(mid), position[mid]))
    for mid in order:
        m, s = by_id[mid], starts[mid]
        if m.remote:
            assignment[mid] = Placement(s, None)
            continue
        own = _expected_table(problem, m)
        if own is not None:
            assignment[mid] = Placement(s, own)
            continue
        covered = m.covers(s)
        limit = min(per_slot[t] for t in covered)
        old = problem.published.get(mid)
        wished = [old.table] if kept(mid) and rank.get(old.table, limit) < limit else []
        table = next(
            (
                label
                for label in itertools.chain(wished, labels[:limit])
                if all(label not in taken[t] for t in covered)
            ),
            None,
        )
        for t in covered:
            taken[t].add(table)
        assignment[mid] = Placement(s, table)
    return assignment


def _result(
    problem: Problem,
    starts: Mapping[MeetingId, int],
    free_bound: float,
    proven: bool,
    excluded: Collection[MeetingId],
    lp_seconds: float,
    start: float,
) -> Schedule:
    assignment = _assign_tables(problem, starts)
    errors = violations(problem, assignment)
    if errors:  # a bug, never the input's fault: refuse to return a broken schedule
        raise AssertionError("the scheduler produced an invalid schedule: " + "; ".join(errors))
    by_id = {m.id: m for m in problem.meetings}
    weight = sum(by_id[mid].weight for mid in assignment)
    locked_weight = sum(by_id[mid].weight for mid in problem.locked)
    changed = tuple(
        mid
        for mid, place in problem.published.items()
        if mid in by_id and assignment.get(mid) != place
    )
    # Solver rounding aside, the bound is never below the schedule's weight.
    bound = max(free_bound + locked_weight, weight)
    return Schedule(
        assignment=assignment,
        unscheduled=_reasons(problem, assignment, excluded),
        scheduled_weight=weight,
        total_weight=float(sum(m.weight for m in problem.meetings)),
        bound=bound,
        n_scheduled=len(assignment),
        n_meetings=len(problem.meetings),
        changed=changed,
        idle_gaps=idle_gaps(problem, assignment),
        optimal=proven or weight >= bound - 1e-6 * max(1.0, bound),
        lp_seconds=lp_seconds,
        seconds=time.perf_counter() - start,
    )


def _reasons(
    problem: Problem, assignment: Mapping[MeetingId, Placement], excluded: Collection[MeetingId]
) -> dict[MeetingId, Reason]:
    """Why each meeting left out is out, in the organisers' words."""
    sessions = problem.session_keys()
    by_id = {m.id: m for m in problem.meetings}
    busy: set = set()
    count: dict = {}
    for mid, place in assignment.items():
        m = by_id[mid]
        for p in m.people:
            busy.update((p, t) for t in m.covers(place.slot))
            count[p] = count.get(p, 0) + 1
            count[p, sessions[place.slot]] = count.get((p, sessions[place.slot]), 0) + 1
    every = range(problem.n_slots)
    per_slot = problem.tables_per_slot()
    reasons: dict[MeetingId, Reason] = {}
    for m in problem.meetings:
        if m.id in assignment:
            continue
        if m.id in excluded:
            reasons[m.id] = Reason.SAME_ORGANISATION
            continue
        possible = [
            s
            for s in range(problem.n_slots - m.length + 1)
            if len({sessions[t] for t in m.covers(s)}) == 1
            and all(t in problem.availability.get(p, every) for p in m.people for t in m.covers(s))
        ]
        if not possible:
            reasons[m.id] = Reason.NO_COMMON_SLOT
        elif any(count.get(p, 0) >= problem.max_meetings.get(p, math.inf) for p in m.people) or (
            problem.max_per_session is not None
            and all(
                any(count.get((p, sessions[s]), 0) >= problem.max_per_session for p in m.people)
                for s in possible
            )
        ):
            reasons[m.id] = Reason.LIMIT_REACHED
        elif (
            m.remote
            or _expected_table(problem, m) is not None
            or any(all(per_slot[t] > 0 for t in m.covers(s)) for s in possible)
        ):
            if all(any((p, t) in busy for p in m.people for t in m.covers(s)) for s in possible):
                reasons[m.id] = Reason.FULLY_BOOKED
            else:  # people free, but the tables (or the booth) are taken
                reasons[m.id] = Reason.NO_TABLE
        else:
            reasons[m.id] = Reason.NO_TABLE
    return reasons
