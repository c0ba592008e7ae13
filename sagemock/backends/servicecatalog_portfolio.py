"""EnableSagemakerServicecatalogPortfolio, DisableSagemakerServicecatalogPortfolio and
GetSagemakerServicecatalogPortfolioStatus: whether SageMaker's Service Catalog portfolio (the project
templates SageMaker provides) is enabled, one flag per account and Region.

"Service Catalog is used to create SageMaker projects." A new account's portfolio is Disabled until
it is enabled (the console, or Studio's domain setup, enables it); sagemock's CreateProject does not
read the flag (AWS's refusal of a project while it is disabled is not published).
"""
from __future__ import annotations

from typing import Any

from ..core.backend import Backend, Params, operation
from ..core.context import Context

Document = dict[str, Any]


class ServicecatalogPortfolio(Backend):
    def __init__(self, store: Any):
        super().__init__(store)
        self.status = "Disabled"

    @operation
    def enable_sagemaker_servicecatalog_portfolio(self, params: Params, ctx: Context) -> Document:
        self.status = "Enabled"
        return {}

    @operation
    def disable_sagemaker_servicecatalog_portfolio(self, params: Params, ctx: Context) -> Document:
        self.status = "Disabled"
        return {}

    @operation
    def get_sagemaker_servicecatalog_portfolio_status(self, params: Params, ctx: Context) -> Document:
        return {"Status": self.status}
