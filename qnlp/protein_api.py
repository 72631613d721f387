"""ProteinClassifier: protein sequences read as sentences, classified by the
RNN- or CNN-like quantum networks of :mod:`qnlp.functor.protein`.

Why a simulator here: a protein of 500 residues is a circuit on about 500
qubits. The generic batched contraction of :mod:`qnlp.backends.exact` is
exact for it but searches a contraction path per shape and steps through
thousands of small einsums. The circuits of this module have a fixed layout,
a chain or a tree of small boxes whose dropped qubits are never touched
again, so :class:`TransferNetwork` contracts the same doubled network in the
order of that layout: every word state becomes its Pauli vector, every
combining box its real Pauli transfer map (dropped qubits traced out or
post-selected), and a window is a chain of matrix products (RNN) or a tree of
bilinear maps (CNN), batched over windows. Cost and memory are linear in the
length; gradients come from autograd; results equal :class:`ExactBackend`
on the flat circuits (a test checks it).
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from qnlp.backends import class_probabilities, qubits_for_classes
from qnlp.backends.exact import gate_tensor
from qnlp.errors import ConfigError, DataError, SequenceError
from qnlp.estimator import CircuitClassifier
from qnlp.functor.circuit import Gate
from qnlp.functor.protein import PAD, ProteinAnsatz
from qnlp.parse.proteins import UNKNOWN, ProteinGrammar, ProteinReader, load_protein_grammar
from qnlp.train import Objective
from qnlp.train.gradients import ParameterShift

__all__ = ["ProteinClassifier", "TransferNetwork", "SequenceWindows", "pool_symbols"]

logger = logging.getLogger(__name__)

_DTYPE = torch.complex128
# Windows evaluated at once without gradients (bounds memory, not results).
_CHUNK = 8192
_PAULI = [np.eye(2), np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.diag([1.0, -1.0])]


def _paulis(n: int) -> torch.Tensor:
    """All ``4**n`` Pauli strings on ``n`` qubits, (4**n, 2**n, 2**n), qubit 0 first."""
    mats = [np.array([[1.0]])]
    for _ in range(n):
        mats = [np.kron(m, p) for m in mats for p in _PAULI]
    return torch.tensor(np.array(mats), dtype=_DTYPE)


def _zero_vector(n: int) -> torch.Tensor:
    """Pauli vector ``Tr(P |0..0><0..0|)`` of ``n`` qubits in ``|0>``: 1 on {I, Z} strings."""
    return torch.tensor([float(all(c in (0, 3) for c in combo)) for combo in itertools.product(range(4), repeat=n)], dtype=torch.float64)


def _unitaries(gates: Sequence[Gate], n: int, angles: torch.Tensor) -> torch.Tensor:
    """Batched unitaries of one gate template, (N, 2**n, 2**n); ``angles`` is
    (N, number of parametrised gates) in half-turns."""
    batch = angles.shape[0]
    dim = 2**n
    state = torch.eye(dim, dtype=_DTYPE).expand(batch, dim, dim).reshape((batch,) + (2,) * n + (dim,))
    letters = "abcdefghijkl"[:n]
    column = 0
    for gate in gates:
        if gate.phase is not None:
            matrix = gate_tensor(gate.name, angles[:, column])
            column += 1
        else:
            matrix = torch.as_tensor(gate.matrix, dtype=_DTYPE).expand(batch, -1, -1)
        k = len(gate.qubits)
        outs = "".join("ABCDEF"[i] for i in range(k))
        ins = "".join(letters[q] for q in gate.qubits)
        result = "".join(outs[gate.qubits.index(i)] if i in gate.qubits else letters[i] for i in range(n))
        state = torch.einsum(f"z{outs}{ins},z{letters}y->z{result}y", matrix.reshape((batch,) + (2,) * (2 * k)), state)
    return state.reshape(batch, dim, dim)


class TransferNetwork:
    """Exact, batched, differentiable evaluation of protein circuits.

    Parameters
    ----------
    ansatz : ProteinAnsatz
        The functor whose circuits are evaluated.
    architecture : str
        ``"rnn"`` or ``"cnn"``.
    vocabulary : sequence of str
        The tokens; a window is given as indices into it (``PAD`` may be one).
    boxes : sequence of str
        Names of the combining boxes.
    symbols : sequence of str
        The order of the parameter vector.
    """

    def __init__(self, ansatz: ProteinAnsatz, architecture: str, vocabulary: Sequence[str], boxes: Sequence[str], symbols: Sequence[str]) -> None:
        ansatz.validate()
        self.ansatz, self.architecture = ansatz, architecture
        self.vocabulary, self.boxes = list(vocabulary), list(boxes)
        index = {s: i for i, s in enumerate(symbols)}
        self.kind = "cell" if architecture == "rnn" else "merge"
        self.kept, self.dropped = ansatz.box_width(self.kind)
        self.words = [t for t in self.vocabulary if t != PAD]
        self.word_template = ansatz.word_gates("_")
        self.box_template = ansatz.box_gates("_", self.kind)

        def columns(gates_of: Any, names: list[str]) -> torch.Tensor:
            rows = [[index[g.phase.terms[0][0]] for g in gates_of(name) if g.phase is not None] for name in names]
            return torch.tensor(rows, dtype=torch.long).reshape(len(names), -1)

        self.word_columns = columns(ansatz.word_gates, self.words)
        self.box_columns = columns(lambda name: ansatz.box_gates(name, self.kind), self.boxes)
        # every word (every box) has its template's symbol coefficients
        self.word_scale = torch.tensor([[g.phase.terms[0][1] for g in self.word_template if g.phase is not None]], dtype=torch.float64)
        self.box_scale = torch.tensor([[g.phase.terms[0][1] for g in self.box_template if g.phase is not None]], dtype=torch.float64)
        w, n = ansatz.word_qubits, self.kept + self.dropped
        self.word_paulis = _paulis(w)
        self.box_paulis_t = _paulis(n).transpose(-1, -2).reshape(4**n, -1)
        kept_paulis = _paulis(self.kept)
        if ansatz.combine == "discard":
            effect = torch.eye(2**self.dropped, dtype=_DTYPE)
        else:
            effect = torch.zeros(2**self.dropped, 2**self.dropped, dtype=_DTYPE)
            effect[0, 0] = 1
        self.effects = torch.stack([torch.kron(p, effect) for p in kept_paulis])  # (4**kept, D, D)
        self.start = _zero_vector(ansatz.state_qubits)
        self.pad = _zero_vector(w)
        # readout: p(k) = 2**-o * sum over {I,Z}^o strings Q of (-1)^(k.Q) v[Q x I..I]
        o, m = ansatz.output_qubits, self.kept
        read = torch.zeros(2**o, 4**m, dtype=torch.float64)
        for k in range(2**o):
            for zs in itertools.product((0, 1), repeat=o):
                col = sum((3 if z else 0) * 4 ** (m - 1 - q) for q, z in enumerate(zs))
                sign = (-1) ** sum(z and (k >> (o - 1 - q)) & 1 for q, z in enumerate(zs))
                read[k, col] = sign / 2**o
        self.read = read

    def maps(self, theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Word Pauli vectors (len(vocabulary), 4**w) and box transfer maps
        (len(boxes), 4**kept, 4**(kept + dropped)) at parameters ``theta``."""
        w = self.ansatz.word_qubits
        word_vectors = torch.zeros(0, 4**w, dtype=torch.float64)
        if self.words:
            psi = _unitaries(self.word_template, w, theta[self.word_columns] * self.word_scale)[:, :, 0]
            outer = (psi.conj()[:, :, None] * psi[:, None, :]).reshape(len(self.words), -1)  # conj(psi_i) psi_j
            word_vectors = (outer @ self.word_paulis.reshape(4**w, -1).T).real
        rows = iter(word_vectors)
        vectors = torch.stack([self.pad if token == PAD else next(rows) for token in self.vocabulary])
        n = self.kept + self.dropped
        unitary = _unitaries(self.box_template, n, theta[self.box_columns] * self.box_scale)
        heisenberg = unitary.conj().transpose(-1, -2)[:, None] @ self.effects[None] @ unitary[:, None]
        maps = (heisenberg.reshape(len(self.boxes), 4**self.kept, -1) @ self.box_paulis_t.T).real / 2**n
        return vectors, maps

    def probabilities(self, theta: torch.Tensor, tokens: torch.Tensor, lengths: torch.Tensor, steps: Sequence[Sequence[int]]) -> torch.Tensor:
        """Unnormalised output probabilities (B, 2**output_qubits) of windows.

        Parameters
        ----------
        theta : Tensor (n_symbols,)
        tokens : LongTensor (B, L)
            Token indices, padded on the right beyond each length.
        lengths : LongTensor (B,)
            True lengths.
        steps : per position (RNN) or per level (CNN), the box index of every window, (steps, B)
        """
        vectors, maps = self.maps(theta.to(torch.float64))
        if len(tokens) == 0:
            return torch.zeros(0, 2**self.ansatz.output_qubits, dtype=torch.float64)
        # buckets of similar length, each cut to its own longest window
        order = torch.argsort(lengths, stable=True)
        out = torch.zeros(len(tokens), 2**self.ansatz.output_qubits, dtype=torch.float64)
        parts = []
        for rows in order.split(_CHUNK):
            longest = int(lengths[rows].max())
            n_steps = longest if self.architecture == "rnn" else (math.ceil(math.log2(longest)) if longest > 1 else 0)
            parts.append(self._forward(vectors, maps, tokens[rows, :longest], lengths[rows], [steps[i][rows] for i in range(n_steps)]))
        return out.index_put((order,), torch.cat(parts))

    def _forward(self, vectors: torch.Tensor, maps: torch.Tensor, tokens: torch.Tensor, lengths: torch.Tensor, steps: list[torch.Tensor]) -> torch.Tensor:
        batch, length = tokens.shape
        if self.architecture == "rnn":
            state = self.start.expand(batch, -1)
            ragged = bool((lengths < length).any())
            absorbed = None  # per (box, word): the step's map on the state alone, for steps whose box differs by row
            for k in range(length):
                box = steps[k]
                if bool((box == box[0]).all()):
                    word = vectors[tokens[:, k]]
                    new = (state[:, :, None] * word[:, None, :]).reshape(batch, -1) @ maps[box[0]].T
                else:
                    if absorbed is None:
                        size = state.shape[1]
                        absorbed = torch.einsum("bisw,vw->bvis", maps.reshape(len(maps), size, size, -1), vectors)
                    new = torch.bmm(absorbed[box, tokens[:, k]], state[:, :, None])[:, :, 0]
                state = torch.where((k < lengths)[:, None], new, state) if ragged else new
        else:
            state = vectors[tokens]  # (B, L, 4**w)
            present = torch.arange(length)[None, :] < lengths[:, None]
            level = 0
            while state.shape[1] > 1:
                if state.shape[1] % 2:
                    state = torch.cat([state, state[:, -1:]], 1)
                    present = torch.cat([present, torch.zeros_like(present[:, -1:])], 1)
                left, right = state[:, 0::2], state[:, 1::2]
                joint = (left[..., :, None] * right[..., None, :]).reshape(batch, left.shape[1], -1)
                box = steps[level]
                merged = joint @ maps[box[0]].T if bool((box == box[0]).all()) else torch.einsum("bpj,bij->bpi", joint, maps[box])
                state = torch.where(present[:, 1::2, None], merged, left)
                present = present[:, 0::2]
                level += 1
            state = state[:, 0]
        return state @ self.read.T


