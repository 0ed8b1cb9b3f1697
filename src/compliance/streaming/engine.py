"""The durable-rules engine, guarded against what was measured about it.

``../shared/notes/durable-rules.md`` lists the limits of durable-rules 2.0.28;
``docs/streaming.md`` says how each is met. In short, one guard per limit:

- **No event time, no background threads.** The host's dispatcher threads are
  never started (:meth:`_Host._run` does nothing): every action runs inside the
  call that caused it, on the caller's thread, and time comes from clock facts
  (:mod:`compliance.streaming.clock`).
- **Errors in actions are swallowed** by durable-rules (kept in the session's
  state). Every action is wrapped: an exception is kept and raised to the caller
  as :class:`StreamingError` when the call returns; the state's ``exception``
  is checked as well.
- **Fact identity is a 32-bit hash** of the message id. Every message gets a
  fresh id; "already observed" on an id never used before can only be a hash
  collision, and the message is sent again with another id
  (:attr:`EngineStats.collisions` counts them). Session ids are taken from a
  set of names whose hashes are all distinct.
- **At most 1024 live sessions per ruleset** (the next raises MemoryError, and
  the process then crashes). Each network has a pool of at most ``limit``
  (≤ :data:`HARD_SESSION_LIMIT`) live sessions; the least recently used one is
  deleted when another is needed, and rebuilt from its journal (the facts and
  waiting events it held, which the owner keeps) when it is used again.
- **Deleting a session in which no action ever ran crashes the process**
  (durable-rules frees pointers it never initialised; found while writing
  this). Every session begins with an ``open`` message that fires an action.
- **Batched calls across sessions run actions late**: never used; every call
  names one session.
- **Rulesets can be neither updated nor deleted, and names are global**: one
  host per process; a network is registered once per distinct definition
  (named by its digest) and shared by every monitor.

Literal values per field are bounded where networks are built
(:mod:`compliance.streaming.network`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from compliance.streaming.errors import StreamingError, StreamingUnavailable

#: Live sessions per network: durable-rules allows 1024 per ruleset and crashes past them.
HARD_SESSION_LIMIT = 1000
#: The default pool size: a live session costs about 130 kB of C memory.
DEFAULT_SESSION_LIMIT = 256
_ATTEMPTS = 8  # ids tried for one message before giving up: 8 collisions in a row do not happen by chance

Frames = dict[str, dict[str, Any]]
"""What an action saw: the matched message of each pattern of its rule, by pattern name."""


def fnv1a32(text: str) -> int:
    """The hash durable-rules indexes message and session ids by (``fnv1Hash32`` in its ``state.c``).

    Its C loop XORs each byte as a signed ``char``, so bytes past 127 are sign-extended.

    >>> fnv1a32(""), fnv1a32("a")
    (2166136261, 3826002220)
    """
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        signed = byte - 256 if byte > 127 else byte
        value = ((value ^ (signed & 0xFFFFFFFF)) * 0x01000193) & 0xFFFFFFFF
    return value


def _slot_names(count: int) -> tuple[str, ...]:
    """Session ids whose hashes are all distinct, so that no two live sessions can be confused."""
    names: list[str] = []
    seen: set[int] = set()
    for number in itertools.count():
        name = f"s{number}"
        digest = fnv1a32(name)
        if digest not in seen:
            seen.add(digest)
            names.append(name)
            if len(names) == count:
                return tuple(names)
    raise AssertionError("unreachable")


SLOT_NAMES = _slot_names(HARD_SESSION_LIMIT)


def load_durable() -> Any:
    """The ``durable.engine`` module, or :class:`StreamingUnavailable` saying why not."""
    try:
        from durable import engine as durable_engine
    except (ImportError, OSError) as error:
        version = ".".join(map(str, sys.version_info[:3]))
        raise StreamingUnavailable(
            f"the streaming monitor needs durable-rules, which cannot be imported here ({error})",
            found=f"Python {version}",
            expected="the package durable_rules>=2.0.28, a C extension built at install time "
                     "(it builds on Python 3.11 and 3.12 with a C compiler, and does not build on Python 3.13)",
            suggestion="use Python 3.11 or 3.12 with gcc and `pip install 'durable_rules>=2.0.28'`; "
                       "`compliance evaluate` needs none of it",
        ) from error
    return durable_engine


@dataclass
class EngineStats:
    """What the guards did, for tests and the benchmark."""

    calls: int = 0
    collisions: int = 0
    evictions: int = 0
    rebuilds: int = 0
    max_live: dict[str, int] = field(default_factory=dict)


class Session:
    """One durable-rules session (``sid``) as its owner sees it: a journal of what it holds.

    ``journal`` keeps, by the owner's key, each fact asserted and each event left
    waiting in the session, so that the session can be deleted when its pool is
    full and rebuilt when it is used again. ``slot`` is its sid while it is live.
    """

    __slots__ = ("ids", "journal", "label", "network", "slot")

    def __init__(self, network: str, label: Hashable) -> None:
        self.network = network
        self.label = label
        self.journal: dict[Hashable, tuple[str, dict[str, Any]]] = {}
        self.ids: dict[Hashable, str] = {}
        self.slot: str | None = None

    def __repr__(self) -> str:
        return f"Session({self.network!r}, {self.label!r}, slot={self.slot!r}, held={len(self.journal)})"


class _Pool:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.live: OrderedDict[str, Session] = OrderedDict()  # least recently used first
        self.free: list[str] = list(reversed(SLOT_NAMES))


class Engine:
    """The process's one durable-rules host, with every call guarded (see the module's docstring)."""

    def __init__(self, durable: Any) -> None:
        self._durable = durable
        self._lock = threading.RLock()
        self._networks: dict[str, str] = {}  # digest -> registered ruleset name
        self._pools: dict[str, _Pool] = {}
        self._matches: list[tuple[str, Frames]] = []
        self._failures: list[BaseException] = []
        self._counter = itertools.count(1)
        self.stats = EngineStats()
        engine = self

        class _Host(durable.Host):
            def _run(self) -> None:
                """Start no dispatcher threads: actions run in the call that causes them."""

            def get_action(self, action_name: str) -> Any:
                return engine._action(action_name)

        self._host = _Host()

    # -- networks ------------------------------------------------------------------
    def register(self, definition: dict[str, Any], hint: str) -> str:
        """Register a ruleset once per distinct definition; its name (``hint#digest``)."""
        text = json.dumps(definition, sort_keys=True, ensure_ascii=False)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        with self._lock:
            name = self._networks.get(digest)
            if name is None:
                name = f"{hint}#{digest}"
                try:
                    self._host.register_rulesets({name: json.loads(text)})  # it changes the dict it is given
                except Exception as error:
                    raise StreamingError(f"durable-rules refused the network of {hint}", found=repr(error)) from error
                self._networks[digest] = name
                self._pools[name] = _Pool(DEFAULT_SESSION_LIMIT)
            return name

    def limit(self, network: str, sessions: int) -> None:
        """Set how many sessions of a network may be live at once (process-wide)."""
        if not 1 <= sessions <= HARD_SESSION_LIMIT:
            raise StreamingError("a session limit out of range", found=sessions,
                                 expected=f"1 to {HARD_SESSION_LIMIT} (durable-rules crashes past 1024)")
        with self._lock:
            pool = self._pools[network]
            pool.limit = sessions
            while len(pool.live) > sessions:
                self._evict(pool)

    def live(self, network: str) -> int:
        """How many sessions of a network are live now."""
        return len(self._pools[network].live)

    # -- messages --------------------------------------------------------------------
    def send(self, session: Session, op: str, message: dict[str, Any], key: Hashable | None = None,
             ) -> list[tuple[str, Frames]]:
        """Send a message to a session; what the actions it caused saw.

        ``op``: ``post`` (an event consumed at once), ``keep`` (an event that waits
        in the session for a join) or ``assert`` (a fact). With ``key`` the message
        is journaled, to be rebuilt if the session is evicted, and can be retracted
        (a fact) or forgotten (a waiting event, once consumed) by that key.
        """
        with self._lock:
            self._use(session)
            ident, matches = self._send(session, op, message)
            if key is not None:
                session.journal[key] = (op, message)
                session.ids[key] = ident
            return matches

    def retract(self, session: Session, key: Hashable) -> None:
        """Retract the fact journaled under ``key`` (if the session is evicted, it went with it)."""
        with self._lock:
            session.journal.pop(key)
            ident = session.ids.pop(key)
            if session.slot is not None:
                self._call(self._host.retract_fact, session, {"sid": session.slot, "id": ident})

    def forget(self, session: Session, key: Hashable) -> None:
        """Drop a waiting event the engine has consumed from the journal."""
        session.journal.pop(key, None)
        session.ids.pop(key, None)

    def release(self, session: Session) -> None:
        """Delete a session and its journal (the owner is done with it)."""
        with self._lock:
            session.journal.clear()
            session.ids.clear()
            if session.slot is not None:
                pool = self._pools[session.network]
                del pool.live[session.slot]
                self._delete(session.network, session.slot)
                pool.free.append(session.slot)
                session.slot = None

    # -- inside ------------------------------------------------------------------------
    def _action(self, name: str) -> Any:
        def run(closure: Any) -> None:
            try:
                self._record(name, closure._m)
            except BaseException as error:  # noqa: BLE001 - durable-rules would keep it in the state and carry on
                self._failures.append(error)

        return run

    def _record(self, name: str, frames: Frames) -> None:
        self._matches.append((name, frames))

    def _next_id(self) -> str:
        return f"m{next(self._counter)}"

    def _use(self, session: Session) -> None:
        pool = self._pools[session.network]
        if session.slot is not None:
            pool.live.move_to_end(session.slot)
            return
        if len(pool.live) >= pool.limit:
            self._evict(pool)
        session.slot = pool.free.pop()
        pool.live[session.slot] = session
        live = self.stats.max_live
        live[session.network] = max(live.get(session.network, 0), len(pool.live))
        # An action must run in a session before it may be deleted (see the module's docstring).
        self._send(session, "post", {"k": "open"})
        if session.journal:
            self.stats.rebuilds += 1
            for key, (op, message) in list(session.journal.items()):
                # What rebuilding matches was seen when the message was first sent: not returned again.
                session.ids[key], _ = self._send(session, op, message)

    def _evict(self, pool: _Pool) -> None:
        slot, victim = pool.live.popitem(last=False)
        self._delete(victim.network, slot)
        victim.slot = None
        pool.free.append(slot)
        self.stats.evictions += 1

    def _delete(self, network: str, slot: str) -> None:
        try:
            self._host.delete_state(network, slot)
        except Exception as error:
            raise StreamingError("durable-rules could not delete a session", found=repr(error)) from error

    def _send(self, session: Session, op: str, message: dict[str, Any]) -> tuple[str, list[tuple[str, Frames]]]:
        send = self._host.assert_fact if op == "assert" else self._host.post
        body = dict(message)
        body["sid"] = session.slot
        for _attempt in range(_ATTEMPTS):
            body["id"] = self._next_id()
            try:
                return body["id"], self._call(send, session, body)
            except self._durable.MessageObservedException:
                # The id is new, so "already observed" is a 32-bit hash collision with a message
                # the session holds: the message would be lost. Send it again under another id.
                self.stats.collisions += 1
        raise StreamingError(f"a message collided {_ATTEMPTS} times in a row in network {session.network}",
                             found=message)

    def _call(self, method: Any, session: Session, body: dict[str, Any]) -> list[tuple[str, Frames]]:
        self._matches, self._failures = [], []
        self.stats.calls += 1
        try:
            state = method(session.network, body)
        except self._durable.MessageObservedException:
            raise
        except self._durable.MessageNotHandledException as error:
            raise StreamingError(f"network {session.network} has no rule for a {body.get('k')!r} message",
                                 found=error.message) from None
        except Exception as error:  # durable_rules_engine.error, MemoryError: the engine itself failed
            raise StreamingError(f"durable-rules failed in network {session.network}", found=repr(error)) from error
        if self._failures:
            failure = self._failures[0]
            raise StreamingError(f"an action of network {session.network} raised {type(failure).__name__}",
                                 found=str(failure)) from failure
        if isinstance(state, dict) and state.get("exception"):
            raise StreamingError(f"an action of network {session.network} failed inside durable-rules",
                                 found=state["exception"])
        return self._matches


_ENGINE: Engine | None = None
_ENGINE_LOCK = threading.Lock()


def engine() -> Engine:
    """The process's engine, created on first use (raises :class:`StreamingUnavailable` without durable-rules)."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            _ENGINE = Engine(load_durable())
        return _ENGINE
