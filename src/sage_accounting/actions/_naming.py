"""Names derived from an action's declaration: argument names, tool names, verbs, nouns and titles.

Sage's API spells fields in snake_case, so an agent's tool takes ``contact_id`` where the component's
input is ``contactId``; tools are named ``sage_<verb>_<noun>`` after the action (``createSalesInvoice``
-> ``sage_create_sales_invoice``), and lists after their Sage collection (``listPurchaseInvoice`` ->
``sage_list_purchase_invoices``).
"""

from __future__ import annotations

import re

__all__ = ["arg_name", "camel_words", "list_noun", "singular", "title_of", "tool_name_of", "verb_of_key"]

_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])")


def arg_name(key: str) -> str:
    """The snake_case argument name of an input key: ``contactId`` -> ``contact_id``, ``addressLine1`` ->
    ``address_line_1``, ``retryDelayMS`` -> ``retry_delay_ms``; snake_case keys stay as they are."""
    return _BOUNDARY.sub("_", key).lower()


def camel_words(key: str) -> list[str]:
    """The lower-case words of a camelCase key: ``createSalesInvoice`` -> ``create sales invoice``."""
    return arg_name(key).split("_")


def verb_of_key(key: str) -> str:
    """The leading verb of a key (``voidSalesInvoice`` -> ``void``)."""
    return camel_words(key)[0]


def singular(word: str) -> str:
    """The singular of the English plurals Sage's collections use."""
    if word == "people":
        return "person"
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "uses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def list_noun(path: str) -> str:
    """The singular noun of a collection path: ``/contact_persons`` -> ``contact person``."""
    words = path.strip("/").split("/")[0].split("_")
    return " ".join([*words[:-1], singular(words[-1])])


def tool_name_of(verb: str, noun: str, path: str) -> str:
    """``sage_<verb>_<noun>``; a list is named after its collection (``sage_list_sales_invoices``)."""
    if verb == "list":
        return "sage_list_" + path.strip("/").split("/")[0]
    return f"sage_{verb}_{noun.replace(' ', '_')}"


def title_of(verb: str, noun: str) -> str:
    """A short imperative title: ``Create a sales invoice``, ``List sales invoices``."""
    if verb == "list":
        *head, last = noun.split(" ")
        plural = last[:-1] + "ies" if last.endswith("y") else last + ("es" if last.endswith("s") else "s")
        return "List " + " ".join([*head, plural])
    article = "an" if noun[:1] in "aeiou" else "a"
    return f"{verb.capitalize()} {article} {noun}"
