"""Grammar files: pregroup roles and the rules that pick them from spaCy.

Why a data file: which pregroup type a word gets is linguistic knowledge, not
code. ``grammars/english.yaml`` names roles (``transitive_verb: n.r s n.l``),
groups them in families, and lists first-match rules over spaCy features.
This module reads and validates such a file into a frozen :class:`Grammar`
and answers two questions: which role do the rules give a token, and which
other roles may it take at what cost. It does not import spaCy: tokens come
in as plain :class:`TokenFeatures`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from lambeq.backend.grammar import Ty

from qnlp.errors import ConfigError

__all__ = [
    "DEFAULT_GRAMMAR",
    "TokenFeatures",
    "Role",
    "Rule",
    "Candidate",
    "Grammar",
    "parse_type",
    "grammar_from_dict",
    "load_grammar",
]

logger = logging.getLogger(__name__)

DEFAULT_GRAMMAR = Path(__file__).resolve().parents[2] / "grammars" / "english.yaml"
"""The English grammar shipped with qnlp (``grammars/english.yaml``)."""

_STRING_KEYS = ("pos", "tag", "dep", "lower", "lemma", "head_pos", "head_dep", "head_lemma", "side")
_RULE_KEYS = {"role", "children", "objects", "min_objects", *_STRING_KEYS}
_SIMPLE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)((?:\.[lr])*)$")


@dataclass(frozen=True)
class TokenFeatures:
    """What the rules may look at for one token (spaCy-independent).

    ``side`` is ``"left"``/``"right"`` when the token stands before/after its
    head, ``"root"`` for the root; ``objects`` counts dependents whose label
    is one of the grammar's ``object_deps``; ``attested`` holds the parts of
    speech (``noun``, ``verb``, ``adj``, ``adv``) a lexicon knows the word
    form in (empty: unknown word, no evidence); ``class_gaps`` pairs a family
    with the tagger's log-odds gap between its best tag overall and its best
    tag of that family (empty: no tagger scores).
    """

    text: str
    lower: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head_pos: str = ""
    head_dep: str = ""
    head_lemma: str = ""
    side: str = "root"
    child_deps: tuple[str, ...] = ()
    objects: int = 0
    attested: frozenset[str] = frozenset()
    class_gaps: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Role:
    """A named role with its pregroup type and family."""

    name: str
    type: Ty
    family: str


@dataclass(frozen=True)
class Rule:
    """Conditions on a token's features that give it ``role``."""

    role: str
    conditions: tuple[tuple[str, frozenset[str]], ...] = ()
    children: frozenset[str] = frozenset()
    objects: frozenset[int] | None = None
    min_objects: int | None = None

    def matches(self, token: TokenFeatures) -> bool:
        """Whether every condition of the rule holds for ``token``."""
        for key, allowed in self.conditions:
            if getattr(token, key) not in allowed:
                return False
        if self.children and not self.children.intersection(token.child_deps):
            return False
        if self.objects is not None and token.objects not in self.objects:
            return False
        return self.min_objects is None or token.objects >= self.min_objects


@dataclass(frozen=True, order=True)
class Candidate:
    """A role a word may take, with the cost of taking it."""

    cost: float
    rank: int
    role: str = field(compare=False)
    type: Ty = field(compare=False)


