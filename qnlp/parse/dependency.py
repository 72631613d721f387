"""A pregroup reading read off spaCy's dependency tree, in linear time.

Why: the exact chart (:mod:`qnlp.parse.chart`) finds the cheapest reading
by the grammar's roles, but on long real sentences (reviews, news) its
search can take seconds, and some sentences have no reading by the roles at
all. Every dependency tree that is projective gives a pregroup reading
directly, so this route always answers, in time linear in the sentence.

How a tree becomes types. Each word's subtree reduces to its *output type*
``T`` (the sentence ``s`` at a verbal root, else ``n``, or the target asked
for). A head takes its dependents one at a time, closest first, growing its
phrase outwards; the phrase's free wires spell ``Q`` (the head's output plus
the adjoints of the arguments still to come):

- an **argument** (subject, object, complement: :data:`ARGUMENT_DEPS`)
  reduces to one atom ``x`` (``s`` when it is a clause or a verb, else
  ``n``); the head's own type holds ``x.r`` for it on the left (``x.l``
  on the right), so the two meet in a cup;
- a **modifier** (determiner, adjective, adverb, preposition, auxiliary,
  relative clause, conjunct, ...) is a function on the phrase: its output
  is ``Q Q.l`` on the left of the head, ``Q.r Q`` on the right, so "the"
  is ``n n.l``, "quickly" before a verb ``n.r s s.l n`` and after it
  ``s.r s``, "in" after a verb ``s.r s n.l``: the grammar file's types.
  A modifier whose ``Q`` is longer than :data:`MAX_MODIFIER_WIRES` is taken
  as an argument instead, so no type grows with the sentence.

Arguments are taken before modifiers where planarity allows, so that a
modifier sees the smallest ``Q``. Cups only join a dependent's phrase with
the head's, and a projective subtree is contiguous, so all cups are planar.
Arcs that cross (spaCy's parser can make them) are lifted to the head's
head until they do not; words whose head is punctuation, and the roots of
later sentences, hang from the first sentence's root. Each such change is
recorded.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lambeq.backend.grammar import Ty

from qnlp.parse.reduce import SimpleType

__all__ = ["ARGUMENT_DEPS", "CLAUSAL_DEPS", "MAX_MODIFIER_WIRES", "Tree", "tree_of", "read_tree", "as_type"]

#: Dependency labels (spaCy's English scheme) whose dependent the head takes as an argument.
ARGUMENT_DEPS = frozenset({
    "nsubj", "nsubjpass", "csubj", "csubjpass", "expl", "dobj", "obj", "iobj", "dative",
    "attr", "oprd", "pobj", "pcomp", "ccomp", "xcomp", "acomp",
})
#: Argument labels that are clauses: their atom is ``s`` whatever the dependent's tag.
CLAUSAL_DEPS = frozenset({"csubj", "csubjpass", "ccomp", "xcomp", "pcomp"})
#: Parts of speech of an argument that reduces to ``s`` rather than ``n``.
VERBAL_POS = frozenset({"VERB", "AUX"})
#: The longest phrase type a modifier may act on (``n.r s`` before a verb); longer: an argument.
MAX_MODIFIER_WIRES = 2


@dataclass(frozen=True)
class Tree:
    """A projective dependency tree over the kept words.

    Attributes
    ----------
    heads : tuple of int
        ``heads[i]`` is word ``i``'s head (``-1`` for the root).
    deps : tuple of str
        Each word's dependency label (``"ROOT"`` for the root).
    root : int
        The root word.
    notes : tuple of str
        What was changed from spaCy's tree to make it one projective tree.
    sentences : int
        How many sentences spaCy found (later ones hang from the first root).
    """

    heads: tuple[int, ...]
    deps: tuple[str, ...]
    root: int
    notes: tuple[str, ...] = ()
    sentences: int = 1


def tree_of(tokens: Sequence[Any], names: Sequence[str]) -> Tree:
    """One projective tree over ``tokens`` (spaCy tokens of one doc, punctuation dropped).

    A word whose head was dropped takes the nearest kept ancestor; the first
    root found is the root, and every other root (another sentence, or a word
    under punctuation at the top) becomes its dependent (``parataxis``).
    Crossing arcs are lifted to the head's head until none crosses.
    """
    where = {token.i: index for index, token in enumerate(tokens)}
    heads, deps, notes = [], [], []
    for token in tokens:
        head, dep = token.head, token.dep_
        while head.i != head.head.i and head.i not in where:  # climb over dropped tokens
            head = head.head
        heads.append(where.get(head.i, -1) if head.i != token.i else -1)
        deps.append(dep)
    _predicates_head_copulas(tokens, heads, deps)
    roots = [i for i, h in enumerate(heads) if h == -1]
    root = min(roots, key=lambda i: (tokens[i].sent.start, tokens[i].dep_ != "ROOT", i))
    sentences = len({tokens[i].sent.start for i in roots})
    for i in roots:
        if i != root:
            heads[i], deps[i] = root, "parataxis"
            if tokens[i].head.i == tokens[i].i:
                notes.append(f"sentence of {names[i]!r} joined to the first sentence's root {names[root]!r}")
            else:
                notes.append(f"{names[i]!r} (under punctuation) attached to the root {names[root]!r}")
    deps[root] = "ROOT"
    _projectivise(heads, deps, names, notes)
    return Tree(tuple(heads), tuple(deps), root, tuple(notes), max(sentences, 1))


def _predicates_head_copulas(tokens: Sequence[Any], heads: list[int], deps: list[str]) -> None:
    """Make an adjective predicate the head of its copula (in place).

    spaCy hangs "happy" in "Alice is happy" from "is" (``acomp``). With the
    predicate as head and the copula as its modifier (``cop``), the reading
    gives "happy" the grammar file's ``n.r s`` and "is" its ``n.r s s.l n``.
    """
    for p, dep in enumerate(deps):
        c = heads[p]
        if dep != "acomp" or c == -1 or tokens[c].lemma_.lower() != "be":
            continue
        for x, h in enumerate(heads):
            if h == c and x != p:
                heads[x] = p
        heads[p], deps[p] = heads[c], deps[c]
        heads[c], deps[c] = p, "cop"


def _projectivise(heads: list[int], deps: list[str], names: Sequence[str], notes: list[str]) -> None:
    """Lift crossing arcs to the head's head until every arc is projective (in place).

    An arc ``d -> h`` is projective when every word between them descends
    from ``h``. Arcs to the root always are, so lifting ends.
    """
    size = len(heads)

    def descends(word: int, ancestor: int) -> bool:
        for _ in range(size + 1):
            if word == ancestor:
                return True
            if word == -1:
                return False
            word = heads[word]
        return False

    changed = True
    while changed:
        changed = False
        for d in range(size):
            h = heads[d]
            if h == -1:
                continue
            low, high = min(d, h), max(d, h)
            if all(descends(k, h) for k in range(low + 1, high)):
                continue
            heads[d] = heads[h]
            notes.append(f"{names[d]!r} lifted from head {names[h]!r} to {names[heads[d]]!r} (crossing arc)")
            changed = True


def _adjoint(types: Sequence[SimpleType], side: int) -> list[SimpleType]:
    """``types.l`` (side -1) or ``types.r`` (side 1): reversed, each adjoint order shifted."""
    return [(atom, z + side) for atom, z in reversed(types)]


def read_tree(tree: Tree, pos: Sequence[str], target: str) -> tuple[list[list[SimpleType]], list[tuple[int, int]], list[str]]:
    """The types, cups and roles of the reading of ``tree``; the root reduces to ``target``.

    Returns
    -------
    types : list of list of (atom, z)
        Each word's pregroup type.
    cups : list of (int, int)
        Positions in the types laid end to end (as :func:`~qnlp.parse.reduce.build_diagram` takes them).
    roles : list of str
        ``"argument:<dep>"``, ``"modifier:<dep>"`` or ``"root"`` for each word.

    >>> tree = Tree(heads=(1, -1, 1), deps=("nsubj", "ROOT", "dobj"), root=1)
    >>> types, cups, roles = read_tree(tree, ["PROPN", "VERB", "PROPN"], "s")
    >>> types, cups
    ([[('n', 0)], [('n', 1), ('s', 0), ('n', -1)], [('n', 0)]], [(0, 1), (3, 4)])
    """
    size = len(tree.heads)
    children: list[list[int]] = [[] for _ in range(size)]
    for d, h in enumerate(tree.heads):
        if h != -1:
            children[h].append(d)

    def atom(d: int) -> str:
        return "s" if tree.deps[d] in CLAUSAL_DEPS or pos[d] in VERBAL_POS else "n"

    types: list[list[SimpleType]] = [[] for _ in range(size)]
    lead = [0] * size          # how many argument adjoints precede each word's output block
    roles = ["root"] * size
    plans: dict[int, list[_Step]] = {}
    # Types top-down: a modifier's output is its head's phrase type.
    output: dict[int, list[SimpleType]] = {tree.root: [(target, 0)]}
    order, stack = [], [tree.root]
    while stack:
        h = stack.pop()
        order.append(h)
        left = sorted((d for d in children[h] if d < h), reverse=True)   # closest first
        right = sorted(d for d in children[h] if d > h)                  # closest first
        plans[h], left_adj, right_adj = _plan(left, right, tree.deps, output[h], atom)
        types[h] = left_adj + output[h] + right_adj
        lead[h] = len(left_adj)
        for d, kind, typ in plans[h]:
            roles[d] = f"{kind}:{tree.deps[d]}"
            output[d] = typ
            stack.append(d)
    # Cups bottom-up: a dependent's phrase is complete before its head takes it.
    # A wire is (word, offset from the start of the word's output block).
    wire_cups: list[tuple[tuple[int, int], tuple[int, int]]] = []
    final: dict[int, list[tuple[int, int]]] = {}
    for h in reversed(order):
        phrase = [(h, o - lead[h]) for o in range(len(types[h]))]
        for d, kind, typ in plans[h]:
            done, k = final.pop(d), len(typ) // 2
            if kind == "argument":
                wire_cups.append((done[0], phrase.pop(0)) if d < h else (phrase.pop(), done[0]))
            elif d < h:   # Q Q.l: its last k wires meet the phrase, its first k carry it on
                wire_cups.extend((done[2 * k - 1 - j], phrase[j]) for j in range(k))
                phrase = done[:k]
            else:         # Q.r Q: its first k wires meet the phrase, its last k carry it on
                wire_cups.extend((phrase[k - 1 - j], done[j]) for j in range(k))
                phrase = done[k:]
        final[h] = phrase
    starts, total = [], 0
    for typ in types:
        starts.append(total)
        total += len(typ)

    def position(wire: tuple[int, int]) -> int:
        return starts[wire[0]] + lead[wire[0]] + wire[1]

    cups = sorted((min(position(a), position(b)), max(position(a), position(b))) for a, b in wire_cups)
    return types, cups, roles


_Step = tuple[int, str, list[SimpleType]]


def _plan(left: list[int], right: list[int], deps: Sequence[str], out: list[SimpleType],
          atom: Any) -> tuple[list[_Step], list[SimpleType], list[SimpleType]]:
    """The order in which a head takes its dependents, and the type each gets.

    Arguments go first where planarity allows (each side closest first), so
    that modifiers act on the smallest phrase; a modifier facing a phrase
    longer than :data:`MAX_MODIFIER_WIRES` is turned into an argument and the
    plan is made again (each pass turns one more, so this ends).

    Returns the steps ``(dependent, "argument" | "modifier", its output type)``
    and the head's left and right argument adjoints.
    """
    arguments = {d for d in left + right if deps[d] in ARGUMENT_DEPS}
    while True:
        # the head's adjoints: left ones closest first, right ones farthest first
        left_adj = [(atom(d), 1) for d in left if d in arguments]
        right_adj = [(atom(d), -1) for d in reversed(right) if d in arguments]
        pending_left, pending_right = len(left_adj), len(right_adj)
        steps: list[_Step] = []
        li = ri = 0
        too_long = None
        while li < len(left) or ri < len(right):
            l_arg = li < len(left) and left[li] in arguments
            r_arg = ri < len(right) and right[ri] in arguments
            if l_arg or (not r_arg and li < len(left) and (ri == len(right) or _blocks(left, li, arguments)
                                                           and not _blocks(right, ri, arguments))):
                d, li, side = left[li], li + 1, -1
            else:
                d, ri, side = right[ri], ri + 1, 1
            if d in arguments:
                steps.append((d, "argument", [(atom(d), 0)]))
                if side < 0:
                    pending_left -= 1
                else:
                    pending_right -= 1
                continue
            phrase = left_adj[len(left_adj) - pending_left:] + out + right_adj[:pending_right]
            if len(phrase) > MAX_MODIFIER_WIRES:
                too_long = d
                break
            typ = phrase + _adjoint(phrase, -1) if side < 0 else _adjoint(phrase, 1) + phrase
            steps.append((d, "modifier", typ))
        if too_long is None:
            return steps, left_adj, right_adj
        arguments.add(too_long)


def _blocks(side: list[int], start: int, arguments: set[int]) -> bool:
    """Whether an argument waits behind the next dependent on this side."""
    return any(d in arguments for d in side[start:])


@functools.lru_cache(maxsize=4096)
def as_type(simple: tuple[SimpleType, ...]) -> Ty:
    """A lambeq type from ``(atom, z)`` pairs (cached: few types recur in a corpus).

    >>> as_type((("n", 1), ("s", 0), ("n", -1)))
    Ty(n).r @ Ty(s) @ Ty(n).l
    """
    out = Ty()
    for atom, z in simple:
        one = Ty(atom)
        for _ in range(abs(z)):
            one = one.l if z < 0 else one.r
        out = out @ one
    return out
