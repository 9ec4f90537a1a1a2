"""SecureBoost must score like LightGBM on the joined table with the same hyper-parameters."""

import lightgbm as lgb
from sklearn.metrics import roc_auc_score

from models.secureboost import SecureBoostClassifier

# FATE's default_credit setting.
FATE = dict(n_estimators=30, max_depth=3, learning_rate=0.3, max_bin=32, random_state=0)


def joint_auc(data, model):
    model.fit(data.bank.iloc[data.train], data.y[data.train], data.platform.iloc[data.train])
    scores = model.decision_function(data.bank.iloc[data.test], data.platform.iloc[data.test])
    return roc_auc_score(data.y[data.test], scores)


def lightgbm_auc(data, model, table):
    reference = lgb.LGBMClassifier(**model.lightgbm_params()).fit(
        table.iloc[data.train], data.y[data.train]
    )
    return roc_auc_score(data.y[data.test], reference.predict_proba(table.iloc[data.test])[:, 1])


def test_default_credit_matches_lightgbm_on_the_joined_table(default_credit):
    model = SecureBoostClassifier(**FATE)
    ours = joint_auc(default_credit, model)
    assert abs(ours - lightgbm_auc(default_credit, model, default_credit.joined())) <= 0.002


def test_default_credit_joint_model_beats_the_bank_alone(default_credit):
    model = SecureBoostClassifier(**FATE)
    ours = joint_auc(default_credit, model)
    bank_only = lightgbm_auc(default_credit, model, default_credit.bank)
    assert ours - bank_only >= 0.04


def test_synthetic_matches_lightgbm_on_the_joined_table(synthetic):
    model = SecureBoostClassifier(**FATE)
    ours = joint_auc(synthetic, model)
    assert abs(ours - lightgbm_auc(synthetic, model, synthetic.joined())) <= 0.002
