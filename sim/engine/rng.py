"""Named random streams: one independent generator per source of randomness.

Streams are spawned from the run seed with ``numpy.random.SeedSequence`` and
keyed by a stable name (e.g. ``"arrivals.hap_call"``, ``"desk.hap_triage"``),
so that two scenarios run with the same seed share the random numbers of every
source they have in common (common random numbers), however the model code
changes elsewhere.
"""

from __future__ import annotations

import hashlib

import numpy as np

from sim.config.schema import Dist

BLOCK = 2048


def _name_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")


class Streams:
    """Factory of named, independent generators for one replication."""

    def __init__(self, seed: int, replication: int) -> None:
        self._root = (seed, replication)
        self.names: list[str] = []  # every name asked for, in order (the docs list the model's streams)

    def generator(self, name: str) -> np.random.Generator:
        """The generator for one named source; same name + seed + replication = same numbers."""
        self.names.append(name)
        seq = np.random.SeedSequence(entropy=self._root[0], spawn_key=(self._root[1], _name_key(name)))
        return np.random.Generator(np.random.PCG64(seq))

    def sampler(self, name: str, dist: Dist) -> Sampler:
        return Sampler(self.generator(name), dist)

    def uniform(self, name: str) -> Uniform:
        return Uniform(self.generator(name))


class Draws:
    """Buffered draws from one stream: ``d()`` is the next one.

    Scalar numpy calls are slow, so draws come in blocks of :data:`BLOCK`, drawn when the previous
    block is used up; a draw is an index into a list (compiled, a call into C without a Python frame).
    A subclass says how a block is drawn.
    """

    __slots__ = ("_rng", "_block", "_next")

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._block: list[float] = []
        self._next = 0

    def _draw(self) -> list[float]:
        raise NotImplementedError

    def __call__(self) -> float:
        i = self._next
        if i == len(self._block):
            self._block = self._draw()
            i = 0
        self._next = i + 1
        return self._block[i]


class Uniform(Draws):
    """U(0,1) draws from one stream: ``u()`` is the next draw."""

    __slots__ = ()

    def _draw(self) -> list[float]:
        return self._rng.random(BLOCK).tolist()


def _draw_block(rng: np.random.Generator, dist: Dist, n: int) -> np.ndarray:
    if dist.dist == "fixed" or dist.mean == 0:
        return np.full(n, dist.mean)
    if dist.dist == "exponential":
        return rng.exponential(dist.mean, n)
    if dist.dist in ("lognormal", "gamma") and dist.cv is None:
        raise ValueError(f"a {dist.dist} distribution needs 'cv'")  # the schema refuses it before
    cv = dist.cv or 0.0
    if dist.dist == "lognormal":
        sigma2 = np.log1p(cv**2)
        mu = np.log(dist.mean) - sigma2 / 2
        return rng.lognormal(mu, np.sqrt(sigma2), n)
    if dist.dist == "gamma":
        shape = 1.0 / cv**2
        return rng.gamma(shape, dist.mean / shape, n)
    raise ValueError(f"unknown distribution {dist.dist}")


class Sampler(Draws):
    """Draws of one duration distribution from its own stream: ``draw()`` is the next one; ``mean`` is its mean."""

    __slots__ = ("_dist", "mean")

    def __init__(self, rng: np.random.Generator, dist: Dist) -> None:
        super().__init__(rng)
        self._dist = dist
        self.mean: float = dist.mean

    def _draw(self) -> list[float]:
        return _draw_block(self._rng, self._dist, BLOCK).tolist()


def residual_stays(rng: np.random.Generator, dist: Dist, n: int) -> np.ndarray:
    """Remaining stays of ``n`` occupants found in a pool at a random moment.

    In equilibrium an occupant's total stay is length-biased (density L f(L) / E[L])
    and the time left is a uniform fraction of it; this draws from that law by
    resampling a large sample in proportion to length.
    """
    if n == 0:
        return np.empty(0)
    sample = _draw_block(rng, dist, max(20 * n, 20_000))
    if sample.sum() <= 0:
        return np.zeros(n)
    picked = rng.choice(sample, size=n, p=sample / sample.sum())
    return picked * rng.random(n)


def cumulative(mix: dict[str, float]) -> tuple[list[float], list[str]]:
    """Cumulative shares and labels of a mix, for :class:`sim.chain.context.Chooser`."""
    labels = list(mix)
    cum = np.cumsum([mix[k] for k in labels]).tolist()
    cum[-1] = 1.0
    return cum, labels
