"""The gateway's web console: agents and their Off / Read / Full matrix, the audit, pending approvals.

Server-rendered pages (Jinja2) in a small Starlette app, served under ``/console`` by
``sage-accounting mcp serve --http`` and alone by ``sage-accounting console``.  Nothing is imported here:
:mod:`.app` loads Starlette, Jinja2 and the database layer.
"""
