"""What a resource that names a training plan must meet, shared by the families whose resources run
on one (training jobs, HyperPod cluster instance groups): the plan exists, and it was bought for
that kind of resource. The plan is read through the store (`training-plan`), never by importing
the training plans family.

AWS's words (DescribeTrainingPlan's `TargetResources`): "Training plans are specific to their target
resource. A training plan designed for SageMaker training jobs can only be used to schedule and run
training jobs. A training plan for HyperPod clusters can be used exclusively to provide compute
resources to a cluster's instance group."
"""
from __future__ import annotations

from ..core import arns
from ..core.context import Context
from ..core.errors import ResourceNotFound, ValidationError


def require(ctx: Context, plan_arn: str, target: str) -> None:
    """Refuse a plan of this account that does not exist, or that was not bought for `target`
    (`training-job`, `hyperpod-cluster`); another account's plan is taken on trust."""
    parsed = arns.parse(plan_arn)
    if parsed is not None and (parsed.account, parsed.region) != (ctx.account, ctx.region):
        return
    plan = ctx.store.table("training-plan").find(ctx, plan_arn)
    if plan is None:
        raise ResourceNotFound(f"Training plan {plan_arn} does not exist.")
    targets = plan.get("TargetResources") or []
    if target not in targets:
        raise ValidationError(f"Training plan {plan_arn} was bought for {', '.join(targets)}: a training plan can "
                              f"only be used by its target resources, not by a {target}.")
