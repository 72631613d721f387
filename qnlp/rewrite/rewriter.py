"""One rewriter for every diagram rewrite: lambeq's rules, snake removal, UNK.

Why: lambeq splits rewriting between box rules (``lambeq.Rewriter``),
diagram rewriters (``RemoveCupsRewriter``) and methods (``normal_form``).
:class:`Rewriter` runs any sequence of them, named or given as objects, on
qnlp, lambeq or DisCoPy diagrams, and counts how often each rule fired.

>>> from lambeq.backend.grammar import Cup, Diagram, Ty, Word
>>> n, s = Ty("n"), Ty("s")
>>> words = [Word("the", n @ n.l), Word("cat", n), Word("sleeps", n.r @ s)]
>>> d = Diagram.create_pregroup_diagram(words, [(Cup, 1, 2), (Cup, 0, 3)])
>>> result = Rewriter(["determiner", "normal_form"]).apply(d)
>>> [box.name for box in result.diagram.boxes if box.name != "CUP"], result.counts
(['cat', 'sleeps'], (('determiner', 1),))
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lambeq.backend.grammar import Diagram
from lambeq.rewrite import RewriteRule
from lambeq.rewrite import Rewriter as LambeqRewriter

from qnlp.errors import ConfigError
from qnlp.parse.interop import to_lambeq
from qnlp.rewrite.rules import BOX_RULES, STEPS, box_rule

__all__ = ["Rewriter", "Rewritten", "DEFAULT_RULES"]

logger = logging.getLogger(__name__)

#: What ``Rewriter()`` runs: meaning-light words to wires, then snake removal.
DEFAULT_RULES = ("determiner", "auxiliary", "connector", "normal_form")

Step = Callable[[Diagram], Diagram]


@dataclass(frozen=True)
class Rewritten:
    """A rewritten diagram and how many boxes each box rule rewrote, by rule
    name (sorted; rules that never fired are left out)."""

    diagram: Diagram
    counts: tuple[tuple[str, int], ...]


class Rewriter:
    """Run rewrite rules and diagram steps, in order, on pregroup diagrams.

    Parameters
    ----------
    rules : sequence of str, lambeq ``RewriteRule`` or callable
        Each item is one of: a box-rule name (``"determiner"``,
        ``"auxiliary"``, ``"connector"``, ``"preadverb"``, ``"postadverb"``,
        ``"prepositional_phrase"``, ``"coordination"``,
        ``"object_rel_pronoun"``, ``"subject_rel_pronoun"``, ``"curry"``; see
        :data:`qnlp.rewrite.rules.BOX_RULES`), a step name (``"normal_form"``,
        ``"remove_snakes"``, ``"remove_cups"``, ``"remove_swaps"``), a lambeq
        ``RewriteRule`` object (such as :class:`qnlp.rewrite.UnknownWordRule`
        for unknown words), or a function from diagram to diagram.
        Consecutive box rules run together in one pass over the boxes (the
        first that matches a box wins); steps run on the whole diagram.
        Default: :data:`DEFAULT_RULES`.

    Raises
    ------
    ConfigError
        (when called) If a name is unknown, an item is of another kind, or
        a step fails on a diagram (lambeq's ``remove_cups`` does on some).
    """

    def __init__(self, rules: Sequence[str | RewriteRule | Step] | None = None) -> None:
        self.rules = rules

    @staticmethod
    def available_rules() -> list[str]:
        """The names a Rewriter accepts: box rules, then steps."""
        return [*BOX_RULES, *STEPS]

    def _plan(self) -> list[tuple[str, Any]]:
        """Group the items: ("box", [(name, rule), ...]) or ("step", (name, function))."""
        plan: list[tuple[str, Any]] = []
        for item in DEFAULT_RULES if self.rules is None else self.rules:
            if isinstance(item, str):
                if item in BOX_RULES:
                    entry: tuple[str, Any] = ("box", (item, box_rule(item)))
                elif item in STEPS:
                    entry = ("step", (item, STEPS[item]))
                else:
                    raise ConfigError(f"unknown rewrite rule {item!r}; choose from {self.available_rules()} "
                                      "or pass a lambeq RewriteRule or a function from diagram to diagram")
            elif isinstance(item, RewriteRule):
                name = getattr(item, "name", None) or type(item).__name__
                entry = ("box", (str(name), item))
            elif callable(item):
                entry = ("step", (getattr(item, "__name__", "step"), item))
            else:
                raise ConfigError(f"cannot use {item!r} as a rewrite rule; give a name, a lambeq RewriteRule or a function")
            if entry[0] == "box" and plan and plan[-1][0] == "box":
                plan[-1][1].append(entry[1])
            elif entry[0] == "box":
                plan.append(("box", [entry[1]]))
            else:
                plan.append(entry)
        return plan

    def apply(self, diagram: Any) -> Rewritten:
        """Rewrite one diagram (qnlp/lambeq or DisCoPy) and count the rewrites.

        Returns
        -------
        Rewritten
            A new lambeq diagram (the input is unchanged) and the counts.
        """
        current = to_lambeq(diagram)
        counts: Counter[str] = Counter()
        for kind, what in self._plan():
            if kind == "box":
                for box in current.boxes:  # count occurrences (lambeq's functor rewrites each distinct box once)
                    name = next((name for name, rule in what if rule.matches(box)), None)
                    if name is not None:
                        counts[name] += 1
                current = LambeqRewriter([rule for _, rule in what])(current)
            else:
                name, function = what
                try:
                    current = function(current)
                except (NotImplementedError, ValueError, AssertionError) as err:
                    # lambeq's normal form refuses disconnected diagrams; its
                    # cup remover fails on some layouts
                    raise ConfigError(f"rewrite step {name!r} failed on the diagram with boxes "
                                      f"{[b.name for b in current.boxes][:12]}: {err}; leave the step out "
                                      "or use 'normal_form' instead") from err
        return Rewritten(current, tuple(sorted(counts.items())))

    def __call__(self, diagram: Any) -> Diagram:
        """The rewritten diagram (see :meth:`apply`)."""
        return self.apply(diagram).diagram

    def rewrite_many(self, diagrams: Iterable[Any]) -> list[Diagram]:
        """:meth:`__call__` for each diagram."""
        return [self(d) for d in diagrams]
