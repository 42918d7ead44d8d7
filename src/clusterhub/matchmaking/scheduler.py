"""The B2B meeting scheduler: accepted meetings into slots and tables, with a proof of quality.

Pure (no Django): data in (``Problem``), data out (``Schedule``).

The problem. Each meeting joins two participants and has a weight > 0 (mutual interest,
priority). A meeting takes one slot and one table. A participant meets at most one person per
slot and only in the slots they are available in; a slot has a number of shared tables; a
participant with a fixed table (an exhibitor's booth) receives all their meetings there
(a meeting between two such participants takes place at participant ``a``'s table); remote
meetings take no table. Meetings locked by the organisers stay exactly where they are. When a
schedule was already published, it is passed in and the scheduler keeps as much of it as it can
(weight first, then stability; ``Problem.change_penalty`` trades the two explicitly).

Objective: the largest total weight of scheduled meetings; then the fewest changes to the
published schedule; then the fewest idle gaps in each person's day (within one session).

Method.
1. The linear-programming relaxation of the slot assignment (a variable ``x[m, s]`` for each
   meeting and each slot that both people have free; each meeting at most once, each person at
   most once per slot, each slot at most its free shared tables, each shared fixed table at most
   once per slot) is solved with HiGHS through ``scipy.optimize.linprog``. Its optimum is an
   upper bound on every schedule: the scheduler reports ``ratio = scheduled / bound``, a
   guaranteed "at least X% of the best possible".
2. Rounding: the meetings are placed in the order of their LP values (most of them are 0 or 1:
   the matrix is close to a bipartite one), each in the slot the LP chose if it still fits.
3. Local search, meetings by decreasing weight: insert an unscheduled meeting into a free place
   (the slot with the lowest LP prices), else move the meetings that block it (a person busy,
   the booth taken, the slot's tables full) to other slots, one or two moves deep, else eject
   blockers of a smaller total weight and re-insert them later. Every accepted step strictly
   increases the objective.
4. Idle gaps: single meetings move to other free slots when that shortens people's days,
   without losing weight or published places.
5. Tables: in each slot, shared-table meetings keep their published table when they can, the
   others take the lowest free table.
The result is checked (``violations``) before it is returned. Everything is deterministic for
a given input: meetings are handled in input order, ties are broken by position.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

MeetingId = Hashable
ParticipantId = Hashable

_TOL = 1e-9


class Reason(StrEnum):
    """Why a meeting is not in the schedule."""

    NO_COMMON_SLOT = "no common free slot"
    NO_TABLE = "no table"
    FULLY_BOOKED = "participant fully booked"


@dataclass(frozen=True, slots=True)
class Meeting:
    """An accepted meeting between participants ``a`` and ``b``."""

    id: MeetingId
    a: ParticipantId
    b: ParticipantId
    weight: float = 1.0
    remote: bool = False  # a video call: no table


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
      dropped; None keeps weight strictly first (a tie-breaker smaller than any weight).
    - ``sessions``: a session key per slot (e.g. the day); an idle gap is counted only between
      two meetings of one session. Default: every slot in one session.
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
    lp_seconds: float
    seconds: float

    @property
    def ratio(self) -> float:
        """Scheduled weight ÷ the upper bound: at least this share of the best possible."""
        return self.scheduled_weight / self.bound if self.bound > 0 else 1.0

    def summary(self) -> str:
        return (
            f"scheduled {self.n_scheduled} of {self.n_meetings} accepted meetings; "
            f"at least {100 * min(self.ratio, 1.0):.1f}% of the best possible"
        )


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
        if m.a == m.b:
            raise ValueError(f"meeting {m.id!r}: a participant cannot meet themselves")
        if not m.weight > 0:
            raise ValueError(f"meeting {m.id!r}: the weight must be positive")
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
    per_slot = problem.tables_per_slot()
    labels = problem.shared_labels()
    fixed = set(problem.fixed_tables.values())
    person: dict[tuple, MeetingId] = {}
    table: dict[tuple, MeetingId] = {}
    for mid, place in assignment.items():
        m = by_id[mid]
        s, t = place.slot, place.table
        if not 0 <= s < problem.n_slots:
            errors.append(f"{mid!r}: slot {s} out of range")
            continue
        for p in (m.a, m.b):
            if (p, s) in person:
                errors.append(f"{p!r} is in {person[p, s]!r} and {mid!r} in slot {s}")
            person[p, s] = mid
        if m.remote:
            if t is not None:
                errors.append(f"{mid!r}: a remote meeting takes no table")
            continue
        if t is None:
            errors.append(f"{mid!r}: no table")
            continue
        if t not in fixed and t not in labels[: per_slot[s]]:
            errors.append(f"{mid!r}: table {t!r} does not exist in slot {s}")
        if (t, s) in table:
            errors.append(f"table {t!r} holds {table[t, s]!r} and {mid!r} in slot {s}")
        table[t, s] = mid
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
    for mid, place in assignment.items():
        if mid in problem.locked:
            continue
        m = by_id[mid]
        for p in (m.a, m.b):
            avail = problem.availability.get(p)
            if avail is not None and place.slot not in avail:
                errors.append(f"{mid!r}: {p!r} is not available in slot {place.slot}")
        expected = _expected_table(problem, m)
        if expected is not None and place.table != expected:
            errors.append(f"{mid!r}: must take place at table {expected!r}")
        if expected is None and not m.remote and place.table in problem.fixed_tables.values():
            errors.append(f"{mid!r}: takes someone's own table {place.table!r}")
    return errors


def idle_gaps(problem: Problem, assignment: Mapping[MeetingId, Placement]) -> int:
    """Empty slots between two meetings of one person within one session, summed over people."""
    sessions = list(problem.sessions) if problem.sessions is not None else [0] * problem.n_slots
    by_id = {m.id: m for m in problem.meetings}
    days: dict[tuple, list[int]] = {}
    for mid, place in assignment.items():
        m = by_id[mid]
        for p in (m.a, m.b):
            days.setdefault((p, sessions[place.slot]), []).append(place.slot)
    return sum(max(s) - min(s) + 1 - len(s) for s in days.values())


# The model --------------------------------------------------------------------------------------


class _Model:
    """Dense indices, candidate slots and the mutable state of the local search."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        S = self.S = problem.n_slots
        meetings = list(problem.meetings)
        self.all_meetings = meetings
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
        for p, label in problem.fixed_tables.items():
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
        self.slot_of = [-1] * M
        self.busy = [[-2 if x else -1 for x in row] for row in lock_person.tolist()]
        self.fbusy = [[-2 if x else -1 for x in row] for row in lock_fixed.tolist()]
        self.used = [0] * S
        self.members: list[set[int]] = [set() for _ in range(S)]
        self.price = None  # LP prices per person-slot and per slot, set by solve_lp

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
        self.slot_of[i] = s
        self.busy[self.a[i]][s] = i
        self.busy[self.b[i]][s] = i
        k = self.k[i]
        if k == 0:
            self.used[s] += 1
            self.members[s].add(i)
        elif k == 1:
            self.fbusy[self.f[i]][s] = i

    def remove(self, i: int) -> None:
        s = self.slot_of[i]
        self.slot_of[i] = -1
        self.busy[self.a[i]][s] = -1
        self.busy[self.b[i]][s] = -1
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

    def solve_lp(self) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        """The LP relaxation: (upper bound on the free meetings, x, var meeting, var slot)."""
        S, M = self.S, self.M
        vi, vs = np.nonzero(self.cand_mask)
        n = len(vi)
        if n == 0:
            self.price = (np.zeros((len(self.people), S)), np.zeros(S))
            return 0.0, np.zeros(0), vi, vs
        c = self.W[vi] + np.where(self.pub[vi] == vs, self.bonus, 0.0)
        rows = [vi]  # each meeting at most once
        offset = M
        P = len(self.people)
        pa = self.A[vi] * S + vs
        pb = self.B[vi] * S + vs
        keys = np.concatenate([pa, pb])
        counts = np.bincount(keys, minlength=P * S)
        busy_rows = np.flatnonzero(counts >= 2)  # one variable alone is bounded by x <= 1
        row_of = np.full(P * S, -1, dtype=np.int64)
        row_of[busy_rows] = offset + np.arange(len(busy_rows))
        offset += len(busy_rows)
        cols = [np.arange(n)]
        rhs = [np.ones(M)]
        for key in (pa, pb):
            r = row_of[key]
            keep = r >= 0
            rows.append(r[keep])
            cols.append(np.flatnonzero(keep))
        rhs.append(np.ones(len(busy_rows)))
        shared = np.flatnonzero(self.kind[vi] == 0)
        per_slot = np.bincount(vs[shared], minlength=S)
        cap = np.array(self.cap, dtype=float)
        tight = np.flatnonzero(per_slot > cap)
        cap_row = np.full(S, -1, dtype=np.int64)
        cap_row[tight] = offset + np.arange(len(tight))
        offset += len(tight)
        r = cap_row[vs[shared]]
        keep = r >= 0
        rows.append(r[keep])
        cols.append(shared[keep])
        rhs.append(cap[tight])
        own = np.flatnonzero(self.kind[vi] == 1)
        multi = np.array(self.multi_owner + [False], dtype=bool)
        own = own[multi[self.ftab[vi[own]]]]
        fkeys = self.ftab[vi[own]] * S + vs[own]
        ukeys, inverse = np.unique(fkeys, return_inverse=True)
        rows.append(offset + inverse)
        cols.append(own)
        rhs.append(np.ones(len(ukeys)))
        offset += len(ukeys)
        rows_all = np.concatenate(rows)
        matrix = sparse.csr_matrix(
            (np.ones(len(rows_all)), (rows_all, np.concatenate(cols))), shape=(offset, n)
        )
        res = linprog(
            -c, A_ub=matrix, b_ub=np.concatenate(rhs), bounds=(0, 1), method="highs-ds"
        )
        if res.status != 0:
            raise RuntimeError(f"the LP relaxation failed: {res.message}")
        duals = -res.ineqlin.marginals
        person_price = np.zeros(P * S)
        person_price[busy_rows] = duals[M : M + len(busy_rows)]
        slot_price = np.zeros(S)
        slot_price[tight] = duals[cap_row[tight]]
        self.price = (person_price.reshape(P, S), slot_price)
        return float(-res.fun), res.x, vi, vs

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
            for k in sorted(self.members[s]):
                if self.relocate(k, fb, 1, log):
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

    def try_insert(self, i: int, ejected: list[int], depth: int) -> bool:
        """Insert unscheduled meeting i, by moving or (for a smaller weight) ejecting others."""
        s = self.best_free_slot(i)
        if s >= 0:
            self.place(i, s)
            return True
        log: list = []
        order = sorted(self.cands[i], key=lambda s: -self.score(i, s))
        for s in order:  # move the blockers away
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

    def fill(self) -> None:
        """Place whatever still fits directly (keeps the result maximal)."""
        for i in range(self.M):
            if self.slot_of[i] < 0:
                s = self.best_free_slot(i)
                if s >= 0:
                    self.place(i, s)

    # idle gaps --------------------------------------------------------------------------------

    def reduce_gaps(self, deadline: float) -> None:
        """Move single meetings to free slots that shorten both people's days, never away from a
        published slot and never losing weight."""
        problem = self.problem
        sessions = list(problem.sessions) if problem.sessions is not None else [0] * self.S
        keys = {}
        session_of = [keys.setdefault(x, len(keys)) for x in sessions]
        masks: dict[int, list[int]] = {}  # person -> bitmask per session
        n_sessions = len(keys)
        P = len(self.people)
        masks_list = [[0] * n_sessions for _ in range(P)]
        for i, s in enumerate(self.slot_of):
            if s >= 0:
                masks_list[self.a[i]][session_of[s]] |= 1 << s
                masks_list[self.b[i]][session_of[s]] |= 1 << s
        for row_p, row in enumerate(self.busy):  # locked meetings count too
            for s, k in enumerate(row):
                if k == -2:
                    masks_list[row_p][session_of[s]] |= 1 << s
        del masks

        def gaps(mask: int) -> int:
            if not mask:
                return 0
            lo = (mask & -mask).bit_length() - 1
            return mask.bit_length() - lo - mask.bit_count()

        for _ in range(4):
            moved = False
            for i in range(self.M):
                s = self.slot_of[i]
                if s < 0 or s == self.pubs[i]:
                    continue
                if time.perf_counter() > deadline:
                    return
                a, b = self.a[i], self.b[i]
                ma, mb = masks_list[a], masks_list[b]
                si = session_of[s]
                before = gaps(ma[si]) + gaps(mb[si])
                best, best_delta = -1, 0
                for t in self.cands[i]:
                    if t == s or not self.fits(i, t):
                        continue
                    if self.val(i, t) < self.val(i, s):
                        continue
                    ti = session_of[t]
                    bit_s, bit_t = 1 << s, 1 << t
                    if ti == si:
                        after = gaps((ma[si] ^ bit_s) | bit_t) + gaps((mb[si] ^ bit_s) | bit_t)
                        delta = after - before
                    else:
                        delta = (
                            gaps(ma[si] ^ bit_s)
                            + gaps(mb[si] ^ bit_s)
                            + gaps(ma[ti] | bit_t)
                            + gaps(mb[ti] | bit_t)
                            - before
                            - gaps(ma[ti])
                            - gaps(mb[ti])
                        )
                    if delta < best_delta:
                        best, best_delta = t, delta
                if best >= 0:
                    ti = session_of[best]
                    for m in (ma, mb):
                        m[si] ^= 1 << s
                        m[ti] |= 1 << best
                    self.move(i, best)
                    moved = True
            if not moved:
                return


