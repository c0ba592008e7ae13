"""RenderUiTemplate through boto3 (a template given or a human task UI's, rendered with the task's
input, escaped by default), and the Liquid subset it renders (`sagemock.backends.liquid`)."""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from sagemock.backends import liquid

ROLE = "arn:aws:iam::123456789012:role/labeling"
TEMPLATE = """<crowd-form>
  <crowd-classifier name="sentiment" categories="{{ task.input.labels | to_json | skip_autoescape }}"
                    header="What is the sentiment?">
    <classification-target>{{ task.input.text }}</classification-target>
  </crowd-classifier>
</crowd-form>"""


def test_a_template_is_rendered_with_the_task_input_escaped(sagemaker_client):
    answer = sagemaker_client.render_ui_template(
        UiTemplate={"Content": TEMPLATE}, RoleArn=ROLE,
        Task={"Input": json.dumps({"text": "I <3 it", "labels": ["Positive", "Negative"]})})
    assert answer["Errors"] == []
    assert '<classification-target>I &lt;3 it</classification-target>' in answer["RenderedContent"]
    assert 'categories="["Positive", "Negative"]"' in answer["RenderedContent"]


def test_a_human_task_uis_template_is_rendered_by_its_arn(sagemaker_client):
    arn = sagemaker_client.create_human_task_ui(HumanTaskUiName="review", UiTemplate={"Content": TEMPLATE})[
        "HumanTaskUiArn"]
    answer = sagemaker_client.render_ui_template(HumanTaskUiArn=arn, RoleArn=ROLE,
                                                 Task={"Input": json.dumps({"text": "fine", "labels": []})})
    assert "<classification-target>fine</classification-target>" in answer["RenderedContent"]


@pytest.mark.parametrize("params, code", [
    ({"UiTemplate": {"Content": "x"}, "HumanTaskUiArn":
      "arn:aws:sagemaker:us-east-1:123456789012:human-task-ui/review"}, "ValidationException"),
    ({}, "ValidationException"),
    ({"HumanTaskUiArn": "arn:aws:sagemaker:us-east-1:123456789012:human-task-ui/absent"}, "ResourceNotFound"),
    ({"UiTemplate": {"Content": "x"}, "Task": {"Input": "{not json"}}, "ValidationException"),
])
def test_refusals(sagemaker_client, params, code):
    request = {"RoleArn": ROLE, "Task": {"Input": "{}"}, **params}
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.render_ui_template(**request)
    assert excinfo.value.response["Error"]["Code"] == code


def test_errors_are_reported_and_the_rest_rendered(sagemaker_client):
    answer = sagemaker_client.render_ui_template(
        UiTemplate={"Content": "<p>{{ task.input.a | shout }}</p>{% bogus %}<b>{{ task.input.a }}</b>"},
        RoleArn=ROLE, Task={"Input": '{"a": "x"}'})
    assert sorted(error["Message"] for error in answer["Errors"]) == ["Unknown filter 'shout'", "Unknown tag 'bogus'"]
    assert answer["RenderedContent"].endswith("<b>x</b>")


@pytest.mark.parametrize("template, variables, expected", [
    ("{% if task.input.n > 2 %}big{% elsif task.input.n == 2 %}two{% else %}small{% endif %}",
     {"task": {"input": {"n": 2}}}, "two"),
    ("{% unless x %}none{% endunless %}", {}, "none"),
    ("{% for item in items %}{{ forloop.index }}:{{ item.label | upcase }}{% unless forloop.last %},{% endunless %}"
     "{% endfor %}", {"items": [{"label": "a"}, {"label": "b"}]}, "1:A,2:B"),
    ("{% for item in empty_list %}x{% else %}nothing{% endfor %}", {"empty_list": []}, "nothing"),
    ("{{ missing | default: 'n/a' }}|{{ s.size }}|{{ l[1] }}", {"s": "abc", "l": [1, 2]}, "n/a|3|2"),
    ("{% if t contains 'cat' and n >= 1 %}yes{% endif %}", {"t": "a cat", "n": 1}, "yes"),
    ("{% comment %}{{ hidden }}{% endcomment %}{% raw %}{{ kept }}{% endraw %}", {}, "{{ kept }}"),
    ("<img src=\"{{ uri | grant_read_access }}\">", {"uri": "s3://bucket/a/b.png"},
     '<img src="https://bucket.s3.amazonaws.com/a/b.png">'),
])
def test_the_liquid_subset(template, variables, expected):
    rendered, errors = liquid.render(template, variables)
    assert (rendered, errors) == (expected, [])


def test_an_unclosed_block_is_an_error():
    _, errors = liquid.render("{% if x %}open", {"x": True})
    assert errors == [("LiquidSyntaxError", "'if' tag was never closed")]
