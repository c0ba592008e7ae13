"""Operations of the model no mock can answer honestly, each with the reason.

Issue 18's rule: an operation that truly cannot be honest in a mock keeps answering
`NotImplemented`, listed in docs/coverage.md with its reason, rather than a stub. The reason is
also the end of the `NotImplemented` error's message, so a test that meets one learns why.
"""
from __future__ import annotations

#: Operation -> why sagemock cannot answer it honestly.
REASONS: dict[str, str] = {
    "CreateHubContentPresignedUrls": (
        "its answer is one presigned S3 URL for each file of a hub content's model artifacts: the files are "
        "found by listing S3 (and, for the SageMaker public hub's models, AWS's own buckets), which sagemock "
        "does not read, so any list of URLs it made up would name files that may not exist"),
    "DescribeSubscribedWorkteam": (
        "it describes a vendor work team the account subscribed to through AWS Marketplace; a mock account has "
        "no Marketplace subscriptions (ListSubscribedWorkteams answers none), so every answer would be a refusal "
        "whose wording AWS does not publish"),
    "DescribeJobSchemaVersion": (
        "it answers the JSON schema AWS publishes for a model customization job category (CreateJob's "
        "JobConfigDocument must conform to it); the schemas and their versions are AWS's own catalog, which AWS "
        "documents nowhere but in these answers, so any schema sagemock wrote would be made up (CreateJob takes any "
        "JSON document)"),
    "ListJobSchemaVersions": (
        "it lists the versions of AWS's configuration schemas for a job category, a catalog AWS documents nowhere "
        "but in its answers: any list would be made up, and an empty one would claim a category has no schema "
        "(CreateJob takes any well-formed JobConfigSchemaVersion)"),
    "ListModelMetadata": (
        "it lists AWS's catalogue of the pre-trained models Inference Recommender has benchmarked, each with its "
        "domain, framework, framework version and task; AWS publishes only the models' names (the valid values of "
        "RecommendationJobContainerConfig.NearestModelName) and the domains, frameworks and tasks in general, not "
        "which model has which framework version or task, so a catalogue sagemock wrote would make up most of every "
        "entry, and the account's own state holds nothing it could be computed from"),
}
