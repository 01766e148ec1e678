"""The projections and the process managers name the events they follow by topic, without
importing the processes that define them (see `projections/topics.py`): every name must be the
topic of the event class it stands for, or a renamed event would silently go unfollowed."""

from __future__ import annotations

import pytest
from eventsourcing.domain import CanMutateAggregate
from eventsourcing.utils import get_topic, resolve_topic

from projections import topics
from projections.actions import ActionsProjection
from projections.deadlines import DeadlinesProjection
from projections.funding import FundingProjection
from projections.status import StatusProjection
from projections.tally import TallyProjection
from projections.timeline import TimelineProjection
from workflows.process_managers import TOPICS as WORKFLOW_TOPICS
from workflows.reactions import HANDLERS

NAMESPACES = [v for v in vars(topics).values() if isinstance(v, type)]


@pytest.mark.parametrize("namespace", NAMESPACES, ids=lambda n: n.__name__)
def test_every_topic_names_the_event_class_of_that_name(namespace: type) -> None:
    named = {k: v for k, v in vars(namespace).items() if not k.startswith("_")}
    assert named
    for name, topic in named.items():
        cls = resolve_topic(topic)
        assert issubclass(cls, CanMutateAggregate)
        assert cls.__qualname__ == f"{namespace.__name__}.{name}"
        assert get_topic(cls) == topic


@pytest.mark.parametrize(
    "projection",
    [
        ActionsProjection,
        DeadlinesProjection,
        FundingProjection,
        StatusProjection,
        TallyProjection,
        TimelineProjection,
    ],
)
def test_every_projection_follows_topics_of_real_events(projection: type) -> None:
    for topic in projection.topics:
        assert get_topic(resolve_topic(topic)) == topic


def test_the_process_managers_follow_exactly_the_events_they_react_to() -> None:
    assert tuple(get_topic(cls) for cls in HANDLERS) == WORKFLOW_TOPICS