@dataclasses.dataclass(frozen=True)
class SequenceWindows:
    """The circuits of one sequence, kept compact: its windows as tokens and
    the combining box names of each. Window ``i``'s circuit is
    ``ansatz(reader.diagram(windows[i]))``; all windows of the classifier
    share one layout, so :class:`TransferNetwork` evaluates them together."""

    seq_id: str
    windows: tuple[tuple[str, ...], ...]
    boxes: tuple[tuple[str, ...], ...]
    symbols: tuple[str, ...]


def _grammar_from_dict(data: dict[str, Any]) -> ProteinGrammar:
    """The grammar saved as JSON (lists) back as a frozen ProteinGrammar."""
    data = dict(data)
    data["nonstandard"] = tuple(tuple(pair) for pair in data["nonstandard"])
    data["reduced_alphabets"] = tuple((name, tuple(tuple(c) for c in classes)) for name, classes in data["reduced_alphabets"])
    return ProteinGrammar(**data)


def _pool(probs: torch.Tensor, owner: torch.Tensor, n_rows: int, how: str, extra: torch.Tensor | None = None) -> torch.Tensor:
    """Window class probabilities (W, C) -> one row per sequence (n_rows, C).

    ``mean``: their mean (a random window, measured). ``geometric``: their
    renormalised geometric mean (a product of experts). ``attention``: a mean
    weighted by ``softmax`` over the sequence's windows of the score
    ``sum_k a_k log p_k`` (learned ``pool__attend_k``; for two classes it is
    a signed temperature on the window's log-odds, so that the windows most
    sure of one class, such as a transmembrane helix, can decide), then
    learned class log-biases ``pool__bias_k`` (k >= 1), renormalised.
    ``extra`` holds the learned values, in the order of :func:`pool_symbols`.
    """
    dtype, n_classes = probs.dtype, probs.shape[1]
    counts = torch.zeros(n_rows, dtype=dtype).index_add(0, owner, torch.ones_like(owner, dtype=dtype))[:, None]
    if how == "mean":
        return torch.zeros(n_rows, n_classes, dtype=dtype).index_add(0, owner, probs) / counts
    logs = torch.log(probs.clamp_min(1e-12))
    if how == "geometric":
        return torch.softmax(torch.zeros(n_rows, n_classes, dtype=dtype).index_add(0, owner, logs) / counts, dim=1)
    assert extra is not None
    score = logs @ extra[:n_classes]
    top = torch.full((n_rows,), -math.inf, dtype=dtype).scatter_reduce(0, owner, score, "amax")
    weight = torch.exp(score - top[owner])
    total = torch.zeros(n_rows, dtype=dtype).index_add(0, owner, weight)
    pooled = torch.zeros(n_rows, n_classes, dtype=dtype).index_add(0, owner, weight[:, None] * probs) / total[:, None]
    bias = torch.cat([torch.zeros(1, dtype=dtype), extra[n_classes:]])
    return torch.softmax(torch.log(pooled.clamp_min(1e-12)) + bias, dim=1)


