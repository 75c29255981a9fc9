"""A scripted "browser" for ``auth login --browser-command``: fetches the emulator's consent page, submits
its form with the Allow (or Deny) button and follows the redirect to the CLI's loopback callback.

Usage: ``python consent_click.py URL [allow|deny]``.
"""

from __future__ import annotations

import html
import re
import sys
from urllib.parse import urljoin

import httpx


def main(url: str, decision: str = "allow") -> int:
    with httpx.Client(follow_redirects=False, timeout=30, trust_env=False) as http:
        page = http.get(url)
        fields = {
            html.unescape(k): html.unescape(v)
            for k, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page.text)
        }
        action = re.search(r'<form method="post" action="([^"]*)"', page.text)
        assert action is not None, page.text
        answer = http.post(urljoin(url, action.group(1)), data={**fields, "decision": decision})
        callback = http.get(answer.headers["location"])
        return 0 if callback.status_code == 200 else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
