"""The action model: :class:`ActionInput`, :class:`Action` and the :class:`Registry` of them all.

An action is a declaration (key, label, description, method, path, inputs) plus a handler.  Running it
checks and converts every input first (:meth:`Action.validate`), so a bad input never reaches Sage;
then the handler turns the inputs into a Sage request through the client and returns Sage's answer as
plain JSON data.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Final, Literal

from .._errors import SageError
from ._inputs import ActionInputError, Converter, InputProblem, Invalid, Text, is_missing

if TYPE_CHECKING:
    from .._client import SageAccounting

__all__ = [
    "NO_DEFAULT",
    "Action",
    "ActionInput",
    "Inputs",
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
    ``type`` is given); ``sage`` says where the value goes in the Sage request: ``path``, ``query NAME``
    or a body path such as ``contact.main_address.city`` (text after `` (`` is a note).
    """

    key: str
    label: str
    convert: Converter = field(default_factory=Text)
    required: bool = False
    default: Any = NO_DEFAULT
    comments: str | None = None
    example: str | None = None
    sage: str | None = None
    type: str | None = None

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
        if self.sage is not None:
            data["sage"] = self.sage
        return data


class Inputs(dict[str, Any]):
    """Checked and converted inputs; ``defaulted`` names those filled in from their defaults."""

    def __init__(self, values: Mapping[str, Any] | None = None, defaulted: Iterable[str] = ()) -> None:
        super().__init__(values or {})
        self.defaulted: frozenset[str] = frozenset(defaulted)


Handler = Callable[["Action", "SageAccounting", Inputs], Any]
"""What runs an action: the action, the client and the checked inputs; returns Sage's answer."""

Check = Callable[[Inputs], list[InputProblem]]
"""A rule across inputs (``page`` with ``fetchAll``, ``dueDate`` before ``date`` …), run after conversion."""

Kind = Literal["list", "get", "create", "update", "delete", "action", "raw"]


@dataclass(frozen=True)
class Action:
    """One action of the Sage component.

    ``kind`` is ``list``, ``get``, ``create``, ``update`` (only the inputs given are sent: defaults of
    optional inputs are not applied), ``delete``, ``action`` (void, release) or ``raw``.

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
    handler: Handler
    kind: Kind
    group: str
    checks: tuple[Check, ...] = ()

    def __post_init__(self) -> None:
        keys = [i.key for i in self.inputs]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.key}: duplicate input keys")

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

    def validate(self, inputs: Mapping[str, Any] | None = None) -> Inputs:
        """Check and convert ``inputs``; raise :class:`ActionInputError` naming every bad input.

        Unknown keys are refused; ``None`` and blank text count as not given; required inputs must be
        given unless they have a default; defaults of optional inputs apply except on updates.
        """
        if inputs is not None and not isinstance(inputs, Mapping):
            raise TypeError(f"{self.key}: inputs must be a mapping of input keys to values")
        given = dict(inputs or {})
        problems: list[InputProblem] = []
        known = {i.key for i in self.inputs}
        for key in given:
            if not isinstance(key, str) or key not in known:
                problems.append(InputProblem(str(key), self._unknown(str(key))))
        values: dict[str, Any] = {}
        defaulted: list[str] = []
        for item in self.inputs:
            raw = given.get(item.key)
            if is_missing(raw):
                if item.has_default and (item.required or self.kind != "update"):
                    raw = item.default
                    defaulted.append(item.key)
                elif item.required:
                    problems.append(InputProblem(item.key, f"{item.key} is required"))
                    continue
                else:
                    continue
            try:
                values[item.key] = item.convert.convert(raw, item.key)
            except Invalid as exc:
                problems.append(InputProblem(item.key, str(exc)))
        result = Inputs(values, defaulted)
        if not problems:
            for check in self.checks:
                problems.extend(check(result))
        if problems:
            raise ActionInputError(self.key, problems)
        return result

    def _unknown(self, key: str) -> str:
        close = difflib.get_close_matches(key, self.input_keys, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        return f"{key} is not an input of {self.key} ({hint}inputs: {', '.join(self.input_keys)})"

    def run(self, client: SageAccounting, inputs: Mapping[str, Any] | None = None) -> Any:
        """Check the inputs, call Sage through ``client`` and return its answer as JSON data."""
        return self.handler(self, client, self.validate(inputs))

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


class UnknownActionError(SageError, KeyError):
    """No action has that key."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown action"


class Registry(Mapping[str, Action]):
    """Every action by key, in key order; also builds the component manifest."""

    def __init__(self, actions: Iterable[Action], component: Mapping[str, Any]) -> None:
        self._actions: dict[str, Action] = {}
        for action in sorted(actions, key=lambda a: a.key):
            if action.key in self._actions:
                raise ValueError(f"duplicate action key {action.key!r}")
            self._actions[action.key] = action
        self._component = dict(component)

    def __getitem__(self, key: str) -> Action:
        try:
            return self._actions[key]
        except KeyError:
            close = difflib.get_close_matches(str(key), list(self._actions), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise UnknownActionError(f"no action {key!r}{hint}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._actions)

    def __len__(self) -> int:
        return len(self._actions)

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
