"""sagemock in a Jupyter notebook: docs/notebook.ipynb executed in a real kernel (nbclient).

The mock stays active across cells; displaying it shows its status and what each store holds (as
text and as HTML); a lineage graph comes out as Mermaid, which JupyterLab draws inline.
"""
from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat is in the test extra")
nbclient = pytest.importorskip("nbclient", reason="nbclient is in the test extra")
pytest.importorskip("ipykernel", reason="ipykernel is in the test extra")

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "notebook.ipynb"


@pytest.fixture(scope="module")
def outputs() -> list[dict]:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), \
        "commit the notebook without outputs"
    nbclient.NotebookClient(notebook, timeout=180, kernel_name="python3").execute()
    return [cell.outputs[-1]["data"] for cell in notebook.cells if cell.cell_type == "code" and cell.outputs]


def test_the_mock_shows_what_it_holds(outputs):
    started, filled = outputs[0], outputs[1]
    assert started["text/plain"] == "<MockSageMaker active, account 123456789012, region us-east-1: empty>"
    assert "(active)" in started["text/html"] and "No resources." in started["text/html"]
    assert "model-package 3 (Completed 3), model-package-group 1 (Completed 1)" in filled["text/plain"]
    assert "<td>model-package</td><td>3</td><td>Completed: 3</td>" in filled["text/html"]


def test_lineage_renders_inline_as_mermaid(outputs):
    graph, queried = outputs[2], outputs[3]
    mermaid = graph["text/vnd.mermaid"]
    assert mermaid.startswith("flowchart LR\n")
    assert '["train-data (Artifact / DataSet)"]' in mermaid and "-->|ContributedTo|" in mermaid
    assert "-->|Produced|" in mermaid
    assert graph["text/markdown"].startswith("```mermaid\n")
    assert queried["text/vnd.mermaid"].count("-->") == 2


def test_a_stopped_mock_says_so(outputs):
    assert outputs[-1]["text/plain"] == "<MockSageMaker stopped, account 123456789012, region us-east-1>"