# The scheduler ----------------------------------------------------------------------------------


def schedule(problem: Problem, *, time_limit: float = 20.0) -> Schedule:
    """Schedule the meetings; see the module docstring. ``time_limit`` bounds the local search
    (seconds), not the LP, whose optimum is needed for the bound."""
    start = time.perf_counter()
    _validate(problem)
    model = _Model(problem)
    lp_start = time.perf_counter()
    lp_value, x, vi, vs = model.solve_lp()
    lp_seconds = time.perf_counter() - lp_start
    model._prices()
    deadline = start + time_limit
    model.round_lp(x, vi, vs)
    model.improve(deadline)
    model.fill()
    model.reduce_gaps(deadline)
    return _result(problem, model, lp_value, lp_seconds, start)


def _assign_tables(problem: Problem, model: _Model) -> dict[MeetingId, Placement]:
    assignment = dict(problem.locked)
    free_tables = []
    for s in range(model.S):
        labels = [t for t in model.labels[: problem.tables_per_slot()[s]]]
        free_tables.append([t for t in labels if t not in model.locked_tables[s]])
    claimed: list[set[str]] = [set() for _ in range(model.S)]
    waiting: list[list[int]] = [[] for _ in range(model.S)]
    for i, s in enumerate(model.slot_of):
        if s < 0:
            continue
        m = model.free[i]
        kind = model.k[i]
        if kind == 2:
            assignment[m.id] = Placement(s, None)
        elif kind == 1:
            assignment[m.id] = Placement(s, model.fixed_labels[model.f[i]])
        else:
            old = problem.published.get(m.id)
            if (
                old is not None
                and old.slot == s
                and old.table in free_tables[s]
                and old.table not in claimed[s]
            ):
                claimed[s].add(old.table)
                assignment[m.id] = Placement(s, old.table)
            else:
                waiting[s].append(i)
    for s in range(model.S):
        rest = iter(t for t in free_tables[s] if t not in claimed[s])
        for i in waiting[s]:
            assignment[model.free[i].id] = Placement(s, next(rest))
    return assignment


