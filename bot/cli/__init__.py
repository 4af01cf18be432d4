"""The command line, `herocoach` (or `python -m bot`): one module per command, one parser style.

Each command module has `add_arguments(parser)` and `run(args) -> int`; `main` wires them up.
"""

from bot.cli.main import main

__all__ = ["main"]
