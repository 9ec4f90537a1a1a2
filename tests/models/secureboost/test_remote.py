"""The platform's side of the training protocol refuses what it must not serve."""

import numpy as np
import pandas as pd
import pytest

from federation.crypto import get_backend
from models.secureboost.messages import Message, MessageFormatError
from models.secureboost.passive import LocalPassiveParty
from models.secureboost.remote import InProcessTransport, PlatformTrainer, RemotePlatform


@pytest.fixture(scope="module")
def keys():
    return get_backend("heu-ou").generate(2048)


@pytest.fixture()
def trainer():
    rng = np.random.default_rng(0)
    features = pd.DataFrame(rng.normal(size=(200, 3)), columns=["a", "b", "c"])
    return PlatformTrainer(LocalPassiveParty(features, np.arange(200)), get_backend("heu-ou"))


def test_an_unknown_request_is_refused(trainer):
    with pytest.raises(MessageFormatError, match="does not serve 'dump_features'"):
        trainer.handle(Message("dump_features").to_bytes())


def test_a_bank_using_another_scheme_is_refused(trainer, keys):
    public, _ = keys
    with pytest.raises(ValueError, match="'heu-zpaillier'.*'heu-ou'"):
        trainer.handle(Message("hello", {"scheme": "heu-zpaillier"}, (public.to_bytes(),)).to_bytes())


def test_a_split_on_a_feature_the_platform_lacks_is_refused(trainer, keys):
    _, secret = keys
    remote = RemotePlatform(InProcessTransport(trainer), secret)
    request = Message("apply_split", {"tree": 0, "node": 0, "rule": {"feature": 7, "threshold": 1}},
                      (np.packbits(np.ones(200, bool)).tobytes(),))
    with pytest.raises(MessageFormatError, match="feature 7"):
        trainer.handle(request.to_bytes())
    assert remote.layout.n_features == 3


def test_the_hello_reply_holds_the_layout_and_no_bin_edge(trainer, keys):
    public, _ = keys
    reply = Message.from_bytes(trainer.handle(
        Message("hello", {"scheme": "heu-ou"}, (public.to_bytes(),)).to_bytes()))
    assert set(reply.fields) == {"layout"}
    edges = {round(b, 6) for f in trainer.platform.model.binner.features for b in f.upper_bounds[:-1]}
    assert not {round(float(x), 6) for x in str(reply.fields).replace("[", " ").replace("]", " ")
                .replace(",", " ").split() if _is_number(x)} & edges


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
