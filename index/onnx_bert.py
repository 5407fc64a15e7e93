"""The default model run by onnxruntime: answering a question without importing torch.

sentence-transformers defines the embeddings: the folder it loads is the reference, and a test
holds this engine to cosine ≥ 0.999 with it. This module computes the same thing from the same
folder: its Unigram tokenizer (`unigram`, same ids as `tokenizers`); the word, position and type embeddings
summed in numpy from `model.safetensors`, whose 250k-row word table stays on disk (a text's rows
are read as it needs them); then the encoder layers, mean pooling over real tokens and L2
normalisation as an ONNX graph (`encoder.onnx`, written once beside the weights by `export`,
from the same float32 weights, with numpy and `onnx`: no torch) that onnxruntime runs.
Importing onnxruntime and tokenizers takes a fraction of a second where torch takes several.

Only what the default folder holds is supported: `BertModel`, absolute positions, GELU, mean
pooling, normalised output. Anything else raises `UnsupportedModel`; callers then use
sentence-transformers.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Sequence

import numpy as np

from .integrity import build_lock, checksums, clear_leftovers, first_damaged, write_atomically
from .unigram import UnigramTokenizer

GRAPH_FILE = "encoder.onnx"
TOKENIZER_FILE = "tokenizer.unigram.txt"
GRAPH_VERSION = 3  # bump when the graph changes: a folder's older graph is then rewritten (2: checksums, 3: specials)
STAMP_FILE = GRAPH_FILE + ".json"  # the graph version and both files' SHA-256, written last
OPSET = 17  # LayerNormalization
BATCH_SIZE = 4  # texts per run, sorted by length: measured fastest on 2 cores (8: +5%, 32: +70%)


class UnsupportedModel(ValueError):
    """The folder holds a model this engine does not implement."""


def safetensors_layout(path: Path) -> tuple[int, dict[str, dict]]:
    """Where a safetensors file's data starts and its header: each tensor's dtype, shape and
    byte range. The format: an 8-byte little-endian header length, the JSON header, the data."""
    with open(path, "rb") as f:
        length = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(length))
    size = Path(path).stat().st_size - 8 - length
    tensors = {name: spec for name, spec in header.items() if name != "__metadata__"}
    for name, spec in tensors.items():
        begin, end = spec["data_offsets"]
        if spec["dtype"] != "F32":
            raise UnsupportedModel(f"{path}: tensor {name} is {spec['dtype']}, not F32")
        if end - begin != 4 * math.prod(spec["shape"]) or end > size:
            raise UnsupportedModel(f"{path}: tensor {name} does not fit its byte range")
    return 8 + length, tensors


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a safetensors file as a read-only float32 view of one memory map."""
    start, tensors = safetensors_layout(path)
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=start)
    return {name: data[slice(*spec["data_offsets"])].view(np.float32).reshape(spec["shape"])
            for name, spec in tensors.items()}


class RowReader:
    """The rows of a 2-D float32 tensor in a file, read on demand with `pread`.

    Not a memory map: mapping pages in reads ahead around each one, and a server's resident
    memory grew by 2 MiB with each new question until the whole 366 MiB word table was in it.
    Read like this, a question costs a few dozen small reads and its rows stay out of memory.
    """

    def __init__(self, path: Path, offset: int, shape: tuple[int, int]):
        self.fd = os.open(path, os.O_RDONLY)
        self.offset, self.shape = offset, shape
        self.row_bytes = 4 * shape[1]

    def rows(self, ids: np.ndarray) -> np.ndarray:
        unique, inverse = np.unique(ids, return_inverse=True)
        if unique.size and (unique[0] < 0 or unique[-1] >= self.shape[0]):
            raise ValueError(f"token id out of range 0..{self.shape[0] - 1}")
        block = b"".join(os.pread(self.fd, self.row_bytes, self.offset + int(i) * self.row_bytes) for i in unique)
        if len(block) != unique.size * self.row_bytes:
            raise OSError("the weights file is shorter than its header says")
        return np.frombuffer(block, np.float32).reshape(unique.size, self.shape[1])[inverse.ravel()]

    def __del__(self, _close=os.close):  # bound early: at interpreter exit `os` may be gone
        fd = getattr(self, "fd", None)
        if fd is not None:
            _close(fd)


