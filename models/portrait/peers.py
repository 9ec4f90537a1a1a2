"""Where an enterprise stands among its peers: same industry, region and size.

Peers are the enterprises the bank has scored in batch with the same model, placed by
the public registration fields the platform publishes. A peer group that is too small
says little and would let a bank read one neighbour's standing, so the comparison
widens, dropping size, then region, until at least ``min_peers`` peers remain; the
portrait says which group it used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

INDUSTRY, REGION, SIZE = "reg_industry", "reg_region", "reg_size"
SEGMENT = (INDUSTRY, REGION, SIZE)
WIDENING = (SEGMENT, (INDUSTRY, REGION), (INDUSTRY,), ())
MIN_PEERS = 30


@dataclass(frozen=True)
class PeerStanding:
    """``lower_risk_than`` is the percentage of peers with a higher probability of default
    (ties count half): 90 means the enterprise is safer than nine peers in ten."""

    segment: dict[str, str]
    peers: int
    lower_risk_than: float

    def to_dict(self) -> dict[str, object]:
        return {"segment": self.segment, "peers": self.peers, "lower_risk_than": round(self.lower_risk_than, 1)}


def peer_standing(probability: float, attributes: Mapping[str, str], population: pd.DataFrame,
                  min_peers: int = MIN_PEERS) -> PeerStanding | None:
    """The standing of ``probability`` among ``population`` (columns ``probability`` and the
    segment fields), in the narrowest segment with enough peers; None if even all of the
    population is smaller than ``min_peers``."""
    missing = [column for column in ("probability", *SEGMENT) if column not in population.columns]
    if missing:
        raise KeyError(f"the peer population lacks columns {missing}")
    for fields in WIDENING:
        if any(field not in attributes for field in fields):
            continue
        mask = np.ones(len(population), dtype=bool)
        for field in fields:
            mask &= (population[field] == attributes[field]).to_numpy()
        peers = population["probability"].to_numpy()[mask]
        if len(peers) >= min_peers:
            riskier = float((peers > probability).mean() + 0.5 * (peers == probability).mean())
            return PeerStanding({field: str(attributes[field]) for field in fields}, len(peers), 100 * riskier)
    return None
