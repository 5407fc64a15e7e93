"""Files and crashes: a damaged cache is detected by content and rebuilt with one line saying
why; builders take turns; leftovers of interrupted builds go; an unwritable cache is named."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.integrity import CacheError
from index.store import ArticleIndex, index_folder
from tests.conftest import ROOT


def _built(tmp_path, article, fake_embedder):
    index, status = ArticleIndex.open(article, fake_embedder, tmp_path)
    assert status == "built"
    return index_folder(tmp_path, article, fake_embedder)


def _reopen(tmp_path, article, fake_embedder):
    said = []
    index, status = ArticleIndex.open(article, fake_embedder, tmp_path, progress=said.append)
    return index, status, said


def _flip_bytes_in_place(path: Path, offset_from_end: int) -> None:
    data = bytearray(path.read_bytes())
    for i in range(8):
        data[len(data) - offset_from_end + i] ^= 0x5A
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["vector bytes", "paragraph number", "swapped lines", "manifest", "deleted"])
def test_a_damaged_index_is_rebuilt_with_one_line_saying_why(tmp_path, article, fake_embedder, damage):
    folder = _built(tmp_path, article, fake_embedder)
    chunks = folder / "chunks.jsonl"
    if damage == "vector bytes":  # inside the vectors, same size, valid FAISS header
        _flip_bytes_in_place(folder / "index.faiss", 2000)
    elif damage == "paragraph number":
        lines = chunks.read_text(encoding="utf-8").splitlines()
        row = json.loads(lines[3])
        row["paragraph"] += 1
        lines[3] = json.dumps(row, ensure_ascii=False)
        chunks.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif damage == "swapped lines":
        lines = chunks.read_text(encoding="utf-8").splitlines()
        lines[2], lines[3] = lines[3], lines[2]
        chunks.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif damage == "manifest":
        (folder / "manifest.json").write_text("{garbled", encoding="utf-8")
    else:
        (folder / "index.faiss").unlink()
    index, status, said = _reopen(tmp_path, article, fake_embedder)
    assert status == "rebuilt" and len(said) >= 1 and "rebuilding" in said[0], said
    assert _reopen(tmp_path, article, fake_embedder)[1] == "loaded"
    assert all(article.text[c.start:c.end] == c.text for c in index.chunks)


def test_an_article_path_that_is_not_utf8_still_gets_its_index_saved(tmp_path, fake_embedder):
    from index.article import Article

    path = Path(os.fsdecode(bytes(tmp_path) + b"/bai-\xff.txt"))
    path.write_text("Tiêu đề\nMột câu. Câu thứ hai.\n", encoding="utf-8")
    article = Article.load(path)
    assert ArticleIndex.open(article, fake_embedder, tmp_path / "cache")[1] == "built"
    assert ArticleIndex.open(article, fake_embedder, tmp_path / "cache")[1] == "loaded"


def test_background_vectors_whose_bytes_changed_are_embedded_again(tmp_path, monkeypatch, fake_embedder):
    import assistant.background as background

    monkeypatch.setenv("ARTICLE_QA_CACHE", str(tmp_path))
    monkeypatch.setattr(background, "_vectors", {})
    first = background.background_vectors(fake_embedder)
    (stored,) = (tmp_path / "background").glob("*.npy")
    data = np.load(stored)
    data[0, 0] += 0.5  # a valid file with other numbers in it
    np.save(stored, data)
    monkeypatch.setattr(background, "_vectors", {})
    again = background.background_vectors(fake_embedder)
    assert np.array_equal(again, first)
    assert len(list((tmp_path / "background").glob("*.npy"))) == 1


def test_leftovers_of_interrupted_builds_are_cleared(tmp_path, article, fake_embedder):
    parent = index_folder(tmp_path, article, fake_embedder).parent
    parent.mkdir(parents=True)
    (parent / ".tmp-dead").mkdir()
    (parent / ".tmp-dead" / "index.faiss").write_bytes(b"x" * 100)
    (parent / "abc.old").mkdir()
    _built(tmp_path, article, fake_embedder)
    assert sorted(p.name for p in parent.iterdir() if not p.name.startswith(".lock")) == [
        index_folder(tmp_path, article, fake_embedder).name]


def test_an_unwritable_cache_is_named_with_the_way_out(tmp_path, article, fake_embedder):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(CacheError, match="ARTICLE_QA_CACHE") as caught:
        ArticleIndex.open(article, fake_embedder, blocker / "cache")
    assert str(blocker) in str(caught.value)


@pytest.mark.model
def test_cli_names_an_unwritable_cache(tmp_path, real_assistant):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    done = subprocess.run([sys.executable, "-m", "assistant", "ask", "cáp quang?"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "ARTICLE_QA_CACHE": str(blocker / "cache")})
    assert done.returncode != 0 and "ARTICLE_QA_CACHE" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.model
def test_two_processes_on_an_empty_cache_take_turns_and_both_answer(tmp_path, real_assistant):
    """Both need the model converted and the index built: one does each, the other waits."""
    article = tmp_path / "race.txt"
    article.write_text("Cuộc đua\nThành phố mở tuyến xe buýt điện số 12 dài 30 km vào tháng 5. "
                       "Giá vé là 7.000 đồng.\n", encoding="utf-8")
    cache = tmp_path / "empty-cache"
    command = [sys.executable, "-m", "assistant", "ask", "Giá vé bao nhiêu?", "--json", "--article", str(article)]
    runs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "ARTICLE_QA_CACHE": str(cache)}) for _ in range(2)]
    outputs = [r.communicate(timeout=300) for r in runs]
    assert [r.returncode for r in runs] == [0, 0], [o[1][-500:] for o in outputs]
    answers = [json.loads(out) for out, _err in outputs]
    assert answers[0] == answers[1] and "7.000 đồng" in answers[0]["quotes"][0]["text"]
    for directory in (cache / "indexes", cache / "models"):
        assert not [p for p in directory.iterdir() if p.name.startswith(".tmp-") or p.name.endswith(".old")]
    assert sum("Converting" in err for _out, err in outputs) == 1


@pytest.mark.model
@pytest.mark.parametrize("damage", ["garbled config", "garbled tokenizer", "perturbed weights"])
def test_a_damaged_model_folder_is_converted_again(real_assistant, damage):
    from index.embedder import default_folder, load_default

    folder = default_folder()
    if damage == "garbled config":
        (folder / "config.json").write_text("{}", encoding="utf-8")
    elif damage == "garbled tokenizer":
        _flip_bytes_in_place(folder / "tokenizer.unigram.txt", 5000)
    else:  # same size, valid header: only the content says it changed
        _flip_bytes_in_place(folder / "model.safetensors", 10_000_000)
    said = []
    embedder = load_default(said.append)
    assert any("damaged" in line and "converting it again" in line for line in said), said
    assert load_default().encode_queries(["cáp quang"]).shape == (1, 384)
    reference = real_assistant.embedder.encode_queries(["Có bao nhiêu vị trí trạm BTS?"])
    assert np.allclose(embedder.encode_queries(["Có bao nhiêu vị trí trạm BTS?"]), reference, atol=1e-5)


def _run(args, env=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=env or os.environ.copy())


def _leftovers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.startswith(".tmp-") or p.name.endswith(".old")]


@pytest.mark.model
def test_a_builder_killed_at_any_point_leaves_a_whole_index_or_none(tmp_path, real_assistant):
    import time

    body = "\n".join(real_assistant.article.text.split("\n")[1:])
    article = tmp_path / "long.txt"
    article.write_text("Bài dài\n" + "\n".join([body] * 3), encoding="utf-8")
    indexes = Path(os.environ["ARTICLE_QA_CACHE"]) / "indexes"
    for delay in (0.3, 0.9, 1.6, 2.4):
        builder = subprocess.Popen([sys.executable, "-m", "assistant", "index", "--rebuild", "--article", str(article)],
                                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        builder.kill()
        builder.wait()
        done = _run(["ask", "Toàn tỉnh có bao nhiêu tuyến cáp quang?", "--json", "--article", str(article)])
        assert done.returncode == 0, done.stderr[-800:]
        assert json.loads(done.stdout)["answered"]
        assert _leftovers(indexes) == []


@pytest.mark.model
def test_a_model_conversion_killed_midway_recovers_alone(tmp_path, real_assistant):
    import time

    env = {**os.environ, "ARTICLE_QA_CACHE": str(tmp_path / "cache")}
    converter = subprocess.Popen([sys.executable, "-m", "assistant", "index"], cwd=ROOT, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(3)  # converting: reading and dequantising, or writing the folder
    converter.kill()
    converter.wait()
    done = _run(["ask", "Có bao nhiêu vị trí trạm BTS?", "--json"], env=env)
    assert done.returncode == 0 and json.loads(done.stdout)["answered"], done.stderr[-800:]
    assert _leftovers(tmp_path / "cache" / "models") == []