def read_config(folder: Path) -> tuple[dict, dict[str, str], int]:
    """The folder's BERT config, its prompts and its maximum length in tokens; raises
    UnsupportedModel unless it is BERT with mean pooling and normalisation."""

    def read(name: str):
        return json.loads((folder / name).read_text(encoding="utf-8"))

    try:
        config = read("config.json")
        modules = [m["type"].rsplit(".", 1)[-1] for m in read("modules.json")]
        pooling = read("1_Pooling/config.json")
        max_length = int(read("sentence_bert_config.json")["max_seq_length"])
        prompts = read("config_sentence_transformers.json").get("prompts") or {}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UnsupportedModel(f"{folder}: not a sentence-transformers folder this engine reads ({exc})") from exc
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode") and v}
    if (config.get("model_type") != "bert" or config.get("hidden_act") != "gelu"
            or config.get("position_embedding_type", "absolute") != "absolute"
            or modules != ["Transformer", "Pooling", "Normalize"] or modes != {"pooling_mode_mean_tokens"}):
        raise UnsupportedModel(f"{folder}: only BERT with mean pooling and normalisation runs on onnxruntime")
    return config, prompts, max_length


def encoder_graph(weights: dict[str, np.ndarray], config: dict):
    """The ONNX graph from summed embeddings [batch, tokens, hidden] and a 0/1 mask [batch,
    tokens] to normalised mean-pooled vectors [batch, hidden]: BertModel's layers as written."""
    from onnx import TensorProto, helper, numpy_helper

    hidden, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
    eps = float(config["layer_norm_eps"])
    nodes, initializers = [], []

    def const(name: str, value) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], output: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def linear(x: str, prefix: str, out: str) -> str:  # HF stores [out, in]; MatMul wants [in, out]
        w = const(prefix + ".weight", weights[prefix + ".weight"].T)
        return node("Add", [node("MatMul", [x, w], out + ".mm"), const(prefix + ".bias", weights[prefix + ".bias"])], out)

    def layer_norm(x: str, prefix: str, out: str) -> str:
        return node("LayerNormalization", [x, const(prefix + ".weight", weights[prefix + ".weight"]),
                                           const(prefix + ".bias", weights[prefix + ".bias"])], out, axis=-1, epsilon=eps)

    split_heads = const("split_heads", np.array([0, 0, heads, hidden // heads], np.int64))
    merge_heads = const("merge_heads", np.array([0, 0, hidden], np.int64))
    scale = const("scale", np.array(1 / math.sqrt(hidden // heads), np.float32))
    one = const("one", np.array(1.0, np.float32))
    half = const("half", np.array(0.5, np.float32))
    root2 = const("root2", np.array(math.sqrt(2.0), np.float32))
    # Padding gets the lowest float as attention bias, as BertModel gives it.
    lowest = const("lowest", np.array(np.finfo(np.float32).min, np.float32))
    inverted = node("Sub", [one, "mask"], "inverted")
    bias = node("Unsqueeze", [node("Mul", [inverted, lowest], "bias.flat"), const("axes12", np.array([1, 2], np.int64))], "bias")

    x = layer_norm("embeddings", "embeddings.LayerNorm", "x.0")
    for i in range(int(config["num_hidden_layers"])):
        p, a = f"encoder.layer.{i}.", f"l{i}."
        q, k, v = (node("Reshape", [linear(x, f"{p}attention.self.{n}", a + n), split_heads], a + n + ".heads")
                   for n in ("query", "key", "value"))
        scores = node("MatMul", [node("Transpose", [q], a + "q", perm=[0, 2, 1, 3]),
                                 node("Transpose", [k], a + "kt", perm=[0, 2, 3, 1])], a + "scores")
        scores = node("Add", [node("Mul", [scores, scale], a + "scaled"), bias], a + "biased")
        probs = node("Softmax", [scores], a + "probs", axis=-1)
        context = node("MatMul", [probs, node("Transpose", [v], a + "v", perm=[0, 2, 1, 3])], a + "context")
        context = node("Reshape", [node("Transpose", [context], a + "context.t", perm=[0, 2, 1, 3]), merge_heads], a + "merged")
        attended = node("Add", [x, linear(context, p + "attention.output.dense", a + "ao")], a + "res1")
        x = layer_norm(attended, p + "attention.output.LayerNorm", a + "x1")
        h = linear(x, p + "intermediate.dense", a + "fi")
        erf = node("Erf", [node("Div", [h, root2], a + "fi.scaled")], a + "erf")  # exact GELU
        h = node("Mul", [node("Mul", [h, node("Add", [erf, one], a + "erf1")], a + "gelu.h"), half], a + "gelu")
        x = layer_norm(node("Add", [x, linear(h, p + "output.dense", a + "fo")], a + "res2"), p + "output.LayerNorm", f"x.{i + 1}")
    weight = node("Unsqueeze", ["mask", const("axis2", np.array([2], np.int64))], "weight")
    axis1 = const("axis1", np.array([1], np.int64))
    total = node("ReduceSum", [node("Mul", [x, weight], "masked"), axis1], "total", keepdims=0)
    count = node("ReduceSum", [weight, axis1], "count", keepdims=0)
    pooled = node("Div", [total, count], "pooled")
    node("LpNormalization", [pooled], "sentence_embedding", axis=-1, p=2)

    floats = TensorProto.FLOAT
    graph = helper.make_graph(
        nodes, "bert_mean_pooled",
        [helper.make_tensor_value_info("embeddings", floats, ["batch", "tokens", hidden]),
         helper.make_tensor_value_info("mask", floats, ["batch", "tokens"])],
        [helper.make_tensor_value_info("sentence_embedding", floats, ["batch", hidden])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="article-qa", producer_version=str(GRAPH_VERSION))
    model.ir_version = 8
    return model


def export(folder: Path) -> None:
    """Write what this engine reads beside a folder's weights, once and atomically: the graph
    (`encoder.onnx`) and the tokenizer in the form read fast (`tokenizer.unigram.txt`)."""
    stamp = folder / STAMP_FILE
    if _stamp_matches(stamp):
        return
    import onnx

    config, _prompts, _max = read_config(folder)
    with build_lock(folder.parent):
        if _stamp_matches(stamp):  # written by another process meanwhile
            return
        clear_leftovers(folder)  # temporary files of an export that was killed
        writers = (  # the tokenizer first: it refuses other kinds before anything is written
            (TOKENIZER_FILE, lambda path: UnigramTokenizer.compact(folder / "tokenizer.json", path,
                                                               _special_strings(folder))),
            (GRAPH_FILE, lambda path: onnx.save_model(
                encoder_graph(read_safetensors(folder / "model.safetensors"), config), path)),
        )
        for name, write in writers:
            write_atomically(folder / name, write)
        # The stamp last: it vouches for the other two, by content.
        files = checksums(folder, [TOKENIZER_FILE, GRAPH_FILE])
        stamp.write_text(json.dumps({"graph_version": GRAPH_VERSION, "files": files}), encoding="utf-8")


def _special_strings(folder: Path) -> list[str]:
    """The special tokens transformers cuts out of texts whole (`special_tokens_map.json`)."""
    try:
        values = json.loads((folder / "special_tokens_map.json").read_text(encoding="utf-8")).values()
    except OSError:
        return []
    texts = [v if isinstance(v, str) else v.get("content") for v in values]
    return sorted({t for t in texts if isinstance(t, str) and t})


def derived_damage(folder: Path) -> str | None:
    """What is wrong with the files `export` wrote, or None."""
    try:
        files = json.loads((folder / STAMP_FILE).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"{STAMP_FILE} is unreadable ({exc})"
    return first_damaged(folder, files, remember=True)


def _stamp_matches(stamp: Path) -> bool:
    try:
        value = json.loads(stamp.read_text(encoding="utf-8"))
        return value.get("graph_version") == GRAPH_VERSION and isinstance(value.get("files"), dict)
    except (OSError, ValueError, AttributeError):
        return False


class OnnxBertEmbedder:
    """An `Embedder` over a sentence-transformers BERT folder with mean pooling, on onnxruntime.

    Invariant: `encode_*` return L2-normalised float32 rows that agree with
    `SentenceTransformer(folder).encode(texts, prompt_name=…, normalize_embeddings=True)`.
    Thread-safe: a run keeps no state between calls.
    """

    def __init__(self, identity: str, tokenizer, session, words: RowReader, positions: np.ndarray,
                 token_type: np.ndarray, prompts: dict[str, str]):
        self.identity = identity
        self.tokenizer = tokenizer
        self.session = session
        self.prompts = prompts
        self.words = words  # the 250k-row table stays on disk: rows are read as texts need them
        self.positions = positions
        self.token_type = token_type
        self.dimension = int(positions.shape[1])

    @classmethod
    def load(cls, folder: Path, identity: str) -> "OnnxBertEmbedder":
        """Open a folder, writing its graph first if it has none; raises UnsupportedModel
        unless the folder is the kind this engine runs."""
        import onnxruntime

        folder = Path(folder)
        _config, prompts, max_length = read_config(folder)
        try:
            export(folder)
            tokenizer = UnigramTokenizer.load(folder / TOKENIZER_FILE, max_length)
        except ValueError as exc:
            raise UnsupportedModel(str(exc)) from exc
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # warnings about unused initialisers are not the user's concern
        # Idle threads sleep instead of spinning: spinning takes the cores from whatever runs
        # next (the rest of the answer, other requests, other programs).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = onnxruntime.InferenceSession(str(folder / GRAPH_FILE), options, providers=["CPUExecutionProvider"])
        weights = folder / "model.safetensors"
        start, layout = safetensors_layout(weights)

        def table(name: str) -> RowReader:
            spec = layout[f"embeddings.{name}.weight"]
            return RowReader(weights, start + spec["data_offsets"][0], tuple(spec["shape"]))

        positions = table("position_embeddings")
        token_types = table("token_type_embeddings")
        return cls(identity, tokenizer, session, table("word_embeddings"),
                   positions.rows(np.arange(positions.shape[0])), token_types.rows(np.array([0]))[0], prompts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.prompts.get("query", ""))

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.prompts.get("document", ""))

    def _encode(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        tokens = [self.tokenizer.ids(prompt + t) for t in texts]  # the prompt as sentence-transformers puts it
        out = np.zeros((len(tokens), self.dimension), np.float32)
        order = sorted(range(len(tokens)), key=lambda i: -len(tokens[i]))
        for begin in range(0, len(order), BATCH_SIZE):
            batch = order[begin:begin + BATCH_SIZE]
            width = len(tokens[batch[0]])
            ids = np.zeros((len(batch), width), np.int64)
            mask = np.zeros((len(batch), width), np.float32)
            for row, i in enumerate(batch):
                ids[row, :len(tokens[i])] = tokens[i]
                mask[row, :len(tokens[i])] = 1.0
            embeddings = self.words.rows(ids).reshape(len(batch), width, -1) + self.positions[:width] + self.token_type
            out[batch] = self.session.run(None, {"embeddings": embeddings, "mask": mask})[0]
        return out
