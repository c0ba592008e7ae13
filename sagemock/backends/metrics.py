"""SageMaker Metrics: the data-plane service runs log metrics through (BatchPutMetrics,
BatchGetMetrics), feeding the metric summaries of the trial components the control plane keeps.

A trial component's `Metrics` (DescribeTrialComponent, ListTrialComponents, Search) are the
summaries AWS describes: Min, Max, Avg, StdDev, Last and Count of every value logged. The SageMaker
Python SDK's `Run.log_metric` sends its values here, with the component's name lower-cased ("The
Trial Component name must be entirely lowercase", the API reference); BatchGetMetrics reads the raw
values back, per step or per period. The values are kept on the component (`_raw_metrics`), so they
live and die with it, and snapshots and state files carry them.

AWS answers a metric it cannot take in `Errors` (`BatchPutMetricsError`: a code and the metric's
index in the request), not by refusing the request: the other metrics of the batch are kept.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any

from ..core import arns
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceNotFound

Document = dict[str, Any]

COMPONENT = "experiment-trial-component"
#: The window the SageMaker SDK allows a metric's timestamp (`_RawMetricData`: "Timestamps must be
#: between two weeks before and two hours from now"), the one the service checks: a value outside it
#: is answered VALIDATION_ERROR.
EARLIEST = dt.timedelta(weeks=2)
LATEST = dt.timedelta(hours=2)
#: Bucket widths of BatchGetMetrics' `Period` on a Timestamp axis.
PERIOD_SECONDS = {"OneMinute": 60, "FiveMinute": 300, "OneHour": 3600}


def _stat(name: str) -> Callable[[Sequence[float]], float]:
    """MetricStatistic: how a bucket's values become one."""
    def stddev(values: Sequence[float]) -> float:
        mean = sum(values) / len(values)
        return math.sqrt(sum((value - mean) ** 2 for value in values) / len(values))

    stats: dict[str, Callable[[Sequence[float]], float]] = {
        "Min": min, "Max": max, "Avg": lambda values: sum(values) / len(values), "Count": lambda values: len(values),
        "StdDev": stddev, "Last": lambda values: values[-1]}
    return stats[name]


class Metrics(Backend):
    """BatchPutMetrics and BatchGetMetrics of the `sagemaker-metrics` service."""

    SERVICE = "sagemaker-metrics"
    READS = frozenset({"BatchGetMetrics"})

    @operation
    def batch_put_metrics(self, params: Params, ctx: Context) -> Document:
        name = params["TrialComponentName"]
        component = self.store.table(COMPONENT).find(ctx, name)
        if component is None:
            raise ResourceNotFound(f"Trial component '{name}' does not exist.")
        errors: list[Document] = []
        accepted: dict[str, list[float]] = {}
        raw = component.setdefault("_raw_metrics", {})
        for index, metric in enumerate(params["MetricData"]):
            value, stamp = float(metric["Value"]), metric["Timestamp"]
            if not math.isfinite(value) or not ctx.now - EARLIEST <= stamp <= ctx.now + LATEST:
                errors.append({"Code": "VALIDATION_ERROR", "MetricIndex": index})
                continue
            accepted.setdefault(metric["MetricName"], []).append(value)
            raw.setdefault(metric["MetricName"], []).append(
                {"Timestamp": stamp.timestamp(), "Step": metric.get("Step"), "Value": value})
        if accepted:
            self.store.owner(COMPONENT).record_metrics(component, accepted, ctx.now)
            component["LastModifiedTime"] = ctx.now
            self.store.changed("Experiments")  # Search's views of components are stale
        return {"Errors": errors or None}

    @operation
    def batch_get_metrics(self, params: Params, ctx: Context) -> Document:
        return {"MetricQueryResults": [self._query(query, ctx) for query in params["MetricQueries"]]}

    def _query(self, query: Document, ctx: Context) -> Document:
        """One MetricQuery's answer: the statistic of each bucket of the x axis, in axis order."""
        arn, name = query["ResourceArn"], query["MetricName"]
        component = self.store.table(COMPONENT).find(ctx, arn) if arns.kind(arn) == COMPONENT else None
        if component is None:
            return {"Status": "ValidationError", "Message": f"No trial component has the ARN {arn}.",
                    "XAxisValues": [], "MetricValues": []}
        by_step = query["XAxisType"] == "IterationNumber"
        if by_step != (query["Period"] == "IterationNumber"):
            return {"Status": "ValidationError", "XAxisValues": [], "MetricValues": [],
                    "Message": f"Period {query['Period']} does not go with XAxisType {query['XAxisType']}: "
                               "IterationNumber goes with IterationNumber only."}
        buckets: dict[int, list[float]] = {}
        for point in (component.get("_raw_metrics") or {}).get(name, ()):
            if by_step:
                if point["Step"] is None:
                    continue
                x = int(point["Step"])
            else:
                width = PERIOD_SECONDS[query["Period"]]
                x = int(point["Timestamp"] // width * width)
            start, end = query.get("Start"), query.get("End")
            if start is not None and x < start or end is not None and x > end:
                continue
            buckets.setdefault(x, []).append(point["Value"])
        stat = _stat(query["MetricStat"])
        axis = sorted(buckets)
        return {"Status": "Complete", "XAxisValues": axis, "MetricValues": [float(stat(buckets[x])) for x in axis]}
