"""Carrying out one tool call for one agent: policy, arguments, approval, dry run, idempotency, Sage, audit.

The order is fixed and is what makes the gateway safe to hand to an agent:

1. the policy on the tool and the business (a forbidden tool is ``denied`` whatever its arguments);
2. the arguments (``invalid``, naming the argument; nothing is sent);
3. the policy again with the amount the write moves (``--max-amount``, ``--approve-writes`` hold it);
4. ``dry_run`` answers with the exact request, nothing sent;
5. a held write asks the human in the conversation (elicitation) when the client can, else is recorded
   as a pending approval and answered with its id;
6. ``idempotency_key``: a retry with the same key and arguments gets the first answer back;
7. the action runs on the async client; Sage's refusal is ``failed``.

Every call ends in exactly one audit row with its plain-English sentence.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import anyio

from . import audit_facts
from .arguments import BadArgument, parse_arguments
from .tools import (
    BUSINESS_ID,
    CURSOR,
    DRY_RUN,
    IDEMPOTENCY_KEY,
    LIMIT,
    ToolSpec,
    encode_cursor,
    tool_specs,
)

if TYPE_CHECKING:
    from .._client import AsyncSageAccounting
    from .store import Agent, Approval, GatewayStore

__all__ = [
    "ApprovalOutcome",
    "ClientFactory",
    "Confirm",
    "Gateway",
    "ToolOutcome",
    "acarry_out_approval",
    "carry_out_approval",
]

ClientFactory = Callable[[str | None], "AsyncSageAccounting"]
"""Business id (None: the user's lead business) -> an async client for it."""

Confirm = Callable[[str], Awaitable[bool]]
"""Asks the agent's human to confirm a held write in the conversation: True to go ahead."""


@dataclass
class ToolOutcome:
    """What a tool call answers: one line of text, structured content, and whether it is an error."""

    text: str
    structured: dict[str, Any] | None
    is_error: bool
    decision: str
    sentence: str = ""


@dataclass
class ApprovalOutcome:
    """What approving a held call did: the approval after the decision and the call's result or error."""

    approval: Approval
    ok: bool
    result: dict[str, Any] | None = None
    error: str | None = None
    message: str = ""


@dataclass
class _Call:
    """The facts of one call as they become known (for the audit row and the sentence)."""

    agent: Agent
    tool: str
    spec: ToolSpec | None
    arguments: dict[str, Any]
    started: float = field(default_factory=time.perf_counter)
    business_id: str | None = None
    sage_status: int | None = None
    request_id: str | None = None
    record: dict[str, Any] | None = None
    count: int | None = None
    amount: Decimal | None = None
    sent: bool = False
    """The request went to Sage (from then on a write's outcome may be unknown)."""
    maybe_committed: bool = False
    """Sage may have carried the write out although the call failed (a 5xx, a broken connection)."""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _canonical(args: Mapping[str, Any]) -> str:
    return json.dumps(args, sort_keys=True, default=str, separators=(",", ":"))


def args_hash(tool: str, args: Mapping[str, Any]) -> str:
    """The fingerprint an idempotency key is bound to: the tool and its arguments, control ones aside."""
    kept = {k: v for k, v in args.items() if k not in (IDEMPOTENCY_KEY, DRY_RUN)}
    return hashlib.sha256(f"{tool}\n{_canonical(kept)}".encode()).hexdigest()


def _shape_record(spec: ToolSpec, raw: Any) -> Any:
    """Sage's record through the action's model (so it matches the output schema), unset fields left out."""
    model = getattr(spec.action, "output_model", None)
    if model is None or not isinstance(raw, Mapping):
        return raw
    try:
        return model.model_validate(raw).model_dump(mode="json", by_alias=True, exclude_unset=True)
    except Exception:  # Sage sent something the model does not describe: pass it on as it is
        return dict(raw)


class Gateway:
    """The gateway's core: every tool call of every agent goes through :meth:`call`.

    ``client_factory`` gives an async client per business; ``toolsets`` limits the tools served.
    """

    def __init__(
        self,
        store: GatewayStore,
        client_factory: ClientFactory,
        *,
        toolsets: frozenset[str] | None = None,
        default_business: str | None = None,
    ) -> None:
        self.store = store
        self.default_business = default_business
        self.started = False
        self.client_factory = client_factory
        self.tools = tool_specs(toolsets)
        self._clients: dict[str | None, AsyncSageAccounting] = {}
        self._business_names: dict[str, str] = {}
        self.lead_business_id: str | None = None

    # --- Sage side ----------------------------------------------------------------------------------

    def client(self, business_id: str | None) -> AsyncSageAccounting:
        """The async client for ``business_id`` (one per business, reused)."""
        client = self._clients.get(business_id)
        if client is None:
            client = self._clients[business_id] = self.client_factory(business_id)
        return client

    async def start(self) -> None:
        """Learn the user's businesses (names for the audit, the lead one as the default); once."""
        if self.started:
            return
        response = await self.client(None).request(
            "GET", "/businesses", params={"items_per_page": 200, "attributes": "all"}
        )
        for item in (response.json() or {}).get("$items", []):
            if isinstance(item, Mapping) and item.get("id"):
                self._business_names[str(item["id"])] = str(
                    item.get("name") or item.get("displayed_as") or ""
                )
                if item.get("lead"):
                    self.lead_business_id = str(item["id"])
        if self.lead_business_id is None and self._business_names:
            self.lead_business_id = next(iter(self._business_names))
        self.started = True

    async def aclose(self) -> None:
        """Close the clients this gateway opened."""
        for client in self._clients.values():
            await client.close()
        self._clients.clear()

    def business_name(self, business_id: str | None) -> str | None:
        """The name of a business the user reaches (None when unknown)."""
        return self._business_names.get(business_id) if business_id else None

    # --- tools --------------------------------------------------------------------------------------

    def visible_tools(self, agent: Agent) -> list[ToolSpec]:
        """The tools ``agent`` may use (the others are not listed to it at all)."""
        from . import policy

        return [spec for spec in self.tools.values() if policy.visible(agent, spec.action)]

    async def call(
        self,
        agent: Agent,
        tool: str,
        arguments: Mapping[str, Any] | None,
        *,
        confirm: Confirm | None = None,
    ) -> ToolOutcome:
        """Carry out one tool call of ``agent`` and audit it (never raises for the agent's mistakes)."""
        from . import policy

        args = dict(arguments or {})
        spec = self.tools.get(tool)
        call = _Call(agent=agent, tool=tool, spec=spec, arguments=args)
        if spec is None:
            return await self._finish(call, "invalid", f"{tool} is not a tool of this gateway", error=True)
        business = args.get(BUSINESS_ID)
        call.business_id = (
            business if isinstance(business, str) and business else self._default_business(agent)
        )
        decision = policy.decide(agent, spec.action, call.business_id, None)
        if decision.outcome == "deny":
            return await self._finish(call, "denied", decision.reason, error=True)
        try:
            inputs, page, dry_run, key = parse_arguments(spec, args)
        except BadArgument as exc:
            return await self._finish(call, "invalid", str(exc), error=True)
        call.amount = spec.action.amount(inputs) if spec.is_write else None
        decision = policy.decide(agent, spec.action, call.business_id, call.amount)
        if decision.outcome == "deny":
            return await self._finish(call, "denied", decision.reason, error=True)
        prepared = spec.action.build_request(inputs).to_dict()
        if dry_run:
            note = " (it would be held for approval)" if decision.outcome == "hold" else ""
            structured = {"status": "dry_run", "record": None, "request": prepared}
            reason = f"{decision.reason}; dry run, nothing sent{note}"
            return await self._finish(call, "allowed", reason, structured=structured)
        claim_key = None
        if key is not None:
            claim = await self._store(
                self.store.idempotency_claim, agent.id, call.business_id, key, args_hash(tool, args)
            )
            if claim.state == "replay":
                return await self._replay(call, claim.result, decision.reason)
            if claim.state == "conflict":
                return await self._finish(
                    call, "invalid", "idempotency_key was already used with other arguments", error=True
                )
            if claim.state == "in_progress":
                return await self._finish(
                    call, "invalid", "idempotency_key: a call with this key is still running, or Sage may have "
                    "carried it out without answering; check before writing again with a new key", error=True,
                )  # fmt: skip
            claim_key = key
        try:
            verdict, reason = "allowed", decision.reason
            if decision.outcome == "hold":
                held = await self._held(call, spec, args, prepared, decision, confirm)
                if isinstance(held, ToolOutcome):
                    await self._remember(call, claim_key, held)
                    return held
                verdict, reason = "approved", "confirmed by the user in the conversation"
            outcome = await self._run(call, spec, inputs, page, args, decision=verdict, reason=reason)
        except BaseException:
            # Released only when nothing reached Sage: a cancelled write may have been carried out, and the
            # key must then keep a retry from writing it twice.
            if claim_key is not None and not call.sent:
                with anyio.CancelScope(shield=True):
                    await self._store(self.store.idempotency_release, agent.id, call.business_id, claim_key)
            raise
        await self._remember(call, claim_key, outcome)
        return outcome

    async def _replay(self, call: _Call, first: Any, granted: str) -> ToolOutcome:
        """The first answer given under an idempotency key; for a held write, what became of it since."""
        result = first if isinstance(first, dict) else {}
        if result.get("status") == "held" and result.get("approval_id"):
            approval = await self._store(self.store.get_approval, result["approval_id"])
            if approval.status in ("denied", "expired"):
                why = f"approval {approval.id} was {approval.status}" + (
                    f": {approval.reason}" if approval.reason else ""
                )
                return await self._finish(
                    call, "invalid", f"idempotency_key: {why}; nothing was written", error=True
                )
            if approval.status == "approved" and isinstance(approval.result, dict):
                result = approval.result
        if isinstance(result.get("record"), dict):
            call.record = result["record"]
        reason = f"{granted}; same idempotency_key and arguments: the first result, no second write"
        return await self._finish(call, "allowed", reason, structured=result, replay=True)

    def _default_business(self, agent: Agent) -> str | None:
        if agent.businesses:
            return agent.businesses[0]
        return self.default_business or self.lead_business_id

    async def _remember(self, call: _Call, key: str | None, outcome: ToolOutcome) -> None:
        if key is None:
            return
        if outcome.is_error:
            if not call.maybe_committed:  # else the key stays claimed: a retry must not write a second time
                await self._store(self.store.idempotency_release, call.agent.id, call.business_id, key)
        else:
            await self._store(
                self.store.idempotency_store, call.agent.id, call.business_id, key, outcome.structured
            )

    async def _held(
        self,
        call: _Call,
        spec: ToolSpec,
        args: dict[str, Any],
        prepared: dict[str, Any],
        decision: Any,
        confirm: Confirm | None,
    ) -> ToolOutcome | bool:
        """A write the policy holds: ask the human in the conversation, else record a pending approval.

        Returns True when the human confirmed (the caller then runs it), else the answer to give.
        """
        question = audit_facts.sentence(self, call, "held", decision.reason)
        if confirm is not None:
            try:
                accepted = await confirm(f"Allow this? {question}")
            except Exception:  # the client could not ask after all: fall back to a pending approval
                accepted = None
            if accepted is True:
                return True
            if accepted is False:
                return await self._finish(
                    call, "rejected", "declined by the user in the conversation", error=True
                )
        approval = await self._store(
            self.store.hold,
            call.agent,
            tool=spec.name,
            action_key=spec.action.key,
            business_id=call.business_id,
            arguments=args,
            request=prepared,
            sentence=question,
            business_name=self.business_name(call.business_id),
            amount=call.amount,
        )
        structured = {"status": "held", "record": None, "approval_id": approval.id}
        reason = f"{decision.reason}; awaits approval {approval.id}"
        tail = f"awaits a human's approval (id {approval.id})"
        return await self._finish(call, "held", reason, structured=structured, text_tail=tail)

    async def _run(
        self,
        call: _Call,
        spec: ToolSpec,
        inputs: Any,
        page: int,
        args: dict[str, Any],
        *,
        decision: str = "allowed",
        reason: str = "",
    ) -> ToolOutcome:
        from .._errors import APIStatusError, SageError

        client = self.client(call.business_id)
        call.sent = True
        try:
            raw = await spec.action.arun(client, inputs)
        except APIStatusError as exc:
            call.sage_status = exc.status_code
            call.request_id = exc.request_id
            call.maybe_committed = bool(exc.maybe_committed)
            return await self._finish(call, "failed", _one_line(f"Sage refused it: {exc}"), error=True)
        except SageError as exc:
            call.maybe_committed = bool(getattr(exc, "maybe_committed", False))
            return await self._finish(call, "failed", _one_line(str(exc)), error=True)
        call.sage_status = 200
        if spec.shape == "list":
            envelope = raw if isinstance(raw, Mapping) else {}
            items = [_shape_record(spec, item) for item in envelope.get("$items", [])]
            filters = {k: v for k, v in args.items() if k not in (LIMIT, CURSOR, BUSINESS_ID)}
            for public, inner in spec.renamed.items():
                if public in filters:
                    filters[inner] = filters.pop(public)
            nxt = encode_cursor(spec.name, page + 1, filters) if envelope.get("$next") else None
            call.count = len(items)
            structured: dict[str, Any] = {"items": items, "next_cursor": nxt}
        else:
            record = _shape_record(spec, raw) if raw is not None else None
            call.record = record if isinstance(record, dict) else None
            structured = {"status": "done", "record": record}
        return await self._finish(call, decision, reason, structured=structured)

    async def carry_out(self, approval: Approval, *, by: str) -> ApprovalOutcome:
        """Run an approved held call (once: the store let only one decision through) and audit it."""
        spec = self.tools.get(approval.tool)
        agent = await self._store(self.store.get_agent, approval.agent_name)
        call = _Call(agent=agent, tool=approval.tool, spec=spec, arguments=dict(approval.arguments))
        call.business_id = approval.business_id
        if spec is None:
            outcome = await self._finish(call, "failed", f"{approval.tool} is no longer a tool", error=True)
        else:
            try:
                inputs, page, _dry, _key = parse_arguments(spec, dict(approval.arguments))
            except BadArgument as exc:
                outcome = await self._finish(
                    call, "failed", f"the held arguments no longer pass: {exc}", error=True
                )
            else:
                call.amount = spec.action.amount(inputs) if spec.is_write else None
                reason = f"approved by {by} (approval {approval.id})"
                args = dict(approval.arguments)
                outcome = await self._run(call, spec, inputs, page, args, decision="approved", reason=reason)
        result = outcome.structured if not outcome.is_error else None
        error = outcome.text if outcome.is_error else None
        finished = await self._store(self.store.finish_approval, approval.id, result, error)
        return ApprovalOutcome(
            approval=finished if finished is not None else approval,
            ok=not outcome.is_error,
            result=result,
            error=error,
            message=outcome.sentence,
        )

    # --- the audit ----------------------------------------------------------------------------------

    async def _store(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A store call from the event loop (in place on SQLite, on a worker thread for a server)."""
        return await self.store.acall(fn, *args, **kwargs)

    async def _finish(
        self,
        call: _Call,
        decision: str,
        reason: str,
        *,
        error: bool = False,
        structured: dict[str, Any] | None = None,
        replay: bool = False,
        text_tail: str | None = None,
    ) -> ToolOutcome:
        sentence = audit_facts.sentence(self, call, decision, reason)
        entry = audit_facts.entry(self, call, decision, reason, sentence)
        await self._store(self.store.append_audit, entry)
        text = reason if error else audit_facts.summary(call, structured, replay=replay, tail=text_tail)
        return ToolOutcome(
            text=text, structured=structured, is_error=error, decision=decision, sentence=sentence
        )


# --- approvals -----------------------------------------------------------------------------------------


async def acarry_out_approval(
    store: GatewayStore, approval_id: str, *, by: str, client_factory: ClientFactory | None = None
) -> ApprovalOutcome:
    """Approve a held call and carry it out exactly once (async); both decisions are audited."""
    if client_factory is None:
        raise ValueError(
            "carrying out an approval needs a Sage connection: pass client_factory "
            "(the CLI passes sage_accounting.cli.mcp_cmd.runtime_client_factory())"
        )
    approval = await store.acall(store.decide_approval, approval_id, True, by, None)
    gateway = Gateway(store, client_factory)
    try:
        try:
            await gateway.start()
        except Exception:  # only the business's name for the audit is lost; the call itself still runs
            pass
        return await gateway.carry_out(approval, by=by)
    finally:
        await gateway.aclose()


def carry_out_approval(
    store: GatewayStore, approval_id: str, *, by: str, client_factory: ClientFactory | None = None
) -> ApprovalOutcome:
    """Approve a held call and carry it out exactly once; both decisions are audited.

    Raises the store's error when the approval is unknown, already decided or expired (nothing runs).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(acarry_out_approval(store, approval_id, by=by, client_factory=client_factory))
    raise RuntimeError(
        "carry_out_approval was called inside an event loop: await acarry_out_approval instead"
    )