def pool_symbols(pool: str, n_classes: int) -> tuple[str, ...]:
    """The learned (classical) parameters of a pooling rule: none for mean
    and geometric, ``2 * n_classes - 1`` for attention."""
    if pool != "attention":
        return ()
    return tuple(f"pool__attend_{k}" for k in range(n_classes)) + tuple(f"pool__bias_{k}" for k in range(1, n_classes))


class ProteinClassifier(CircuitClassifier):
    """Classify protein sequences with RNN- or CNN-like quantum tensor networks.

    A sequence is read by :class:`qnlp.parse.proteins.ProteinReader` (tokens
    and length policy from a grammar file), every window becomes a circuit
    through :class:`qnlp.functor.protein.ProteinAnsatz`, and the class
    probabilities of a sequence pool those of its windows.

    Parameters
    ----------
    architecture, sharing, segments :
        ``"rnn"`` or ``"cnn"``; ``"uniform"`` or ``"hierarchical"``; position
        segments of hierarchical RNN sharing (see :class:`ProteinReader`).
    grammar : str or None
        Path of a protein grammar file (default ``grammars/proteins.yaml``).
    tokens, reduced_alphabet, length, window, stride, max_windows :
        Override the grammar's options of the same names (``None`` keeps them).
    word_qubits, state_qubits, word_layers, box_layers, box, combine, word_scale :
        The functor (see :class:`ProteinAnsatz`).
    pool : str
        How window class probabilities make a sequence's: ``"mean"``,
        ``"geometric"``, or ``"attention"`` (windows weighted by a learned
        score of their class probabilities, then learned class biases:
        2 * classes - 1 classical parameters). See :func:`_pool`.
    simulator : str
        ``"transfer"`` (:class:`TransferNetwork`: exact, linear in length,
        autograd or SPSA) or ``"circuits"`` (every window laid out as a flat
        :class:`ParamCircuit` and run on ``backend``: the exact tensor
        network or shots, as hardware would; for short windows).
    backend, shots, compilation, gradient :
        How ``"circuits"`` are run, compiled and differentiated, as for
        :class:`qnlp.SentenceClassifier`; ``"transfer"`` needs the exact
        backend and autograd or SPSA.
    epochs, batch_size, learning_rate, patience, seed, verbose :
        Training settings (see :class:`qnlp.train.Trainer`); ``batch_size``
        counts sequences.

    The unknown residue ``X`` (where the grammar's policy sends B, Z and X)
    always has parameters: learned when training data holds it, else left at
    their random start, so that a sequence with an ``X`` is still read.

    Inputs are sequences (str) or ``(id, sequence)`` pairs; ids name the
    sequence in errors.

    >>> clf = ProteinClassifier(architecture="cnn", epochs=5)
    >>> clf.architecture, clf.sharing
    ('cnn', 'uniform')
    """

    learned_state = ("grammar_", "vocabulary_", "output_qubits_")
    input_name = "sequence"

    def __init__(
        self,
        architecture: str = "rnn",
        sharing: str = "uniform",
        segments: int = 4,
        grammar: str | None = None,
        tokens: str | None = None,
        reduced_alphabet: str | None = None,
        length: str | None = None,
        window: int | None = None,
        stride: int | None = None,
        max_windows: int | None = None,
        word_qubits: int = 1,
        state_qubits: int = 2,
        word_layers: int = 1,
        box_layers: int = 1,
        box: str = "swap",
        combine: str = "discard",
        word_scale: float = 0.1,
        pool: str = "attention",
        simulator: str = "transfer",
        backend: Any = "exact",
        shots: int = 1024,
        compilation: str | None = None,
        gradient: str = "autograd",
        epochs: int = 20,
        batch_size: int = 32,
        learning_rate: float = 0.05,
        patience: int | None = None,
        seed: int | None = None,
        verbose: bool = False,
    ) -> None:
        self.architecture = architecture
        self.sharing = sharing
        self.segments = segments
        self.grammar = grammar
        self.tokens = tokens
        self.reduced_alphabet = reduced_alphabet
        self.length = length
        self.window = window
        self.stride = stride
        self.max_windows = max_windows
        self.word_qubits = word_qubits
        self.state_qubits = state_qubits
        self.word_layers = word_layers
        self.box_layers = box_layers
        self.box = box
        self.combine = combine
        self.word_scale = word_scale
        self.pool = pool
        self.simulator = simulator
        self.backend = backend
        self.shots = shots
        self.compilation = compilation
        self.gradient = gradient
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.patience = patience
        self.seed = seed
        self.verbose = verbose

    # -- pipeline -----------------------------------------------------------

    def reader(self) -> ProteinReader:
        """The reader of this classifier (its fitted grammar once fitted)."""
        if hasattr(self, "grammar_"):
            grammar = _grammar_from_dict(self.grammar_)
        else:
            overrides = {k: getattr(self, k) for k in ("tokens", "reduced_alphabet", "length", "window", "stride", "max_windows")}
            grammar = load_protein_grammar(self.grammar).replace(**overrides)
        return ProteinReader(grammar, self.architecture, self.sharing, self.segments)

    def ansatz(self) -> ProteinAnsatz:
        """The functor of this classifier (output qubits for its classes once fitted)."""
        out = getattr(self, "output_qubits_", 1)
        return ProteinAnsatz(self.word_qubits, self.state_qubits, out, self.word_layers, self.box_layers, self.box, self.combine, self.word_scale)

    def _start_fit(self, X: Sequence[Any], y: list[Any]) -> None:
        if self.pool not in ("mean", "geometric", "attention"):
            raise ConfigError(f"pool {self.pool!r} must be 'mean', 'geometric' or 'attention'")
        if self.simulator not in ("transfer", "circuits"):
            raise ConfigError(f"simulator {self.simulator!r} must be 'transfer' or 'circuits'")
        if self.simulator == "transfer" and (self.backend != "exact" or self.gradient == "parameter-shift"):
            raise ConfigError(
                f"simulator='transfer' is exact and differentiates with autograd (or SPSA); for backend={self.backend!r} "
                f"and gradient={self.gradient!r} use simulator='circuits'"
            )
        self.grammar_ = dataclasses.asdict(self.reader().grammar)
        self.output_qubits_ = qubits_for_classes(len(self.classes_))
        ansatz = self.ansatz()
        ansatz.validate()
        kept = ansatz.box_width("cell" if self.architecture == "rnn" else "merge")[0]
        if self.output_qubits_ > kept:
            raise ConfigError(f"{len(self.classes_)} classes need {self.output_qubits_} output qubits but the read wire has {kept}; raise state_qubits (rnn) or word_qubits (cnn)")

    def _circuits(self, X: Sequence[Any]) -> list[SequenceWindows]:  # type: ignore[override]
        """Per sequence its windows (compact circuits); during fit the token
        vocabulary is learned, afterwards unseen tokens are refused."""
        reader, ansatz = self.reader(), self.ansatz()
        kind = "cell" if self.architecture == "rnn" else "merge"
        fitted = hasattr(self, "symbols_")
        known = set(self.vocabulary_) | {PAD} if fitted else set()
        cache: dict[tuple[str, bool], tuple[str, ...]] = {}

        def symbols(name: str, word: bool) -> tuple[str, ...]:
            if (name, word) not in cache:
                gates = ansatz.word_gates(name) if word else ansatz.box_gates(name, kind)
                cache[name, word] = tuple(g.phase.terms[0][0] for g in gates if g.phase is not None)
            return cache[name, word]

        out = []
        for i, item in enumerate(X):
            seq_id, sequence = (str(item[0]), item[1]) if isinstance(item, tuple) else (f"#{i}", item)
            windows = reader.windows(sequence, seq_id)
            words = {t for w in windows for t in w}
            if fitted and not words <= known:
                raise SequenceError(
                    f"sequence {seq_id}: token(s) {sorted(words - known)} never occurred in training, so they have no "
                    "parameters; map them in the grammar's nonstandard policy or train on data that contains them"
                )
            boxes = tuple(reader.structure(len(w)) for w in windows)
            names = {b for bs in boxes for b in bs}
            used = {s for t in words for s in symbols(t, True)} | {s for b in names for s in symbols(b, False)}
            used |= set(pool_symbols(self.pool, len(self.classes_)))
            if not fitted:  # the unknown residue always has parameters, so that a later X is readable
                used |= set(symbols(UNKNOWN, True))
            out.append(SequenceWindows(seq_id, windows, boxes, tuple(sorted(used))))
        if not fitted:
            self.vocabulary_ = sorted({t for c in out for w in c.windows for t in w} - {PAD} | {UNKNOWN})
        else:
            missing = sorted({s for c in out for s in c.symbols} - set(self.symbols_))
            if missing:
                raise ConfigError(
                    f"parameters {missing[:5]} were never trained (a sequence longer than any in training needs "
                    "new hierarchical boxes); use length windows or truncate, or uniform sharing"
                )
        return out

    def _window_evaluator(self, windows: list[tuple[str, ...]], boxes: list[tuple[str, ...]]) -> Any:
        """``f(theta, rows) -> (len(rows), 2**output_qubits)`` unnormalised
        output probabilities of the given windows."""
        if self.simulator == "circuits":
            reader, ansatz = self.reader(), self.ansatz()
            batch = self._backend().prepare(self._compiled([ansatz(reader.diagram(w)) for w in windows]), self.symbols_)
            shift = self.gradient == "parameter-shift"

            def run(theta: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
                if shift and torch.is_grad_enabled() and theta.requires_grad:
                    return ParameterShift.apply(theta, batch, rows)
                return batch.probabilities(theta, rows)

            return run
        vocabulary = sorted(set(self.vocabulary_) | {PAD})
        index = {t: i for i, t in enumerate(vocabulary)}
        names = sorted({b for bs in boxes for b in bs})
        box_index = {b: i for i, b in enumerate(names)}
        longest = max(len(w) for w in windows)
        tokens = torch.zeros(len(windows), longest, dtype=torch.long)
        steps = torch.zeros(max((len(b) for b in boxes), default=0), len(windows), dtype=torch.long)
        for row, (window, names_) in enumerate(zip(windows, boxes)):
            tokens[row, : len(window)] = torch.tensor([index[t] for t in window])
            steps[: len(names_), row] = torch.tensor([box_index[b] for b in names_], dtype=torch.long)
        lengths = torch.tensor([len(w) for w in windows], dtype=torch.long)
        network = TransferNetwork(self.ansatz(), self.architecture, vocabulary, names, self.symbols_)
        return lambda theta, rows: network.probabilities(theta, tokens[rows], lengths[rows], steps[:, rows])

    def _objective(self, circuits: list[SequenceWindows], labels: Sequence[Any] | None) -> Objective:  # type: ignore[override]
        """Window circuits evaluated together, pooled per sequence; rows are sequences."""
        counts = torch.tensor([len(c.windows) for c in circuits], dtype=torch.long)
        starts = torch.cumsum(counts, 0) - counts
        n_classes = len(self.classes_)
        evaluate = self._window_evaluator([w for c in circuits for w in c.windows], [b for c in circuits for b in c.boxes])
        extra = torch.tensor([self.symbols_.index(s) for s in pool_symbols(self.pool, n_classes)], dtype=torch.long)

        def predict(theta: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
            ranges = [torch.arange(int(starts[r]), int(starts[r] + counts[r])) for r in rows.tolist()]
            picked = torch.cat(ranges) if ranges else torch.zeros(0, dtype=torch.long)
            local = torch.repeat_interleave(torch.arange(len(rows)), counts[rows])
            probs = class_probabilities(evaluate(theta, picked), n_classes)
            return _pool(probs, local, len(rows), self.pool, theta[extra])

        index = {c: i for i, c in enumerate(self.classes_)}
        if labels is None:
            targets = torch.zeros(len(circuits), dtype=torch.long)
        else:
            labels = [v.item() if isinstance(v, np.generic) else v for v in labels]
            unknown = sorted({repr(v) for v in labels if v not in index})
            if unknown:
                raise DataError(f"labels {unknown} were not among the training classes {self.classes_}")
            targets = torch.tensor([index[v] for v in labels], dtype=torch.long)
        return Objective(predict, targets)
