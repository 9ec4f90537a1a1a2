import json
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from federation.data import generate, load_table
from federation.data.synthetic import GROUPS
from federation.data.synthetic.events import EVENT_RATES
from federation.data.synthetic.platform import HOME_DIVISIONS


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("small"), enterprises=2_000, banks=3, seed=11)


@pytest.fixture(scope="module")
def medium(tmp_path_factory):
    """Large enough for rates and AUCs to be stable, small enough to stay fast."""
    return generate(tmp_path_factory.mktemp("medium"), enterprises=30_000, banks=2, seed=5)


@pytest.fixture(scope="module")
def medium_tables(medium):
    platform = load_table(medium.platform, medium.platform_schema, role="platform")
    banks = {b.name: load_table(b.data, b.schema, role="bank") for b in medium.banks}
    return platform, banks


def test_same_seed_gives_byte_identical_files(small, tmp_path):
    again = generate(tmp_path, enterprises=2_000, banks=3, seed=11)
    assert [p.name for p in again.files] == [p.name for p in small.files]
    for first, second in zip(small.files, again.files):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_another_seed_gives_other_data(small, tmp_path):
    other = generate(tmp_path, enterprises=2_000, banks=3, seed=12)
    assert other.platform.read_bytes() != small.platform.read_bytes()


def test_every_party_file_loads(small):
    platform = load_table(small.platform, small.platform_schema, role="platform")
    assert len(platform) == 2_000
    for bank in small.banks:
        assert len(load_table(bank.data, bank.schema, role="bank")) == bank.customers


def test_platform_schema_declares_the_categorical_columns(small):
    schema = load_table(small.platform, small.platform_schema, role="platform").schema
    categorical = [c for c, kind in schema.features.items() if kind == "categorical"]
    assert categorical == ["reg_industry", "reg_region", "reg_size", "tax_grade"]


def test_every_platform_column_belongs_to_one_of_14_categories(small):
    groups = yaml.safe_load(small.platform_groups.read_text(encoding="utf-8"))
    platform = pd.read_parquet(small.platform)
    assert list(groups) == [c for c in platform.columns if c != "uscc"]
    assert {g["category"] for g in groups.values()} == {key for key, _ in GROUPS.values()}
    assert len(GROUPS) == 14


def test_region_is_the_division_inside_the_uscc(small):
    platform = pd.read_parquet(small.platform)
    names = {code: name for code, (name, _) in HOME_DIVISIONS.items()}
    assert (platform["uscc"].str[2:8].map(names) == platform["reg_region"]).all()


def test_bank_shares_of_the_platform_are_a_few_to_twenty_percent(medium, medium_tables):
    platform, banks = medium_tables
    for table in banks.values():
        share = np.isin(table.ids, platform.ids).sum() / len(platform)
        assert 0.03 <= share <= 0.20


def test_three_to_five_percent_of_bank_customers_are_not_on_the_platform(medium_tables):
    platform, banks = medium_tables
    for table in banks.values():
        off = 1 - np.isin(table.ids, platform.ids).mean()
        assert 0.025 <= off <= 0.055


def test_banks_share_customers(medium, medium_tables):
    _, banks = medium_tables
    shared = np.intersect1d(banks["bank_a"].ids, banks["bank_b"].ids).size
    assert shared > 0
    assert medium.shared_customers == {"bank_a&bank_b": shared}


def test_summary_overlap_matches_the_files(medium, medium_tables):
    platform, banks = medium_tables
    for bank in medium.banks:
        assert bank.on_platform == np.isin(banks[bank.name].ids, platform.ids).sum()
        assert bank.defaults == banks[bank.name].labels.sum()


def test_some_bank_ids_are_messy_but_load_clean(medium, medium_tables):
    _, banks = medium_tables
    raw = pd.read_parquet(medium.banks[0].data)["uscc"]
    assert (raw != raw.str.strip().str.upper()).any()
    truth = pd.read_parquet(medium.truth).query("bank == 'bank_a'")["uscc"]
    np.testing.assert_array_equal(banks["bank_a"].ids, truth.to_numpy())


