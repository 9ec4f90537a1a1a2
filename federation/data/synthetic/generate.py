"""Write a complete synthetic federation to a directory.

One platform, ``banks`` banks, the ground truth behind the banks' labels and
a feed of events after the as-of date. Every party file comes with its schema
and loads with :func:`federation.data.load_table`. Output is byte-identical
for a given seed: each component draws from its own child seed, so the files
do not depend on anything but the arguments.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from scipy.special import expit

from federation.data.schema import Schema
from federation.data.synthetic import banks as bank_model
from federation.data.synthetic import platform as platform_model
from federation.data.synthetic.events import event_feed
from federation.data.synthetic.messiness import messy_ids
from federation.data.synthetic.truth import (
    IDIOSYNCRATIC_SD,
    bank_logit,
    intercept_for,
    platform_logit,
)

AS_OF = date(2026, 10, 1)
MIN_ENTERPRISES = 100
ID_COLUMN = "uscc"
LABEL_COLUMN = "default"


@dataclass(frozen=True)
class BankSummary:
    """One bank's files and figures; ``on_platform`` is its true overlap with the platform."""

    name: str
    data: Path
    schema: Path
    customers: int
    on_platform: int
    defaults: int

    @property
    def default_rate(self) -> float:
        return self.defaults / self.customers


@dataclass(frozen=True)
class SyntheticSummary:
    """What :func:`generate` wrote, with the figures tests and demos check against."""

    out_dir: Path
    seed: int
    enterprises: int
    days: int
    as_of: date
    platform: Path
    platform_schema: Path
    platform_groups: Path
    truth: Path
    events: Path
    event_count: int
    banks: tuple[BankSummary, ...]
    shared_customers: dict[str, int] = field(default_factory=dict)

    @property
    def files(self) -> list[Path]:
        party = [p for b in self.banks for p in (b.data, b.schema)]
        fixed = [self.platform, self.platform_schema, self.platform_groups, self.truth, self.events]
        return fixed + party

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (paths and dates as strings) for the CLI to print."""
        data = asdict(self)
        data["banks"] = [
            {**asdict(b), "default_rate": round(b.default_rate, 4)} for b in self.banks
        ]
        return _jsonable(data)


def generate(
    out_dir: str | Path,
    enterprises: int,
    banks: int,
    seed: int,
    days: int = 30,
    *,
    as_of: date = AS_OF,
) -> SyntheticSummary:
    """Generate the platform, ``banks`` banks, truth and events into ``out_dir``."""
    if enterprises < MIN_ENTERPRISES:
        raise ValueError(f"enterprises must be at least {MIN_ENTERPRISES}, got {enterprises}")
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    profiles = bank_model.bank_profiles(banks)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    world_seed, risk_seed, event_seed, *bank_seeds = np.random.SeedSequence(seed).spawn(
        3 + banks
    )
    world = platform_model.make_enterprises(
        np.random.default_rng(world_seed),
        enterprises,
        bank_model.elsewhere_needed(profiles, enterprises),
    )
    risk = _SharedRisk.sample(np.random.default_rng(risk_seed), world)
    written = [
        _write_bank(out, np.random.default_rng(s), world, profile, risk)
        for profile, s in zip(profiles, bank_seeds)
    ]
    platform = world.features.iloc[world.home].reset_index(drop=True)
    events = event_feed(
        np.random.default_rng(event_seed),
        world.uscc[world.home],
        risk.public[world.home] + risk.hidden[world.home],
        _eligibility(platform),
        as_of=as_of,
        days=days,
    )
    customers = {summary.name: ids for summary, _, ids in written}
    return SyntheticSummary(
        out_dir=out,
        seed=seed,
        enterprises=enterprises,
        days=days,
        as_of=as_of,
        platform=_write_parquet(
            pd.concat([pd.DataFrame({ID_COLUMN: world.uscc[world.home]}), platform], axis=1),
            out / "platform.parquet",
        ),
        platform_schema=_schema(platform, platform_model.CATEGORICAL).save(out / "platform.yaml"),
        platform_groups=_write_yaml(
            platform_model.column_groups(list(platform.columns)), out / "platform_groups.yaml"
        ),
        truth=_write_parquet(
            pd.concat([truth for _, truth, _ in written], ignore_index=True),
            out / "truth.parquet",
        ),
        events=_write_parquet(events, out / "events.parquet"),
        event_count=len(events),
        banks=tuple(summary for summary, _, _ in written),
        shared_customers={
            f"{a}&{b}": int(np.intersect1d(customers[a], customers[b]).size)
            for a, b in combinations(customers, 2)
        },
    )


@dataclass(frozen=True)
class _SharedRisk:
    """The parts of default risk that do not depend on which bank is asking.

    ``draw`` is one uniform per enterprise shared by all banks, so a firm that
    defaults at one bank is likely to default at the others too.
    """

    public: np.ndarray
    hidden: np.ndarray
    draw: np.ndarray

    @classmethod
    def sample(cls, rng: np.random.Generator, world: platform_model.Enterprises) -> _SharedRisk:
        n = world.uscc.size
        hidden = IDIOSYNCRATIC_SD * rng.standard_normal(n)
        return cls(platform_logit(world.features), hidden, rng.random(n))


def _write_bank(
    out: Path,
    rng: np.random.Generator,
    world: platform_model.Enterprises,
    profile: bank_model.BankProfile,
    risk: _SharedRisk,
) -> tuple[BankSummary, pd.DataFrame, np.ndarray]:
    """Write one bank's table and schema; return its summary, truth and customers."""
    customers = bank_model.select_customers(rng, world, profile)
    features = bank_model.bank_features(rng, world, customers, profile)
    private = bank_logit(features)
    base = risk.public[customers] + private + risk.hidden[customers]
    logit = base + intercept_for(base, profile.default_rate)
    probability = expit(logit)
    labels = _both_classes((risk.draw[customers] < probability).astype(np.int8), probability)
    table = pd.concat(
        [pd.DataFrame({ID_COLUMN: messy_ids(rng, world.uscc[customers])}), features], axis=1
    ).assign(**{LABEL_COLUMN: labels})
    summary = BankSummary(
        name=profile.name,
        data=_write_parquet(table, out / f"{profile.name}.parquet"),
        schema=_schema(features, bank_model.CATEGORICAL, label=LABEL_COLUMN).save(
            out / f"{profile.name}.yaml"
        ),
        customers=customers.size,
        on_platform=int((customers < world.n_home).sum()),
        defaults=int(labels.sum()),
    )
    truth = pd.DataFrame(
        {
            "bank": profile.name,
            ID_COLUMN: world.uscc[customers],
            "true_logit": logit,
            "default_prob": probability,
            "platform_logit": risk.public[customers],
            "bank_logit": private,
        }
    )
    return summary, truth, customers