def _result(
    problem: Problem, model: _Model, lp_value: float, lp_seconds: float, start: float
) -> Schedule:
    assignment = _assign_tables(problem, model)
    errors = violations(problem, assignment)
    if errors:  # a bug, never the input's fault: refuse to return a broken schedule
        raise AssertionError("the scheduler produced an invalid schedule: " + "; ".join(errors))
    unscheduled: dict[MeetingId, Reason] = {}
    for i, m in enumerate(model.free):
        if model.slot_of[i] >= 0:
            continue
        common = np.flatnonzero(model.common[i]).tolist()
        if not common:
            unscheduled[m.id] = Reason.NO_COMMON_SLOT
            continue
        a, b = model.a[i], model.b[i]
        if all(model.busy[a][s] != -1 or model.busy[b][s] != -1 for s in common):
            unscheduled[m.id] = Reason.FULLY_BOOKED
        else:
            unscheduled[m.id] = Reason.NO_TABLE
    by_id = {m.id: m for m in problem.meetings}
    weight = sum(by_id[mid].weight for mid in assignment)
    changed = tuple(
        mid
        for mid, place in problem.published.items()
        if mid in by_id and assignment.get(mid) != place
    )
    bound = lp_value + model.locked_weight
    if problem.published and model.bonus:
        bound = max(bound - 0.0, weight)
    return Schedule(
        assignment=assignment,
        unscheduled=unscheduled,
        scheduled_weight=weight,
        total_weight=float(sum(m.weight for m in problem.meetings)),
        bound=max(bound, weight),
        n_scheduled=len(assignment),
        n_meetings=len(problem.meetings),
        changed=changed,
        idle_gaps=idle_gaps(problem, assignment),
        lp_seconds=lp_seconds,
        seconds=time.perf_counter() - start,
    )