def test_default_rates_are_between_five_and_twelve_percent(medium_tables):
    _, banks = medium_tables
    for table in banks.values():
        assert 0.05 <= table.labels.mean() <= 0.12


def test_truth_probabilities_follow_the_logit(medium):
    truth = pd.read_parquet(medium.truth)
    np.testing.assert_allclose(truth["default_prob"], expit(truth["true_logit"]))
    assert len(truth) == sum(b.customers for b in medium.banks)


def design(table):
    """A plain logistic-regression design: log-scaled numbers, NaN flags, dummies."""
    numeric = table.features.select_dtypes("number")
    scaled = np.sign(numeric) * np.log1p(numeric.abs())
    missing = numeric.isna().astype(float).add_suffix("_missing")
    dummies = pd.get_dummies(table.features.select_dtypes("category"), dummy_na=True, dtype=float)
    frame = pd.concat([scaled.fillna(0.0), missing, dummies], axis=1)
    frame.index = table.ids
    return frame


def test_joint_features_predict_default_better_than_either_party(medium_tables):
    platform, banks = medium_tables
    bank = banks["bank_a"]
    common = bank.ids[np.isin(bank.ids, platform.ids)]
    labels = pd.Series(bank.labels, index=bank.ids)[common].to_numpy()
    public, private = design(platform).loc[common], design(bank).loc[common]
    train, test = train_test_split(
        np.arange(common.size), test_size=0.5, random_state=0, stratify=labels
    )

    def auc(frame):
        x = frame.to_numpy()
        model = LogisticRegression(max_iter=2_000, C=0.5).fit(x[train], labels[train])
        return roc_auc_score(labels[test], model.predict_proba(x[test])[:, 1])

    joint = auc(pd.concat([public, private], axis=1))
    assert joint > auc(public) + 0.02
    assert joint > auc(private) + 0.02


def test_utilities_and_housing_fund_are_missing_more_for_small_young_firms(small):
    platform = pd.read_parquet(small.platform)
    small_young = platform["reg_size"].isin(["micro"]) & (platform["reg_years"] < 3)
    established = platform["reg_size"].isin(["medium", "large"]) & (platform["reg_years"] >= 3)
    for column in ["util_water_avg_3m", "hf_contributors"]:
        missing = platform[column].isna()
        assert missing[small_young].mean() > missing[established].mean() + 0.2


def test_events_fall_in_the_window_and_concern_platform_enterprises(small):
    events = pd.read_parquet(small.events)
    platform = pd.read_parquet(small.platform)
    first, last = small.as_of + timedelta(days=1), small.as_of + timedelta(days=small.days)
    assert events["date"].between(first, last).all()
    assert set(events["event_type"]) <= set(EVENT_RATES)
    assert events["uscc"].isin(platform["uscc"]).all()
    assert all(isinstance(json.loads(d), dict) for d in events["details"])


def test_a_few_per_thousand_enterprises_have_an_event_each_day(medium):
    events = pd.read_parquet(medium.events)
    per_thousand_per_day = 1000 * len(events) / medium.enterprises / medium.days
    assert 1.0 <= per_thousand_per_day <= 10.0


def test_risky_enterprises_have_more_events(medium):
    events = pd.read_parquet(medium.events)
    truth = pd.read_parquet(medium.truth).drop_duplicates("uscc").set_index("uscc")
    with_events = truth.index.isin(events["uscc"])
    risk = truth["platform_logit"]
    assert risk[with_events].mean() > risk[~with_events].mean()


def test_summary_is_json_ready(small):
    data = json.loads(json.dumps(small.to_dict()))
    assert [b["name"] for b in data["banks"]] == ["bank_a", "bank_b", "bank_c"]


@pytest.mark.parametrize(
    ("enterprises", "banks", "days"), [(99, 2, 30), (1_000, 0, 30), (1_000, 27, 30), (1_000, 2, 0)]
)
def test_out_of_range_arguments_are_rejected(tmp_path, enterprises, banks, days):
    with pytest.raises(ValueError):
        generate(tmp_path, enterprises=enterprises, banks=banks, seed=0, days=days)
