"""`Answer` and `resolve`: an example request's values taken from the answers to its needs."""
from __future__ import annotations

from sagemock.core.resource import Answer, resolve

SEARCH = {"TrainingPlanOfferings": [{"TrainingPlanOfferingId": "tpo-1"}, {"TrainingPlanOfferingId": "tpo-2"}]}


def test_an_answer_names_a_member_of_the_answer():
    assert resolve({"Id": Answer("CreateDomain", "DomainId")}, {"CreateDomain": {"DomainId": "d-1"}}) == {"Id": "d-1"}


def test_an_answer_reaches_inside_the_member_by_index_and_member():
    first = Answer("SearchTrainingPlanOfferings", "TrainingPlanOfferings", within=(0, "TrainingPlanOfferingId"))
    second = Answer("SearchTrainingPlanOfferings", "TrainingPlanOfferings", within=(1, "TrainingPlanOfferingId"))
    assert resolve({"Ids": [first, second]}, {"SearchTrainingPlanOfferings": SEARCH}) == {"Ids": ["tpo-1", "tpo-2"]}


def test_an_answer_falls_back_to_the_arn_where_an_older_answer_lacks_the_member():
    domain = Answer("CreateDomain", "DomainId", from_arn="DomainArn")
    answers = {"CreateDomain": {"DomainArn": "arn:aws:sagemaker:us-east-1:123456789012:domain/d-abc"}}
    assert resolve(domain, answers) == "d-abc"