@dataclass(frozen=True)
class Grammar:
    """A validated grammar file; see ``grammars/english.yaml`` for the format."""

    roles: Mapping[str, Role]
    rules: tuple[Rule, ...]
    lexicon: Mapping[str, tuple[str, ...]]
    content_families: frozenset[str]
    object_deps: frozenset[str]
    sentence_roots: frozenset[str]
    forbidden_cups: tuple[tuple[frozenset[str], frozenset[str]], ...] = ()
    lexical_classes: Mapping[str, str] = field(default_factory=dict)
    tag_classes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    family_cost: float = 0.25
    lexicon_cost: float = 0.5
    class_cost: float = 1.0
    unattested_cost: float = 1.0
    tagger_scale: float = 4.0
    tagger_floor: float = 0.25
    target_cost: float = 0.4
    unlinked_cost: float = 0.05
    source: str = "<memory>"

    def forbids(self, left: str, right: str) -> bool:
        """Whether a cup may not join a word of role ``left`` to a later word of role ``right``."""
        return any(left in lefts and right in rights for lefts, rights in self.forbidden_cups)

    def _softening(self, gap: float | None) -> float:
        """Fraction of ``class_cost`` a switch costs, given the tagger's gap."""
        if gap is None:
            return 1.0
        return min(1.0, max(self.tagger_floor, gap / self.tagger_scale))

    def role_of(self, token: TokenFeatures) -> str | None:
        """The role of the first rule that matches ``token`` (``None``: none)."""
        for rule in self.rules:
            if rule.matches(token):
                return rule.role
        return None

    def candidates(self, token: TokenFeatures, role: str | None = None) -> list[Candidate]:
        """Every role ``token`` may take, cheapest first, one per pregroup type.

        Parameters
        ----------
        token : TokenFeatures
            The token's spaCy features.
        role : str, optional
            Its spaCy role; computed with :meth:`role_of` when omitted.

        Returns
        -------
        list of Candidate
            The spaCy role at cost 0, then same-family roles, lexicon entries
            and (for content words) other content classes at ``class_cost``,
            softened when the tagger nearly chose that class.
            A content role whose class the word is not attested in (while it
            is attested in some other class) costs ``unattested_cost`` more.
            When two roles share a type only the cheaper is kept.
        """
        role = self.role_of(token) if role is None else role
        costs: dict[str, float] = {}
        gaps = dict(token.class_gaps)

        def offer(name: str, cost: float) -> None:
            if cost < costs.get(name, float("inf")):
                costs[name] = cost

        if role is not None:
            offer(role, 0.0)
            family = self.roles[role].family
            for other in self.roles.values():
                if other.family == family:
                    offer(other.name, self.family_cost)
                elif family in self.content_families and other.family in self.content_families:
                    offer(other.name, self.class_cost * self._softening(gaps.get(other.family)))
        for name in self.lexicon.get(token.lower, ()):
            offer(name, self.lexicon_cost)
        if token.attested:
            for name in costs:
                pos = self.lexical_classes.get(self.roles[name].family)
                if pos is not None and pos not in token.attested:
                    costs[name] += self.unattested_cost
        order = {name: rank for rank, name in enumerate(self.roles)}
        found: dict[Ty, Candidate] = {}
        for name, cost in sorted(costs.items(), key=lambda item: (item[1], order[item[0]])):
            ty = self.roles[name].type
            if ty not in found:
                found[ty] = Candidate(cost, len(found), name, ty)
        return list(found.values())


def parse_type(text: str, atoms: frozenset[str] | None = None) -> Ty:
    """Read a pregroup type written like ``"n.r s n.l.l"``.

    Raises
    ------
    ConfigError
        If a simple type is malformed or its atom is not in ``atoms``.

    >>> parse_type("n.r s n.l")
    Ty(n).r @ Ty(s) @ Ty(n).l
    """
    result = Ty()
    parts = str(text).split()
    if not parts:
        raise ConfigError(f"empty pregroup type {text!r}; write e.g. 'n.r s n.l'")
    for part in parts:
        match = _SIMPLE.match(part)
        if match is None:
            raise ConfigError(f"malformed simple type {part!r} in {text!r}; write an atom then .l/.r marks, e.g. 'n.l'")
        name, marks = match.groups()
        if atoms is not None and name not in atoms:
            raise ConfigError(f"unknown atom {name!r} in type {text!r}; declare it under 'atoms' (known: {sorted(atoms)})")
        simple = Ty(name)
        for mark in marks.split(".")[1:]:
            simple = simple.l if mark == "l" else simple.r
        result = result @ simple
    return result


def _strings(value: Any, where: str) -> frozenset[str]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, (str, int, bool)) for v in values):
        raise ConfigError(f"{where}: expected a string or a list of strings, got {value!r}")
    return frozenset(str(v) for v in values)


def _ints(value: Any, where: str) -> frozenset[int]:
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise ConfigError(f"{where}: expected an integer or a list of integers, got {value!r}")
    return frozenset(values)


def _rule(entry: Any, number: int, roles: Mapping[str, Role]) -> Rule:
    where = f"rule {number}"
    if not isinstance(entry, dict) or "role" not in entry:
        raise ConfigError(f"{where}: expected a mapping with a 'role' key, got {entry!r}")
    unknown = set(entry) - _RULE_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown condition(s) {sorted(unknown)}; known: {sorted(_RULE_KEYS)}")
    if entry["role"] not in roles:
        raise ConfigError(f"{where}: unknown role {entry['role']!r}; declare it under 'roles'")
    conditions = tuple((key, _strings(entry[key], f"{where}, {key}")) for key in _STRING_KEYS if key in entry)
    minimum = entry.get("min_objects")
    if minimum is not None and (not isinstance(minimum, int) or isinstance(minimum, bool)):
        raise ConfigError(f"{where}: min_objects must be an integer, got {minimum!r}")
    return Rule(
        role=entry["role"],
        conditions=conditions,
        children=_strings(entry["children"], f"{where}, children") if "children" in entry else frozenset(),
        objects=_ints(entry["objects"], f"{where}, objects") if "objects" in entry else None,
        min_objects=minimum,
    )


