"""The ``xinfang`` command (pyproject: ``xinfang = "bot.cli:main"``), one module per area:
``base`` (the group and what the commands share), ``county`` (init, sms-templates, admin, bind),
``service`` (serve, nginx-config, tick, sweep, chat, demo), ``reports`` (stats, report, scores,
document, follow-ups, failures) and ``evenings`` (七晚's campaigns). Importing the areas declares
their commands on the group."""
from bot.cli import county, evenings, reports, service  # noqa: F401  (each declares its commands on main)
from bot.cli.base import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    main()
