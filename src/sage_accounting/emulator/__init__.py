"""A local, faithful Sage Business Cloud Accounting (OAuth server + API v3.1): the sandbox Sage never shipped.

>>> from sage_accounting.emulator import Emulator, DEMO
>>> emu = Emulator()                       # deterministic demo data; Emulator(seed="minimal") for a bare business
>>> tokens = emu.grant_tokens()            # skip the browser in tests
>>> http = httpx.Client(transport=emu.transport(), base_url="http://sage.test/v3.1",
...                     headers={"Authorization": f"Bearer {tokens['access_token']}"})

Also: ``emu.serve()`` (a real socket), ``emu.clock.advance(s)``, ``emu.faults.add(...)``, ``emu.request_log``,
and the same over HTTP under ``/__emulator__/``.
"""

from ._answers import ConnectionDropped
from ._emulator import Emulator
from ._faults import Fault, LogEntry
from ._seed import DEMO, DemoIds
from ._state import Settings

__all__ = ["DEMO", "ConnectionDropped", "DemoIds", "Emulator", "Fault", "LogEntry", "Settings"]
