"""(being written)"""

from __future__ import annotations

from .._resource import Resource

RESOURCES: list[type[Resource]] = []
