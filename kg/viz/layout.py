"""A fast force-directed layout for large network pages.

vis.js physics does not settle beyond one or two thousand nodes, and networkx's spring layout
takes tens of seconds at five thousand. This is Fruchterman-Reingold with two shortcuts, in
numpy: repulsion is estimated from a random sample of other nodes at each step (scaled up to
the whole graph), and a weak pull to the centre keeps separate components on the page.
"""

from __future__ import annotations

import numpy as np


def fast_layout(
    n: int,
    edges: list[tuple[int, int]],
    *,
    iterations: int = 60,
    sample: int = 40,
    seed: int = 7,
    size: float = 1000.0,
) -> np.ndarray:
    """Positions (``n`` x 2, in a square of side about ``size``) for nodes ``0..n-1``.

    >>> pos = fast_layout(3, [(0, 1), (1, 2)])
    >>> pos.shape
    (3, 2)
    """
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-size / 2, size / 2, size=(n, 2))
    if n <= 1:
        return pos * 0
    k = size / np.sqrt(n)  # ideal edge length
    u = np.array([a for a, _ in edges], dtype=np.int64)
    v = np.array([b for _, b in edges], dtype=np.int64)
    m = min(sample, n - 1)
    temp = size / 10
    for _ in range(iterations):
        disp = np.zeros_like(pos)
        # repulsion from a random sample of nodes, scaled to all of them
        j = rng.integers(0, n, size=(n, m))
        d = pos[:, None, :] - pos[j]
        dist2 = (d * d).sum(-1) + 1e-2
        disp += (d / dist2[..., None]).sum(1) * (k * k) * ((n - 1) / m)
        # attraction along edges
        if u.size:
            e = pos[u] - pos[v]
            dist = np.sqrt((e * e).sum(-1)) + 1e-6
            f = e * (dist / k)[:, None]
            np.add.at(disp, u, -f)
            np.add.at(disp, v, f)
        # gravity keeps components on the page
        disp -= pos * 0.01 * np.sqrt(n)
        length = np.sqrt((disp * disp).sum(-1)) + 1e-9
        pos += disp / length[:, None] * np.minimum(length, temp)[:, None]
        temp *= 0.95
    pos -= pos.mean(0)
    span = np.abs(pos).max() or 1.0
    return pos * (size / 2 / span)
