"""Coding agents: one module per agent, holding its event parsing and its reply protocol."""

from __future__ import annotations

import importlib
from typing import cast

from aiguard.agents.protocol import Agent

# Agent name (as typed after `aiguard hook` / `aiguard install`) -> its module.
AGENTS = {
    "claude-code": "aiguard.agents.claude_code",
    "cline": "aiguard.agents.cline",
    "codex": "aiguard.agents.codex",
    "copilot": "aiguard.agents.copilot",
    "cursor": "aiguard.agents.cursor",
    "gemini": "aiguard.agents.gemini",
}


def get_agent(name: str) -> Agent:
    return cast(Agent, importlib.import_module(AGENTS[name]))
