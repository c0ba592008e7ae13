"""Code repositories: Git repositories kept as SageMaker resources, for notebook instances to clone.

A declared resource (`core.resource`): Create, Describe, List, Update and Delete are derived from
the model. A repository has no status; UpdateCodeRepository changes only the secret that holds its
credentials (`GitConfigForUpdate`), so the update is merged into the repository's `GitConfig`
rather than replacing it. Notebook instances name repositories by name or by URL
(`DefaultCodeRepository`, `AdditionalCodeRepositories`); a name is kept as given there.
"""
from __future__ import annotations

from ..core.backend import Backend
from ..core.resource import Resource, invalid

CODE_REPOSITORY = Resource(
    "CodeRepository",
    kind="code-repository",
    list_operation="ListCodeRepositories",
    # The operations declare no error: every refusal is a ValidationException. AWS's wording for
    # these two is not published; see docs/code-repositories.md.
    missing=invalid("Cannot find CodeRepository {arn}."),
    duplicate=invalid("Cannot create already existing CodeRepository {arn}."),
    merged_updates=("GitConfig",),
    waivers={
        "The name must have 1 to 63 characters": "the model's length limits and pattern, checked for every request",
        "hosted either in Amazon Web Services CodeCommit or in any other Git repository": "any https URL the "
        "model's pattern accepts is kept: nothing is cloned",
        "The secret must have a staging label of AWSCURRENT": "Secrets Manager is not consulted: the secret's "
        "ARN is checked against the model's pattern only, as nothing reads it before a notebook clones",
    },
    example={"CodeRepositoryName": "notebooks", "GitConfig": {
        "RepositoryUrl": "https://github.com/example/notebooks.git", "Branch": "main",
        "SecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:git-AbCdEf"}},
)


class CodeRepositories(Backend):
    repositories = CODE_REPOSITORY.table()