def grammar_from_dict(data: Mapping[str, Any], source: str = "<memory>") -> Grammar:
    """Validate a grammar held as plain data (the parsed YAML).

    Raises
    ------
    ConfigError
        On any missing section, unknown key, role or malformed type; the
        message names ``source`` and the offending entry.
    """
    try:
        if not isinstance(data, Mapping):
            raise ConfigError("the file must hold a mapping with 'roles' and 'rules'")
        atoms = frozenset(_strings(data.get("atoms", ["n", "s"]), "atoms"))
        raw_roles = data.get("roles")
        if not isinstance(raw_roles, Mapping) or not raw_roles:
            raise ConfigError("'roles' must map role names to {type: ..., family: ...}")
        roles: dict[str, Role] = {}
        for name, spec in raw_roles.items():
            if not isinstance(spec, Mapping) or "type" not in spec:
                raise ConfigError(f"role {name!r}: expected {{type: ..., family: ...}}, got {spec!r}")
            roles[str(name)] = Role(str(name), parse_type(spec["type"], atoms), str(spec.get("family", name)))
        raw_rules = data.get("rules")
        if not isinstance(raw_rules, list) or not raw_rules:
            raise ConfigError("'rules' must be a non-empty list")
        rules = tuple(_rule(entry, number, roles) for number, entry in enumerate(raw_rules, start=1))
        lexicon: dict[str, tuple[str, ...]] = {}
        for word, names in (data.get("lexicon") or {}).items():
            listed = _strings(names, f"lexicon entry {word!r}")
            if not listed <= set(roles):
                raise ConfigError(f"lexicon entry {word!r} names unknown role(s) {sorted(listed - set(roles))}")
            lexicon[str(word).lower()] = tuple(name for name in roles if name in listed)
        families = {role.family for role in roles.values()}
        content = _strings(data.get("content_families", []) or [""], "content_families") - {""}
        if not content <= families:
            raise ConfigError(f"content_families {sorted(content - families)} are not families of any role")
        forbidden = []
        for number, entry in enumerate(data.get("forbidden_cups") or [], start=1):
            if not isinstance(entry, Mapping) or set(entry) != {"left", "right"}:
                raise ConfigError(f"forbidden_cups entry {number}: expected {{left: [roles], right: [roles]}}, got {entry!r}")
            pair = tuple(_strings(entry[side], f"forbidden_cups entry {number}, {side}") for side in ("left", "right"))
            if not (pair[0] | pair[1]) <= set(roles):
                raise ConfigError(f"forbidden_cups entry {number} names unknown role(s) {sorted((pair[0] | pair[1]) - set(roles))}")
            forbidden.append(pair)
        costs = data.get("costs") or {}
        defaults = {"family": 0.25, "lexicon": 0.5, "class_switch": 1.0, "unattested": 1.0,
                    "tagger_scale": 4.0, "tagger_floor": 0.25, "target_switch": 0.4, "unlinked_cup": 0.05}
        unknown = set(costs) - set(defaults)
        if unknown:
            raise ConfigError(f"unknown cost(s) {sorted(unknown)}; known: {', '.join(defaults)}")
        values = {key: float(costs.get(key, default)) for key, default in defaults.items()}
        lexical = data.get("lexical_classes") or {}
        if not isinstance(lexical, Mapping) or not set(lexical) <= families:
            raise ConfigError(f"lexical_classes must map role families to lemma-index parts of speech, got {lexical!r}")
        tags = data.get("tag_classes") or {}
        if not isinstance(tags, Mapping) or not set(tags) <= families:
            raise ConfigError(f"tag_classes must map role families to lists of tags, got {tags!r}")
        if any(value <= 0 for value in values.values()):
            raise ConfigError(f"costs must be positive, got {values}")
        return Grammar(
            roles=roles,
            rules=rules,
            lexicon=lexicon,
            content_families=content,
            object_deps=_strings(data.get("object_deps", ["dobj"]), "object_deps"),
            sentence_roots=_strings(data.get("sentence_roots", ["VERB", "AUX"]), "sentence_roots"),
            forbidden_cups=tuple(forbidden),
            lexical_classes={str(k): str(v) for k, v in lexical.items()},
            tag_classes={str(k): _strings(v, f"tag_classes, {k}") for k, v in tags.items()},
            family_cost=values["family"],
            lexicon_cost=values["lexicon"],
            class_cost=values["class_switch"],
            unattested_cost=values["unattested"],
            tagger_scale=values["tagger_scale"],
            tagger_floor=values["tagger_floor"],
            target_cost=values["target_switch"],
            unlinked_cost=values["unlinked_cup"],
            source=source,
        )
    except ConfigError as err:
        raise ConfigError(f"grammar {source}: {err}") from None
    except (TypeError, ValueError) as err:
        raise ConfigError(f"grammar {source}: malformed entry ({err}); see grammars/english.yaml") from err


def load_grammar(path: str | Path | None = None) -> Grammar:
    """Read and validate a grammar file (the shipped English one by default).

    Raises
    ------
    ConfigError
        If the file is missing, is not YAML, or does not validate.
    """
    path = Path(path) if path is not None else DEFAULT_GRAMMAR
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(f"grammar file {str(path)!r} does not exist; pass the path of a grammar YAML file") from err
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"cannot read grammar file {str(path)!r}: {err}") from err
    grammar = grammar_from_dict(data, source=str(path))
    logger.debug("loaded grammar %s: %d roles, %d rules", path, len(grammar.roles), len(grammar.rules))
    return grammar
