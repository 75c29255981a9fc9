"""The agent gateway: AI agents work in Sage through it, each governed area by area and every call audited.

Its state (agents and their grants, approvals, idempotency keys, the audit chain) lives in one SQL database
(:mod:`sage_accounting.gateway.store`); :mod:`~sage_accounting.gateway.policy` decides what an agent may do
and :mod:`~sage_accounting.gateway.sentences` writes the audit's plain-English sentences.  Nothing here is
imported by ``import sage_accounting``: the database layer (SQLAlchemy) loads only when a gateway module is
used.
"""
