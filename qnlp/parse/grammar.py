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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from lambeq.backend.grammar import Ty

from qnlp.errors import ConfigError
from qnlp.parse.roles import Candidate, Offer, Role, Rule, TokenFeatures, parse_type

__all__ = [
    "DEFAULT_GRAMMAR",
    "TokenFeatures",
    "Role",
    "Rule",
    "Offer",
    "Candidate",
    "Grammar",
    "parse_type",
    "grammar_from_dict",
    "load_grammar",
]

logger = logging.getLogger(__name__)

DEFAULT_GRAMMAR = Path(__file__).resolve().parents[2] / "grammars" / "english.yaml"
"""The English grammar shipped with qnlp (``grammars/english.yaml``)."""

_STRING_KEYS = ("pos", "tag", "dep", "lower", "lemma", "head_pos", "head_dep", "head_lemma", "side",
                "position", "final_punct", "leading", "next_lower")
_RULE_KEYS = {"role", "children", "without", "attested", "objects", "min_objects", *_STRING_KEYS}


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
    cue_cost: float = 1.0
    switchable_families: frozenset[str] = frozenset()
    sentence_punct: frozenset[str] = frozenset()
    offers: tuple[Offer, ...] = ()
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
            The spaCy role at cost 0, then same-family roles, lexicon entries,
            matching ``offers`` and (for content words) other content classes at ``class_cost``,
            softened when the tagger nearly chose that class. A word of a
            ``switchable_families`` role (a preposition such as "like") may
            also take the roles of the classes it is attested in (as may a
            content word: "hard" attested as an adverb).
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
            content = family in self.content_families
            switchable = content or family in self.switchable_families
            for other in self.roles.values():
                if other.family == family:
                    offer(other.name, self.family_cost)
                elif content and other.family in self.content_families:
                    offer(other.name, self.class_cost * self._softening(gaps.get(other.family)))
                elif switchable and self.lexical_classes.get(other.family) in token.attested:
                    offer(other.name, self.class_cost * self._softening(gaps.get(other.family)))
        for name in self.lexicon.get(token.lower, ()):
            offer(name, self.lexicon_cost)
        for extra in self.offers:
            if extra.when.matches(token):
                for name in extra.roles:
                    offer(name, extra.cost)
        if token.attested:
            for name in costs:
                family = self.roles[name].family
                pos = self.lexical_classes.get(family)
                if pos is not None and family in self.content_families and pos not in token.attested:
                    costs[name] += self.unattested_cost
        order = {name: rank for rank, name in enumerate(self.roles)}
        found: dict[Ty, Candidate] = {}
        for name, cost in sorted(costs.items(), key=lambda item: (item[1], order[item[0]])):
            ty = self.roles[name].type
            if ty not in found:
                found[ty] = Candidate(cost, len(found), name, ty)
        return list(found.values())


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


def _passes(value: Any, size: int, name: Any) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """Validate a role's ``passes: {offset: [offsets]}``."""
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise ConfigError(f"role {name!r}: passes must map a wire offset to a list of offsets, got {value!r}")
    out = []
    for key, targets in value.items():
        offsets = (key, *(targets if isinstance(targets, list) else [targets]))
        if not all(isinstance(o, int) and not isinstance(o, bool) and 0 <= o < size for o in offsets):
            raise ConfigError(f"role {name!r}: passes {key!r}: {targets!r} names a wire outside its type (0..{size - 1})")
        out.append((key, tuple(offsets[1:])))
    return tuple(sorted(out))


def _offer(entry: Any, number: int, roles: Mapping[str, Role]) -> Offer:
    where = f"offer {number}"
    if not isinstance(entry, Mapping) or "roles" not in entry or "cost" not in entry:
        raise ConfigError(f"{where}: expected a mapping with 'roles', 'cost' and conditions, got {entry!r}")
    names = sorted(_strings(entry["roles"], f"{where}, roles"))
    cost = entry["cost"]
    if not isinstance(cost, (int, float)) or isinstance(cost, bool) or cost < 0:
        raise ConfigError(f"{where}: cost must be a non-negative number, got {cost!r}")
    conditions = {key: value for key, value in entry.items() if key not in ("roles", "cost")}
    when = _rule({"role": names[0], **conditions}, number, roles, where)
    unknown = set(names) - set(roles)
    if unknown:
        raise ConfigError(f"{where}: unknown role(s) {sorted(unknown)}; declare them under 'roles'")
    return Offer(tuple(name for name in roles if name in names), float(cost), when)


def _rule(entry: Any, number: int, roles: Mapping[str, Role], where: str | None = None) -> Rule:
    where = where or f"rule {number}"
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
        without=_strings(entry["without"], f"{where}, without") if "without" in entry else frozenset(),
        attested=_strings(entry["attested"], f"{where}, attested") if "attested" in entry else frozenset(),
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
            ty = parse_type(spec["type"], atoms)
            roles[str(name)] = Role(str(name), ty, str(spec.get("family", name)), _passes(spec.get("passes"), len(ty), name))
        raw_rules = data.get("rules")
        if not isinstance(raw_rules, list) or not raw_rules:
            raise ConfigError("'rules' must be a non-empty list")
        rules = tuple(_rule(entry, number, roles) for number, entry in enumerate(raw_rules, start=1))
        offers = tuple(_offer(entry, number, roles) for number, entry in enumerate(data.get("offers") or [], start=1))
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
                    "tagger_scale": 4.0, "tagger_floor": 0.25, "target_switch": 0.4, "unlinked_cup": 0.05,
                    "sentence_cue": 1.0}
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
        switchable = _strings(data.get("switchable_families", []) or [""], "switchable_families") - {""}
        if not switchable <= families:
            raise ConfigError(f"switchable_families {sorted(switchable - families)} are not families of any role")
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
            cue_cost=values["sentence_cue"],
            switchable_families=switchable,
            offers=offers,
            sentence_punct=_strings(data.get("sentence_punct", ["?", "!"]), "sentence_punct"),
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
