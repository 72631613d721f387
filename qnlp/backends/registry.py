"""Backends by name, as configs and the API give them.

- ``"exact"``: noise-free simulation in torch (:class:`ExactBackend`);
- ``"aer"``: noiseless shots on qiskit-aer;
- ``"aer:FakeManilaV2"`` (any ``qiskit_ibm_runtime.fake_provider`` device):
  shots with that device's noise model, offline;
- ``"ibm:<device>"``: IBM Quantum hardware (needs saved credentials);
- any ``pytket.backends.Backend`` object (IBMQBackend, QuantinuumBackend, ...).
"""

from __future__ import annotations

from typing import Any

from qnlp.backends.exact import ExactBackend
from qnlp.backends.shots import ShotBackend
from qnlp.errors import ConfigError

__all__ = ["make_backend", "BACKEND_NAMES"]

BACKEND_NAMES = ("exact", "aer", "aer:<FakeDevice>", "ibm:<device>")


def _aer(noise: str | None) -> Any:
    try:
        from pytket.extensions.qiskit import AerBackend
    except ImportError as err:
        raise ConfigError("the 'aer' backend needs qiskit-aer and pytket-qiskit: pip install qiskit-aer pytket-qiskit") from err
    if noise is None:
        return _single_threaded(AerBackend())
    from qiskit_aer.noise import NoiseModel
    from qiskit_ibm_runtime import fake_provider

    device = getattr(fake_provider, noise, None)
    if device is None or not noise.startswith("Fake"):
        known = sorted(n for n in dir(fake_provider) if n.startswith("Fake") and n.endswith("V2") and "Provider" not in n)
        raise ConfigError(f"unknown fake device {noise!r}; choose one of {', '.join(known)}")
    return _single_threaded(AerBackend(noise_model=NoiseModel.from_backend(device())))


def _single_threaded(backend: Any) -> Any:
    """QNLP circuits are small and many: Aer's default threading per circuit
    costs far more than it gains (measured 24 ms against 1.3 ms per circuit on
    2 busy cores), so one thread per simulation."""
    simulator = getattr(backend, "_qiskit_backend", None)
    if simulator is not None and hasattr(simulator, "set_options"):
        simulator.set_options(max_parallel_threads=1)
    return backend


def _ibm(device: str) -> Any:
    from pytket.extensions.qiskit import IBMQBackend

    try:
        return IBMQBackend(device)
    except Exception as err:  # no account, no network, unknown device
        raise ConfigError(
            f"cannot open IBM Quantum device {device!r}: {err}. Save your credentials once with "
            "qiskit_ibm_runtime.QiskitRuntimeService.save_account(channel='ibm_quantum_platform', token=...) "
            "or use an offline backend: 'aer' or 'aer:FakeManilaV2'"
        ) from err


def make_backend(spec: Any = "exact", shots: int = 1024, seed: int | None = None) -> ExactBackend | ShotBackend:
    """The backend a name (or a pytket backend object) stands for.

    Raises
    ------
    ConfigError
        For an unknown name or device, a missing extra, or missing
        credentials; the message says what to install or configure.
    """
    if isinstance(spec, (ExactBackend, ShotBackend)):
        return spec
    if not isinstance(spec, str):
        if hasattr(spec, "process_circuits"):
            return ShotBackend(spec, shots=shots, seed=seed)
        raise ConfigError(f"backend {spec!r} is neither a name ({', '.join(BACKEND_NAMES)}) nor a pytket Backend")
    kind, _, detail = spec.partition(":")
    if kind == "exact" and not detail:
        return ExactBackend()
    if kind == "aer":
        return ShotBackend(_aer(detail or None), shots=shots, seed=seed)
    if kind == "ibm" and detail:
        return ShotBackend(_ibm(detail), shots=shots, seed=seed)
    raise ConfigError(f"unknown backend {spec!r}; use one of {', '.join(BACKEND_NAMES)} or pass a pytket Backend")
