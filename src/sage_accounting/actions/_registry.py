"""The action model: :class:`ActionInput`, :class:`Action` and the :class:`Registry` of them all.

An action is a declaration (key, label, description, method, path, inputs, who may run it, what it
is called as a tool) plus how it becomes a request and how it is sent.  Running it checks and converts
every input first (:meth:`Action.validate`), so a bad input never reaches Sage; then
:meth:`Action.build_request` turns the inputs into the request, which the handler sends through the
client (sync or async) and whose answer it returns as plain JSON data.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, Final, Literal

from .._errors import SageError
from ._access import Access
from ._inputs import ActionInputError, Converter, InputProblem, Invalid, Text, is_missing, show_value
from ._naming import arg_name
from ._targets import Target, sage_text

if TYPE_CHECKING:
    from .._client import AsyncSageAccounting, SageAccounting

__all__ = [
    "NO_DEFAULT",
    "Action",
    "ActionInput",
    "Inputs",
    "Namer",
    "PreparedRequest",
    "Registry",
    "UnknownActionError",
]


class _NoDefault(Enum):
    NO_DEFAULT = "NO_DEFAULT"

    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Final = _NoDefault.NO_DEFAULT
"""Marks an input without a default (``None``, ``False`` and ``0`` are real defaults)."""


@dataclass(frozen=True)
class ActionInput:
    """One input of an action, as the component documents it.

    ``convert`` checks and converts the value (its ``manifest_type`` is the ``type`` shown unless
    ``type`` is given); ``target`` says where the value goes in the Sage request (:class:`Path`,
    :class:`Query` or :class:`Body`; ``None`` for inputs that steer the action, such as ``fetchAll``).
    ``arg_name`` is the snake_case name a tool takes it by (``contactId`` -> ``contact_id``);
    ``sample`` is an example for the tool's schema where the component documents none (or one a tool
    cannot send as it is), never shown in the manifest.
    """

    key: str
    label: str
    convert: Converter = field(default_factory=Text)
    required: bool = False
    default: Any = NO_DEFAULT
    comments: str | None = None
    example: str | None = None
    target: Target | None = None
    type: str | None = None
    sample: Any = None

    @property
    def arg_name(self) -> str:
        """The snake_case argument name (``invoiceLines`` -> ``invoice_lines``)."""
        return arg_name(self.key)

    @property
    def sage(self) -> str | None:
        """Where the value goes, as the manifest shows it (``contact.main_address.city``)."""
        return sage_text(self.target) if self.target is not None else None

    @property
    def manifest_type(self) -> str:
        """The component type: ``string``, ``boolean``, ``string list``, ``code`` …"""
        return self.type or self.convert.manifest_type

    @property
    def has_default(self) -> bool:
        """Whether the input has a default value."""
        return self.default is not NO_DEFAULT

    def to_manifest(self) -> dict[str, Any]:
        """The input in the shape of ``component.json``."""
        data: dict[str, Any] = {
            "key": self.key,
            "label": self.label,
            "type": self.manifest_type,
            "required": self.required,
        }
        if self.has_default:
            data["default"] = self.default
        if self.comments is not None:
            data["comments"] = self.comments
        if self.example is not None:
            data["example"] = self.example
        if self.target is not None:
            data["sage"] = self.sage
        return data


class Inputs(dict[str, Any]):
    """Checked and converted inputs (by input key); ``defaulted`` names those filled in from defaults."""

    def __init__(self, values: Mapping[str, Any] | None = None, defaulted: Iterable[str] = ()) -> None:
        super().__init__(values or {})
        self.defaulted: frozenset[str] = frozenset(defaulted)


@dataclass(frozen=True)
class PreparedRequest:
    """The request an action sends first: ``path`` is under the API root with the ids filled in
    (``/contacts/abc``), ``params`` the query (a list value repeats the parameter), ``json`` the JSON
    body; ``content`` and ``headers`` are used by ``rawRequest`` only (a non-JSON body, its headers)."""

    method: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    json: Any | None = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The request as JSON-ready data (money stays exact, as text)."""
        out: dict[str, Any] = {"method": self.method, "path": self.path, "params": _plain(self.params)}
        out["json"] = _plain(self.json)
        if self.content is not None:
            out["content"] = self.content.decode("utf-8", errors="replace")
        if self.headers:
            out["headers"] = dict(self.headers)
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


