import boto3
from sagemock import mock_sagemaker
with mock_sagemaker():
    sm = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    sm.create_model_package_group(ModelPackageGroupName="churn")
    spec = {"Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1"}]}
    arn = sm.create_model_package(ModelPackageGroupName="churn", InferenceSpecification=spec)["ModelPackageArn"]
    sm.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved")
    approved = sm.list_model_packages(ModelPackageGroupName="churn", ModelApprovalStatus="Approved")
    print([p["ModelPackageArn"] for p in approved["ModelPackageSummaryList"]])
