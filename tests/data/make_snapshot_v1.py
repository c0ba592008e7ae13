"""How tests/data/snapshot-v1.json was made (by sagemock 0.1.0, snapshot format version 1).

The file is committed and must never be regenerated: later versions of sagemock prove, in
tests/core/test_snapshot.py, that they still restore what this one saved.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import boto3
from freezegun import freeze_time

from sagemock import mock_sagemaker

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1"


def build(client) -> None:
    client.create_model_package_group(ModelPackageGroupName="churn", Tags=[{"Key": "team", "Value": "ml"}])
    client.create_model_package(
        ModelPackageGroupName="churn", ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={"Containers": [{"Image": IMAGE}], "SupportedContentTypes": ["text/csv"],
                                "SupportedResponseMIMETypes": ["text/csv"]})
    client.create_experiment(ExperimentName="churn-exp")
    client.create_trial(TrialName="churn-trial", ExperimentName="churn-exp")
    data = client.create_artifact(ArtifactType="DataSet", Source={"SourceUri": "s3://bucket/train.csv"})
    action = client.create_action(ActionName="train", ActionType="Training", Source={"SourceUri": "job"})
    client.add_association(SourceArn=data["ArtifactArn"], DestinationArn=action["ActionArn"])
    client.create_notebook_instance(NotebookInstanceName="nb", InstanceType="ml.t3.medium",
                                    RoleArn="arn:aws:iam::123456789012:role/sm")


def main(path: str) -> None:
    with freeze_time("2025-01-02T03:04:05Z"), mock_sagemaker(seed=7) as mock:
        build(boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"))
        Path(path).write_text(json.dumps(mock.snapshot(), indent=1, sort_keys=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
