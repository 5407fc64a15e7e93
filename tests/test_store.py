import json

import numpy as np

from index.article import Article
from index.store import ArticleIndex, index_folder


def test_save_then_load_gives_identical_scores(tmp_path, article, fake_embedder):
    built, status = ArticleIndex.open(article, fake_embedder, tmp_path)
    assert status == "built"
    loaded, status = ArticleIndex.open(article, fake_embedder, tmp_path)
    assert status == "loaded"
    assert loaded.chunks == built.chunks
    q = fake_embedder.encode_queries(["thuê bao di động", "cáp quang"])
    assert np.allclose(loaded.dense_scores(q), built.dense_scores(q))
    folder = index_folder(tmp_path, article, fake_embedder)
    assert sorted(p.name for p in folder.iterdir()) == ["chunks.jsonl", "index.faiss", "manifest.json"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["article_sha256"] == article.sha256 and "faiss-cpu" in manifest["libraries"]


def test_each_sentence_finds_itself_first(article, fake_embedder, tmp_path):
    index, _ = ArticleIndex.open(article, fake_embedder, tmp_path)
    scores = index.dense_scores(fake_embedder.encode_passages([c.text for c in index.chunks]))
    assert (scores[:, 0, :].argmax(axis=1) == np.arange(len(index.chunks))).all()


def test_stale_or_broken_manifest_rebuilds(tmp_path, article, fake_embedder):
    ArticleIndex.open(article, fake_embedder, tmp_path)
    folder = index_folder(tmp_path, article, fake_embedder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["embedded_sha256"] = "0" * 64  # what was embedded has changed
    (folder / "manifest.json").write_text(json.dumps(manifest))
    _, status = ArticleIndex.open(article, fake_embedder, tmp_path)
    assert status == "rebuilt"
    (folder / "index.faiss").write_bytes(b"garbage")
    _, status = ArticleIndex.open(article, fake_embedder, tmp_path)
    assert status == "rebuilt"
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".tmp-") or p.name.endswith(".old")]


def test_another_article_gets_its_own_folder(tmp_path, article, fake_embedder):
    other = Article.from_text("Tiêu đề khác\nMột câu. Câu thứ hai.\n", "other")
    assert index_folder(tmp_path, article, fake_embedder) != index_folder(tmp_path, other, fake_embedder)


def test_index_type_follows_the_number_of_vectors_and_scores_stay_exact(monkeypatch):
    import faiss

    import index.vectors as vectors

    rng = np.random.default_rng(0)
    data = rng.standard_normal((600, 32)).astype(np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    queries = data[:5] + 0.1
    assert isinstance(vectors.new_index(32, len(data)), faiss.IndexFlatIP)
    monkeypatch.setattr(vectors, "EXACT_UP_TO", 100)
    approximate = vectors.new_index(32, len(data))
    assert isinstance(approximate, faiss.IndexHNSWFlat)
    approximate.add(data)
    exact = faiss.IndexFlatIP(32)
    exact.add(data)
    for index in (exact, approximate):
        assert np.allclose(vectors.all_scores(index, queries), queries @ data.T, atol=1e-5)
    assert faiss.deserialize_index(faiss.serialize_index(approximate)).hnsw.efSearch == vectors.HNSW_EF_SEARCH


def missing_terms_in(text: str, tmp_path, embedder):
    """`Retriever.missing_terms` over an article of that text, for question texts."""
    from assistant.question import read_question
    from assistant.retrieval import Retriever

    path = tmp_path / "article.txt"
    path.write_text(text, "utf-8")
    index, _ = ArticleIndex.open(Article.load(path), embedder, tmp_path)
    retriever = Retriever(index, embedder)
    return lambda question: retriever.missing_terms(read_question(question))


def test_a_number_counts_as_written_within_a_code_or_as_a_roman_numeral(tmp_path, fake_embedder):
    missing = missing_terms_in("Mạng DECnet\nDECnet Giai đoạn II ra đời sau chuyến bay AS206. Mạng 4G phủ 95% dân số.\n",
                               tmp_path, fake_embedder)
    assert missing("DECnet giai đoạn 2 trở thành gì?") == ()
    assert missing("Có bao nhiêu người trên chuyến bay AS-206?") == ("as",)  # a name
    assert missing("Mạng 5G phủ bao nhiêu dân số?") == ("5g",)
    missing = missing_terms_in("Chuyến bay\nChuyến bay AS-206 không người lái. Mạng 4 G phủ 95% dân số.\n",
                               tmp_path, fake_embedder)
    assert missing("Chuyến bay AS206 có người lái không?") == ()
    assert missing("Mang 4G phu bao nhieu dan so?") == ()
    assert missing("Chuyến bay AS207 có người lái không?") == ("as207",)


def test_a_number_counts_as_written_in_another_of_its_forms(tmp_path, fake_embedder):
    missing = missing_terms_in("Viễn thông\nNgày 16/10, tỉnh có 567.666 thuê bao, 73.000 thuê bao băng rộng và "
                               "doanh thu 465 tỷ đồng.\n", tmp_path, fake_embedder)
    assert missing("Có hơn 73 nghìn thuê bao băng rộng không?") == ()  # a scale word
    assert missing("over 73 thousand broadband subscribers?") == ()
    assert missing("Doanh thu 465.000.000.000 đồng là của ai?") == ()  # the article's scale word
    assert missing("Ngày 16.10 có sự kiện gì?") == ()  # a day and month with a dot
    assert missing("567 666 thuê bao là số gì?") == ()  # thousands apart
    assert missing("Ngày 17.10 có sự kiện gì?") == ("17.10",)
    assert missing("Có hơn 74 nghìn thuê bao không?") == ("74",)


def test_a_century_or_a_decade_counts_as_written_when_a_year_within_it_is(tmp_path, fake_embedder):
    missing = missing_terms_in("Cải cách\nÔng Lefevre (khoảng 1455–1536) dịch Kinh Thánh năm 1523. Nhà máy mở năm 1994.\n",
                               tmp_path, fake_embedder)
    assert missing("Ai ủng hộ cải cách vào thế kỷ 15?") == ()
    assert missing("Who supported the reform in the 16th century?") == ()
    assert missing("Nhà máy mở trong thập niên 1990?") == ()
    assert missing("Nhà máy mở trong những năm 90?") == ()
    assert missing("Ai dịch Kinh Thánh vào thế kỷ thứ 16?") == ()
    assert missing("Ai ủng hộ cải cách vào thế kỷ 18?") == ("18",)
    assert missing("What opened in the 1980s?") == ("1980",)
    # a year glued to letters still counts: a text decoded wrongly writes "1455â€“1536"
    missing = missing_terms_in("Cải cách\nÔng Lefevre (khoảng 1455â€“1536) dịch Kinh Thánh.\n", tmp_path, fake_embedder)
    assert missing("Ai ủng hộ cải cách vào thế kỷ 15?") == ()
