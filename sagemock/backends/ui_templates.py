"""RenderUiTemplate: a worker task template (Liquid, with the crowd-html elements) rendered with a
representative task, as the Ground Truth and Augmented AI consoles preview it.

The template is the request's `UiTemplate.Content` or the template of the human task UI that
`HumanTaskUiArn` names (one or the other: "Do not provide a HumanTaskUiArn if you use the UiTemplate
parameter"). `Task.Input` is a JSON object, "made available to the template under the substitution
variable task.input". The renderer is the Liquid subset worker templates use (`liquid`): output
`{{ ... }}` with filters, `if`/`elsif`/`else`/`unless`, `for` and `comment`, every output HTML-escaped
unless `skip_autoescape` ("By default, inputs are escaped"). What it cannot render is reported in
`Errors`, as AWS reports rendering errors, and the rest is rendered.
"""
from __future__ import annotations

import json
from typing import Any

from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ValidationError
from . import liquid

Document = dict[str, Any]


class UiTemplates(Backend):
    @operation
    def render_ui_template(self, params: Params, ctx: Context) -> Document:
        given, arn = params.get("UiTemplate"), params.get("HumanTaskUiArn")
        if (given is None) == (arn is None):  # "Do not provide a HumanTaskUiArn if you use the UiTemplate"
            raise ValidationError("Provide either UiTemplate or HumanTaskUiArn, not both.")
        if given is not None:
            content = given["Content"]
        elif arn is not None:
            ui = ctx.store.table("human-task-ui").require(ctx, arn)
            content = ui.get("_content", "")
        try:
            task_input = json.loads(params["Task"]["Input"])
        except ValueError as error:
            raise ValidationError(f"Task.Input is not valid JSON: {error}.") from None
        rendered, errors = liquid.render(content, {"task": {"input": task_input}})
        return {"RenderedContent": rendered, "Errors": [{"Code": code, "Message": message} for code, message in errors]}