def _both_classes(labels: np.ndarray, probability: np.ndarray) -> np.ndarray:
    """Make sure a tiny bank still has a default and a non-default.

    A one-class table is not a training set, and the loader rejects a label
    column without the positive value; at realistic sizes this never fires.
    """
    if not labels.any():
        labels[np.argmax(probability)] = 1
    if labels.all():
        labels[np.argmin(probability)] = 0
    return labels


def _eligibility(platform: pd.DataFrame) -> dict[str, np.ndarray]:
    """Which enterprises each event type can newly happen to."""
    utilities = platform.filter(regex=r"^util_.*_arrears_flag$").notna().any(axis=1)
    return {
        "tax_arrears": (platform["tax_arrears_flag"] == 0).to_numpy(),
        "social_insurance_stop": (
            (platform["si_insured_headcount"] > 0) & (platform["si_stopped_flag"] == 0)
        ).to_numpy(),
        "housing_fund_stop": (platform["hf_contributors"] > 0).to_numpy(),
        "utility_arrears": utilities.to_numpy(),
        "dishonesty_list": (platform["dishonest_flag"] == 0).to_numpy(),
    }


def _schema(
    features: pd.DataFrame, categorical: tuple[str, ...], label: str | None = None
) -> Schema:
    return Schema(
        id=ID_COLUMN,
        id_type="uscc",
        label=label,
        positive_label=1 if label is not None else None,
        features={c: "categorical" if c in categorical else "numeric" for c in features.columns},
    )


def _write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, compression="zstd")
    return path


def _write_yaml(data: object, path: Path) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _jsonable(value: object) -> object:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (Path, date)):
        return str(value)
    return value
