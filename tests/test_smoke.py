def test_client_fixture_answers(sagemaker_client):
    arn = sagemaker_client.create_model_package_group(ModelPackageGroupName="smoke")["ModelPackageGroupArn"]
    assert arn == "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/smoke"
