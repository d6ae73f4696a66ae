"""The command line as scripts use it (docs: ../shared/docs/cli-contract.md), on the real index."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from rag.cli import cli


@pytest.fixture(scope="module")
def run(engine, settings):
    """``rag ARGS`` in-process, against the test index the ``engine`` fixture has built."""
    assert engine.retriever.chunks  # the index is built (or loaded) before the commands read it
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args), env={"RAG_INDEX_DIR": str(settings.index_dir)})

    return invoke


def test_retrieve_prints_the_contract_json(run):
    result = run("retrieve", "NNIの2024年度予算要求額は？", "--k", "3", "--json")
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line["question"] == "NNIの2024年度予算要求額は？" and len(line["results"]) == 3
    assert {"id", "text", "section", "heading_path", "page", "page_end", "score"} <= set(line["results"][0])


def test_bad_input_is_one_line_and_a_nonzero_exit(run):
    result = run("retrieve", "   ", "--json")
    assert result.exit_code == 2 and result.stderr.startswith("error:") and "Traceback" not in result.output
    result = run("retrieve", "量子", "--mode", "nonsense")
    assert result.exit_code == 2 and "unknown retrieval mode" in result.stderr
    result = run("ask", "Quelle est la stratégie nationale de recherche de la France ?")
    assert result.exit_code == 2 and "only Japanese and English" in result.stderr and not result.stdout


def test_a_refusal_shows_the_closest_passages(run):
    result = run("ask", "What is the total budget of Canada's National Quantum Strategy?")
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert out[0] == "The report does not answer this question."
    assert out[1].startswith("Closest passages") and any(" p." in line for line in out[2:])


def test_a_bad_setting_is_named_in_one_line():
    result = CliRunner().invoke(cli, ["retrieve", "量子"], env={"RAG_APP__PORT": "abc"})
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.startswith("error: invalid settings: app.port:") and "'abc'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_contract_short_app_variables_set_host_and_port(monkeypatch):
    from rag.settings import load_settings

    monkeypatch.setenv("RAG_HOST", "0.0.0.0")
    monkeypatch.setenv("RAG_PORT", "7999")
    assert (load_settings().app.host, load_settings().app.port) == ("0.0.0.0", 7999)
    monkeypatch.setenv("RAG_APP__PORT", "7001")  # the full name wins over the short one
    assert load_settings().app.port == 7001
