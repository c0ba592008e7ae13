"""Model monitor alerts: raised when a schedule's recent executions fail, as the Model Dashboard shows them.

"The alert criteria depend upon two parameters: Datapoints to alert: Within the evaluation period, how
many execution failures raise an alert. Evaluation period: The number of most recent monitoring
executions to consider when evaluating alert status. [...] After every monitoring execution, the
number of failures are counted within the Evaluation period [...]. If the number of failures meets or
exceeds the Datapoints to alert value, the monitor raises an alert and remains in alert status until
the number of failures within the Evaluation period becomes less than [it]. [...] even if the
evaluation window size has not reached the Evaluation period [...], the monitor still raises an
alert" (Developer Guide, "View and edit alerts"). An execution counts as a failure when it Failed or
found violations (CompletedWithViolations): the alerts are there to show a monitor that found
something wrong, and AWS does not say which executions it counts.

Each schedule has a default alert ("we know each monitoring schedule will have a default alert", AWS's
own integration test of the SageMaker Python SDK, tests/integ/test_model_monitor.py), created with it:
named `<monitoring type>-alert` (`data-quality-alert`: AWS's name was not found in the evidence),
raised by one failure among the last execution (DatapointsToAlert 1, EvaluationPeriod 1, the SDK's
fixtures), lighting the Model Dashboard's indicator. The SageMaker API has no operation that creates
another; UpdateMonitoringAlert changes an alert's criteria. Alerts and their history are kept in the
schedule's document (private members) and go with it.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

Document = dict[str, Any]

FAILING = frozenset(("Failed", "CompletedWithViolations"))
#: The default alert's criteria.
DATAPOINTS, PERIOD = 1, 1
ALERTS = "_alerts"
HISTORY = "_alert_history"


def status(outcomes: Sequence[str], datapoints: int, period: int) -> str:
    """The alert's status after `outcomes` (terminal execution statuses, oldest first)."""
    window = outcomes[-period:] if period else []
    failures = sum(1 for outcome in window if outcome in FAILING)
    return "InAlert" if outcomes and failures >= datapoints else "OK"


def default_name(monitoring_type: str) -> str:
    """`DataQuality` -> `data-quality-alert`."""
    return "".join(f"-{char.lower()}" if char.isupper() else char for char in monitoring_type).lstrip("-") + "-alert"


def put(schedule: Document, name: str, datapoints: int, period: int, indicator: bool,
        outcomes: Sequence[str], now: _dt.datetime) -> Document:
    """An alert on a schedule (replacing one of the same name); its status is that of the executions so
    far, with no history until it changes."""
    alert: Document = {
        "MonitoringAlertName": name,
        "CreationTime": now,
        "LastModifiedTime": now,
        "AlertStatus": status(outcomes, datapoints, period),
        "DatapointsToAlert": datapoints,
        "EvaluationPeriod": period,
        "Actions": {"ModelDashboardIndicator": {"Enabled": indicator}},
        "_evaluated": len(outcomes),
    }
    schedule.setdefault(ALERTS, {})[name] = alert
    return alert


def follow(schedule: Document, finished: Sequence[tuple[str, _dt.datetime]]) -> None:
    """Evaluate each alert after every execution it has not seen: `finished` holds the schedule's
    executions that have ended, as (status, when it ended), oldest first."""
    outcomes = [outcome for outcome, _ in finished]
    for alert in (schedule.get(ALERTS) or {}).values():
        for index in range(alert["_evaluated"], len(finished)):
            found = status(outcomes[:index + 1], alert["DatapointsToAlert"], alert["EvaluationPeriod"])
            if found != alert["AlertStatus"]:
                _change(schedule, alert, found, finished[index][1])
        alert["_evaluated"] = len(finished)


def criteria(schedule: Document, alert: Document, datapoints: int, period: int, outcomes: Sequence[str],
             now: _dt.datetime) -> None:
    """New criteria for an alert (UpdateMonitoringAlert): its status is evaluated again at once."""
    alert["DatapointsToAlert"], alert["EvaluationPeriod"] = datapoints, period
    alert["LastModifiedTime"] = now
    found = status(outcomes, datapoints, period)
    if found != alert["AlertStatus"]:
        _change(schedule, alert, found, now)


def _change(schedule: Document, alert: Document, found: str, when: _dt.datetime) -> None:
    alert["AlertStatus"] = found
    alert["LastModifiedTime"] = when
    history = schedule.setdefault(HISTORY, [])
    history.append({"MonitoringScheduleName": schedule["MonitoringScheduleName"],
                    "MonitoringAlertName": alert["MonitoringAlertName"], "CreationTime": when, "AlertStatus": found,
                    "_id": f"{schedule['MonitoringScheduleArn']}#{len(history)}", "_seq": len(history)})
