"""The User-Agent, built from ``CONTACT`` when the crawl starts -- so ``-s CONTACT=...`` reaches it.

Built at import time in crawler/settings.py, the User-Agent kept the default contact whatever
the command line said. This add-on (``ADDONS``) runs after the command line's settings are in:
it sets ``USER_AGENT`` from ``CONTACT`` at add-on priority, which an explicit
``-s USER_AGENT=...`` (command-line priority) still overrides.
"""
from __future__ import annotations

USER_AGENT_TEMPLATE = "vnfa-crawler/0.1 (+research archive of Vietnamese foreign-affairs news; contact: {contact})"


def user_agent(contact: str) -> str:
    return USER_AGENT_TEMPLATE.format(contact=contact)


class ContactUserAgent:
    def update_settings(self, settings) -> None:
        settings.set("USER_AGENT", user_agent(settings.get("CONTACT")), priority="addon")
