"""ProteinClassifier: the estimator contract on a small synthetic task
(hydrophobic versus charged sequences), saving and loading, and errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qnlp import ConfigError, NotFittedError, SequenceError
from qnlp.protein_api import ProteinClassifier


def synthetic(n: int, seed: int) -> tuple[list[tuple[str, str]], list[str]]:
    """Membrane-like sequences hold a hydrophobic stretch; cytoplasm-like ones do not."""
    rng = np.random.default_rng(seed)
    X, y = [], []
    for i in range(n):
        label = "Membrane" if i % 2 else "Cytoplasm"
        letters = "AVLIFMGW" if label == "Membrane" else "DEKRSTNQG"
        seq = "".join(rng.choice(list(letters), int(rng.integers(12, 30))))
        X.append((f"P{seed}{i:03d}", seq))
        y.append(label)
    return X, y


@pytest.fixture(scope="module")
def data():
    return synthetic(40, 0), synthetic(20, 1)


@pytest.fixture(scope="module")
def fitted(data):
    (X, y), val = data
    return ProteinClassifier(window=8, stride=4, epochs=6, batch_size=8, learning_rate=0.1, seed=0).fit(X, y, validation=val)


def test_learns_the_synthetic_task(fitted, data):
    (_, _), (X_val, y_val) = data
    assert fitted.classes_ == ["Cytoplasm", "Membrane"]
    assert fitted.score(X_val, y_val) >= 0.9
    proba = fitted.predict_proba(X_val[:3])
    assert proba.shape == (3, 2)
    np.testing.assert_allclose(proba.sum(1), 1.0)


def test_save_load_round_trip(fitted, data, tmp_path):
    (_, _), (X_val, _) = data
    fitted.save(tmp_path / "model")
    config = json.loads((tmp_path / "model" / "config.json").read_text())
    assert config["format"] == "qnlp.ProteinClassifier"
    assert config["state"]["grammar_"]["window"] == 8
    loaded = ProteinClassifier.load(tmp_path / "model")
    np.testing.assert_array_equal(loaded.predict_proba(X_val), fitted.predict_proba(X_val))
    assert loaded.get_params() == fitted.get_params()
    assert not any(p.suffix == ".pkl" for p in (tmp_path / "model").iterdir())


def test_plain_strings_and_unfitted_twin(fitted):
    assert fitted.predict(["AVLIFMGWAVLI", "DEKRSTNQDEKR"]) == ["Membrane", "Cytoplasm"]
    twin = ProteinClassifier(**fitted.get_params())
    assert not hasattr(twin, "params_")
    with pytest.raises(NotFittedError, match="not fitted yet"):
        twin.predict(["MKV"])


def test_bad_and_unseen_residues_are_named(fitted):
    with pytest.raises(SequenceError, match="sequence Q9: cannot read '7' at position 3"):
        fitted.predict([("Q9", "AV7L")])
    with pytest.raises(SequenceError, match=r"sequence #0: token\(s\) \['C', 'H'\] never occurred in training"):
        fitted.predict(["CHAV"])
    # B, Z and X read as the unknown residue, which always has parameters
    assert "X" not in "".join(s for _, s in synthetic(40, 0)[0])  # never in training
    assert len(fitted.predict(["AVBZXL"])) == 1


def test_same_seed_same_model(data):
    (X, y), _ = data
    a = ProteinClassifier(architecture="cnn", window=8, word_qubits=2, epochs=1, seed=3).fit(X[:10], y[:10])
    b = ProteinClassifier(architecture="cnn", window=8, word_qubits=2, epochs=1, seed=3).fit(X[:10], y[:10])
    np.testing.assert_array_equal(a.params_, b.params_)


def test_circuits_simulator_agrees_with_transfer(data):
    (X, y), _ = data
    settings = dict(architecture="cnn", sharing="hierarchical", window=4, word_qubits=2, combine="postselect", epochs=1, seed=0)
    transfer = ProteinClassifier(**settings).fit(X[:6], y[:6])
    circuits = ProteinClassifier(**settings, simulator="circuits")
    for name in ("classes_", "symbols_", "params_", "grammar_", "vocabulary_", "output_qubits_"):
        setattr(circuits, name, getattr(transfer, name))
    np.testing.assert_allclose(circuits.predict_proba(X[:6]), transfer.predict_proba(X[:6]), atol=1e-12)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"pool": "max"}, "pool 'max' must be 'mean', 'geometric' or 'attention'"),
        ({"simulator": "dmrg"}, "simulator 'dmrg' must be"),
        ({"backend": "aer"}, "simulator='transfer' is exact"),
        ({"window": 0}, "window must be a positive integer"),
        ({"tokens": "codons"}, "tokens 'codons' is not one of"),
        ({"box": "mps"}, "unknown box ansatz 'mps'"),
    ],
)
def test_bad_settings_raise_config_error(data, settings, message):
    (X, y), _ = data
    with pytest.raises(ConfigError, match=message):
        ProteinClassifier(epochs=1, **settings).fit(X[:4], y[:4])
