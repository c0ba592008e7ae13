"""`Quiet`: a prepare hook's last full pass holds while nothing it reads changed and the clock
stays between the times it was told."""
from __future__ import annotations

import datetime as dt

import boto3

from sagemock import mock_sagemaker
from sagemock.core.quiet import Quiet

T0 = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
HOUR = dt.timedelta(hours=1)


def test_a_pass_holds_until_a_write_or_the_next_time_or_a_clock_gone_back():
    quiet = Quiet("model")
    with mock_sagemaker() as mock:
        store = mock.state.store("123456789012", "us-east-1")
        assert not quiet.holds(store, T0)  # no pass yet
        quiet.keep(store, [T0 - HOUR, T0 + HOUR, T0 + 2 * HOUR], T0)
        assert quiet.holds(store, T0) and quiet.holds(store, T0 + HOUR / 2)
        assert not quiet.holds(store, T0 + HOUR)  # the next time came
        assert not quiet.holds(store, T0 - 2 * HOUR)  # the clock went back past a time already passed
        boto3.client("sagemaker", region_name="us-east-1").create_model(
            ModelName="m", ExecutionRoleArn="arn:aws:iam::123456789012:role/x",
            PrimaryContainer={"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1"})
        assert not quiet.holds(store, T0)  # a write reached the kind's family
        quiet.keep(store, [], T0)
        assert quiet.holds(store, T0 + 1000 * HOUR)  # no time to wait for
        other = mock.state.store("123456789012", "us-west-2")
        assert not quiet.holds(other, T0)  # each store has its own


def test_a_pass_holds_only_for_what_it_was_given():
    quiet = Quiet("model")
    with mock_sagemaker() as mock:
        store = mock.state.store("123456789012", "us-east-1")
        quiet.keep(store, [], T0, {"plan": 2})
        assert quiet.holds(store, T0, {"plan": 2}) and not quiet.holds(store, T0, {"plan": 3})
