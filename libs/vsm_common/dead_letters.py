"""``python -m vsm_<service> dlq list|replay``: the dead letters of a service's consumer groups.

A dead letter is a record one of the service's consumer groups parked on ``<topic>.dlq``. Listing
shows each with its reason and whether the group has applied it since (its inbox says so).
Replaying applies pending dead letters through the same :class:`~vsm_common.consumer.Inbox` as
the live consumer, so replaying twice, or replaying a letter whose event arrived again, changes
nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from .consumer import Inbox
from .events import CloudEvent
from .failures import classify
from .kafka import running
from .runtime import Runtime
from .settings import dead_letter_topic, topic_name


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    partition: int
    offset: int
    consumer: str
    reason: str
    detail: str
    event: CloudEvent | None  # None when the record is not a readable CloudEvent

    @property
    def ref(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"


def _header(record: ConsumerRecord[bytes, bytes], name: str) -> str:
    for key, value in record.headers or ():
        if key == name:
            return value.decode(errors="replace")
    return ""


async def read_dead_letters(rt: Runtime) -> list[DeadLetter]:
    """Every dead letter of this service's consumer groups, oldest first."""
    groups = {spec.group for spec in rt.definition.consumers}
    topics = sorted(
        {
            dead_letter_topic(topic_name(rt.settings.topic_prefix, s))
            for spec in rt.definition.consumers
            for s in spec.sources
        }
    )
    bootstrap = rt.settings.kafka_bootstrap_servers
    letters: list[DeadLetter] = []
    partitions = await _partitions(bootstrap, topics)
    if not partitions:
        return []
    async with running(lambda: AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)) as consumer:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                for record in records:
                    if _header(record, "dlq-consumer") in groups:
                        letters.append(_letter(record))
    return letters


async def _partitions(bootstrap: str, topics: list[str]) -> list[TopicPartition]:
    """The partitions of the topics that exist (a consumer knows only those it subscribed to)."""
    async with running(lambda: AIOKafkaAdminClient(bootstrap_servers=bootstrap)) as admin:
        existing = set(await admin.list_topics())
        wanted = [t for t in topics if t in existing]
        described = await admin.describe_topics(wanted) if wanted else []
    return [TopicPartition(d["topic"], p["partition"]) for d in described for p in d["partitions"]]


def _letter(record: ConsumerRecord[bytes, bytes]) -> DeadLetter:
    try:
        event: CloudEvent | None = CloudEvent.from_json(record.value)
    except Exception:  # noqa: BLE001 - a malformed letter is listed, never replayed
        event = None
    return DeadLetter(
        record.topic,
        record.partition,
        record.offset,
        _header(record, "dlq-consumer"),
        _header(record, "dlq-reason"),
        _header(record, "dlq-detail"),
        event,
    )


def _inboxes(rt: Runtime) -> dict[str, Inbox]:
    return {
        spec.group: Inbox(spec.group, rt.pool, spec.handlers_by_name, rt.joining) for spec in rt.definition.consumers
    }


async def list_command(rt: Runtime) -> None:
    inboxes = _inboxes(rt)
    letters = await read_dead_letters(rt)
    for line in _rows(letters, {id(x): await _status(inboxes, x) for x in letters}):
        print(line)
    print(f"{len(letters)} dead letter(s)")


async def _status(inboxes: dict[str, Inbox], letter: DeadLetter) -> str:
    if letter.event is None:
        return "unreadable"
    applied = await inboxes[letter.consumer].applied(letter.event.source, letter.event.id)
    return "applied" if applied else "pending"


def _rows(letters: list[DeadLetter], status: dict[int, str]) -> Iterator[str]:
    for x in letters:
        kind = x.event.type if x.event else "-"
        event_id = x.event.id if x.event else "-"
        yield f"{x.ref}\t{x.consumer}\t{kind}\t{event_id}\t{status[id(x)]}\t{x.reason}\t{x.detail}"


async def replay_command(rt: Runtime, only: str | None = None) -> None:
    """Apply the pending dead letters (or only the one ``topic:partition:offset`` or event id)."""
    inboxes = _inboxes(rt)
    applied = skipped = failed = 0
    for letter in await read_dead_letters(rt):
        if only is not None and only not in (letter.ref, letter.event.id if letter.event else None):
            continue
        inbox = inboxes[letter.consumer]
        if letter.event is None or not inbox.handles(letter.event.type):
            print(f"{letter.ref}\tnot replayable ({letter.reason})")
            failed += 1
            continue
        try:
            fresh = await inbox.apply(letter.event)
        except Exception as exc:  # noqa: BLE001 - reported per letter; the letter stays for a later replay
            failure = classify(exc)
            print(f"{letter.ref}\tfailed again: {failure.reason}: {failure.detail}")
            failed += 1
            continue
        if fresh:
            applied += 1
            print(f"{letter.ref}\tapplied")
        else:
            skipped += 1
    print(f"replay: {applied} applied, {skipped} already applied, {failed} failed")