Namer = Callable[[str], str]
"""Turns an input key into the name an error shows: the key itself, or the tool's argument name."""

Handler = Callable[["Action", "SageAccounting", Inputs], Any]
"""What runs an action: the action, the client and the checked inputs; returns Sage's answer."""

AsyncHandler = Callable[["Action", "AsyncSageAccounting", Inputs], Awaitable[Any]]
"""The same on the async client."""

Preparer = Callable[["Action", Inputs], PreparedRequest]
"""Builds the (first) request of an action from its checked inputs."""

Check = Callable[[Inputs, Namer], list[InputProblem]]
"""A rule across inputs (``page`` with ``fetchAll``, ``dueDate`` before ``date`` …), run after
conversion; the namer names the inputs in its messages."""

AmountRule = Callable[[Inputs], Decimal | None]
"""The money a write moves, from its checked inputs."""

Kind = Literal["list", "get", "create", "update", "delete", "action", "raw"]


def _same(key: str) -> str:
    return key


@dataclass(frozen=True, kw_only=True)
class Action:
    """One action of the Sage component.

    ``kind`` is ``list``, ``get``, ``create``, ``update`` (only the inputs given are sent: defaults of
    optional inputs are not applied), ``delete``, ``action`` (void, release) or ``raw``.  ``access`` says
    which role areas and level it needs; ``tool_name``/``verb``/``noun``/``title``/``toolset`` name it as
    an agent's tool; ``tags`` holds ``seed`` for the component's own 28.

    >>> action = registry["getContact"]                                     # doctest: +SKIP
    >>> action.run(sage, {"contactId": "3d9a0c…"})["name"]                  # doctest: +SKIP
    'Acme Ltd'
    """

    key: str
    label: str
    description: str
    method: str
    path: str
    inputs: tuple[ActionInput, ...]
    kind: Kind
    group: str
    access: Access
    toolset: str
    verb: str
    noun: str
    tool_name: str
    title: str
    prepare: Preparer
    handler: Handler
    async_handler: AsyncHandler
    tags: frozenset[str] = frozenset()
    checks: tuple[Check, ...] = ()
    amount_rule: AmountRule | None = None
    model: str | None = None

    def __post_init__(self) -> None:
        keys = [i.key for i in self.inputs]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.key}: duplicate input keys")
        names = [i.arg_name for i in self.inputs]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.key}: duplicate argument names")

    # --- what it is -------------------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        """It only reads (a GET)."""
        return self.method == "GET"

    @property
    def destructive(self) -> bool:
        """It may delete, void or overwrite what is there (deletes, voids, updates, raw requests)."""
        return self.kind in ("delete", "update", "raw")

    @property
    def idempotent(self) -> bool:
        """Sending it twice has the effect of sending it once (GET, PUT, DELETE; never a POST)."""
        return self.method in ("GET", "PUT", "DELETE")

    @property
    def open_world(self) -> bool:
        """It talks to Sage, outside this process: always true."""
        return True

    @property
    def output_model(self) -> type[Any] | None:
        """The pydantic record type of the answer (for a list, of each item), or ``None`` (imported on
        first use, so the registry stays light)."""
        if self.model is None:
            return None
        from .. import types

        model: type[Any] = getattr(types, self.model)
        return model

    @property
    def input_keys(self) -> list[str]:
        """The keys of the inputs, in order."""
        return [i.key for i in self.inputs]

    def input(self, key: str) -> ActionInput:
        """The input named ``key``."""
        for item in self.inputs:
            if item.key == key:
                return item
        raise KeyError(f"{self.key} has no input {key!r}")

    def input_schema(self) -> dict[str, Any]:
        """The JSON Schema of the tool's arguments (by ``arg_name``): types, descriptions, examples,
        enums, the required ones; no other argument is accepted."""
        from ._schema import action_schema

        return action_schema(self)

    # --- checking the inputs ----------------------------------------------------------------------

    def validate(self, inputs: Mapping[str, Any] | None = None) -> Inputs:
        """Check and convert ``inputs`` (by input key); raise :class:`ActionInputError` naming every bad
        input.

        Unknown keys are refused; ``None`` and blank text count as not given; required inputs must be
        given unless they have a default; defaults of optional inputs apply except on updates.
        """
        if inputs is not None and not isinstance(inputs, Mapping):
            raise TypeError(f"{self.key}: inputs must be a mapping of input keys to values")
        given = dict(inputs or {})
        known = set(self.input_keys)
        unknown = [
            InputProblem(_show_key(key), self._unknown(_show_key(key)))
            for key in given
            if not isinstance(key, str) or key not in known
        ]
        return self._check(given, unknown, _same, self.key)

    def validate_args(self, args: Mapping[str, Any] | None = None) -> Inputs:
        """Like :meth:`validate`, for a tool's arguments (by ``arg_name``); every problem names the
        argument (``invoice_lines[2].unit_price is required``).  The result is keyed by input key."""
        if args is not None and not isinstance(args, Mapping):
            raise ActionInputError(self.tool_name, [InputProblem("arguments", "the arguments must be an "
                                                                 "object of argument names to values")])  # fmt: skip
        by_name = {i.arg_name: i.key for i in self.inputs}
        given: dict[str, Any] = {}
        unknown: list[InputProblem] = []
        for name, value in (args or {}).items():
            if isinstance(name, str) and name in by_name:
                given[by_name[name]] = value
            else:
                shown = _show_key(name)
                close = difflib.get_close_matches(shown, list(by_name), n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                unknown.append(InputProblem(shown, f"{shown} is not an argument of {self.tool_name}{hint}"))
        names = {i.key: i.arg_name for i in self.inputs}
        return self._check(given, unknown, lambda key: names.get(key, key), self.tool_name)

    def _check(self, given: dict[str, Any], problems: list[InputProblem], name: Namer, who: str) -> Inputs:
        values: dict[str, Any] = {}
        defaulted: list[str] = []
        for item in self.inputs:
            raw = given.get(item.key)
            shown = name(item.key)
            if is_missing(raw):
                if item.has_default and (item.required or self.kind != "update"):
                    raw = item.default
                    defaulted.append(item.key)
                elif item.required:
                    problems.append(InputProblem(shown, f"{shown} is required"))
                    continue
                else:
                    continue
            try:
                values[item.key] = item.convert.convert(raw, shown)
            except Invalid as exc:
                problems.append(InputProblem(shown, str(exc)))
        result = Inputs(values, defaulted)
        if not problems:
            for check in self.checks:
                problems.extend(check(result, name))
        if problems:
            raise ActionInputError(who, problems)
        return result

    def _unknown(self, key: str) -> str:
        close = difflib.get_close_matches(key, self.input_keys, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        return f"{key} is not an input of {self.key} ({hint}inputs: {', '.join(self.input_keys)})"

    def _checked(self, inputs: Mapping[str, Any] | None) -> Inputs:
        return inputs if isinstance(inputs, Inputs) else self.validate(inputs)

    # --- running it -------------------------------------------------------------------------------

    def build_request(self, inputs: Mapping[str, Any] | None = None) -> PreparedRequest:
        """The request :meth:`run` sends first (for a list, its first page): what a dry run shows.

        ``inputs`` are checked ones (from :meth:`validate` / :meth:`validate_args`), or raw inputs by key,
        which are checked first.
        """
        return self.prepare(self, self._checked(inputs))

    def amount(self, inputs: Mapping[str, Any] | None = None) -> Decimal | None:
        """The money a write moves (see each rule), or ``None`` when the action moves no money."""
        if self.amount_rule is None:
            return None
        return self.amount_rule(self._checked(inputs))

    def run(self, client: SageAccounting, inputs: Mapping[str, Any] | None = None) -> Any:
        """Check the inputs, call Sage through ``client`` and return its answer as JSON data."""
        return self.handler(self, client, self._checked(inputs))

    async def arun(self, client: AsyncSageAccounting, inputs: Mapping[str, Any] | None = None) -> Any:
        """:meth:`run` on the async client."""
        return await self.async_handler(self, client, self._checked(inputs))

    __call__ = run

    def to_manifest(self) -> dict[str, Any]:
        """The action in the shape of ``component.json``."""
        return {
            "key": self.key,
            "label": self.label,
            "description": self.description,
            "method": self.method,
            "path": self.path,
            "inputs": [i.to_manifest() for i in self.inputs],
        }


def _show_key(key: Any) -> str:
    """A given key as an error names it: as it is when it is plain printable text, else its repr."""
    if isinstance(key, str) and key.isprintable() and key.strip() == key and key:
        return key if len(key) <= 60 else key[:57] + "..."
    return show_value(key)


class UnknownActionError(SageError, KeyError):
    """No action has that key."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown action"


def _look_up(table: Mapping[str, Action], key: str, what: str) -> Action:
    """``table[key]``, or an :class:`UnknownActionError` naming ``key`` and the closest ``what`` there is."""
    try:
        return table[key]
    except (KeyError, TypeError):
        close = difflib.get_close_matches(str(key), list(table), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise UnknownActionError(f"no {what} {key!r}{hint}") from None


class Registry(Mapping[str, Action]):
    """Every action by key, in key order; also finds an action by tool name and builds the manifest."""

    def __init__(self, actions: Iterable[Action], component: Mapping[str, Any]) -> None:
        self._actions: dict[str, Action] = {}
        self._tools: dict[str, Action] = {}
        for action in sorted(actions, key=lambda a: a.key):
            if action.key in self._actions:
                raise ValueError(f"duplicate action key {action.key!r}")
            if action.tool_name in self._tools:
                raise ValueError(f"duplicate tool name {action.tool_name!r}")
            self._actions[action.key] = action
            self._tools[action.tool_name] = action
        self._component = dict(component)

    def __getitem__(self, key: str) -> Action:
        return _look_up(self._actions, key, "action")

    def __iter__(self) -> Iterator[str]:
        return iter(self._actions)

    def __len__(self) -> int:
        return len(self._actions)

    def by_tool_name(self, name: str) -> Action:
        """The action whose tool is ``name`` (``sage_create_sales_invoice``)."""
        return _look_up(self._tools, name, "tool")

    def tool_names(self) -> list[str]:
        """Every tool name, sorted."""
        return sorted(self._tools)

    def toolsets(self) -> dict[str, list[Action]]:
        """The actions by toolset (an area, or ``reference``), toolsets sorted."""
        out: dict[str, list[Action]] = {}
        for action in self._actions.values():
            out.setdefault(action.toolset, []).append(action)
        return dict(sorted(out.items()))

    def tagged(self, tag: str) -> list[Action]:
        """The actions carrying ``tag`` (``seed``: the component's own 28)."""
        return [a for a in self._actions.values() if tag in a.tags]

    def groups(self) -> dict[str, list[Action]]:
        """The actions by group, groups in first-seen order of their first action's key."""
        out: dict[str, list[Action]] = {}
        for action in self._actions.values():
            out.setdefault(action.group, []).append(action)
        return out

    def manifest(self) -> dict[str, Any]:
        """The connection and every action in the shape of ``component.json``."""
        return {
            **copy.deepcopy(self._component),
            "actions": [a.to_manifest() for a in self._actions.values()],
        }
