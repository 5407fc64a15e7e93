"""A Unigram (SentencePiece) tokenizer in plain Python, read from a `tokenizer.json`.

The `tokenizers` library builds its Unigram model for the default model's 250k pieces in half a
second and ~280 MiB; for the few dozen words of a question a dictionary and the same Viterbi
search cost 15 MiB. Normalisation and pre-tokenisation (Metaspace) still run in `tokenizers`,
from the file's own sections, so only the segmentation is reimplemented: the best-scoring split
of each word, ties to the earlier-starting piece, a character no piece covers becomes `<unk>`
scored 10 below the lowest piece, and neighbouring `<unk>`s merge into one, as
`tokenizers`' `Unigram` does. Special strings ("</s>", "<mask>") in a text are cut out as whole
tokens first, as transformers' tokenizer does with the folder's special tokens. A test holds the
two to the same ids on the article and varied text.
`compact` rewrites the 17 MB `tokenizer.json` once as a file read in a tenth of the time.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

UNK_PENALTY = 10.0  # sentencepiece's kUnkPenalty


class UnigramTokenizer:
    """Text → token ids, with the file's template (`<s> … </s>`) and truncation to `max_length`.

    Invariant: `ids(text)` equals `tokenizers.Tokenizer.from_file(tokenizer.json)` with truncation to
    `max_length` encoding `text`. Thread-safe: holds no state between calls.
    """

    def __init__(self, front, pieces: dict[str, int], scores: list[float], unk_id: int, bos: int, eos: int,
                 max_length: int, specials: dict[str, int] | None = None):
        self.front = front  # a `tokenizers.Tokenizer` used for its normaliser and pre-tokeniser only
        self.pieces = pieces  # piece → id
        self.scores = scores  # id → score
        self.unk_id = unk_id
        self.unk_score = min(scores) - UNK_PENALTY
        self.longest = max(len(p) for p in pieces)
        self.bos, self.eos = bos, eos
        self.max_length = max_length
        self.specials = specials or {}
        longest_first = sorted(self.specials, key=len, reverse=True)
        self._special = re.compile("|".join(map(re.escape, longest_first))) if longest_first else None

    @staticmethod
    def compact(tokenizer_json: Path, target: Path, specials: list[str] = ()) -> None:
        """Rewrite a `tokenizer.json` as the file `load` reads fast: a first line of JSON (the
        normaliser, pre-tokeniser, special ids and every piece's score), then one piece a line.
        `specials` are the strings transformers cuts out of a text as whole tokens
        (`special_tokens_map.json`). Raises ValueError unless it is a Unigram model with a
        `<s> $A </s>` template and every special string is a piece."""
        spec = json.loads(Path(tokenizer_json).read_text(encoding="utf-8"))
        model = spec["model"]
        if model.get("type") != "Unigram" or model.get("byte_fallback") or spec.get("added_tokens"):
            raise ValueError(f"{tokenizer_json}: not a plain Unigram tokenizer")
        template = (spec.get("post_processor") or {}).get("single") or []
        special = [t.get("SpecialToken", {}).get("id") for t in template]
        if len(template) != 3 or "Sequence" not in template[1] or None in (special[0], special[2]):
            raise ValueError(f"{tokenizer_json}: the template is not `<s> $A </s>`")
        pieces = [piece for piece, _score in model["vocab"]]
        if any("\n" in p or "\r" in p for p in pieces) or len(set(pieces)) != len(pieces):
            raise ValueError(f"{tokenizer_json}: pieces cannot be written one a line")
        ids = {p: i for i, p in enumerate(pieces)}
        if not set(specials) <= set(ids):
            raise ValueError(f"{tokenizer_json}: special tokens {sorted(set(specials) - set(ids))} are not pieces")
        head = {
            "normalizer": spec.get("normalizer"),
            "pre_tokenizer": spec.get("pre_tokenizer"),
            "unk_id": int(model["unk_id"]),
            "bos": ids[special[0]],
            "eos": ids[special[2]],
            "specials": {text: ids[text] for text in specials},
            "scores": [float(score) for _piece, score in model["vocab"]],
        }
        Path(target).write_text(json.dumps(head) + "\n" + "\n".join(pieces), encoding="utf-8")

    @classmethod
    def load(cls, path: Path, max_length: int) -> "UnigramTokenizer":
        """Read a file written by `compact`."""
        from tokenizers import Tokenizer

        head, *pieces = Path(path).read_text(encoding="utf-8").split("\n")
        head = json.loads(head)
        if len(pieces) != len(head["scores"]):
            raise ValueError(f"{path}: {len(pieces)} pieces for {len(head['scores'])} scores")
        front = Tokenizer.from_str(json.dumps({
            "version": "1.0", "truncation": None, "padding": None, "added_tokens": [],
            "normalizer": head["normalizer"], "pre_tokenizer": head["pre_tokenizer"],
            "post_processor": None, "decoder": None,
            "model": {"type": "WordLevel", "vocab": {"<unk>": 0}, "unk_token": "<unk>"},
        }))
        return cls(front, dict(zip(pieces, range(len(pieces)))), head["scores"], head["unk_id"],
                   head["bos"], head["eos"], max_length, head.get("specials") or {})

    def ids(self, text: str) -> list[int]:
        """Special strings ("</s>") are cut out first and become their own ids; each stretch
        between them is normalised, pre-tokenised and segmented on its own, as transformers does."""
        out: list[int] = []
        position = 0
        for match in self._special.finditer(text) if self._special else ():
            out += self._stretch(text[position:match.start()])
            out.append(self.specials[match.group()])
            position = match.end()
            if len(out) >= self.max_length - 2:
                break
        else:
            out += self._stretch(text[position:])
        return [self.bos, *out[: self.max_length - 2], self.eos]

    def _stretch(self, text: str) -> list[int]:
        if not text:
            return []
        normalised = self.front.normalizer.normalize_str(text) if self.front.normalizer else text
        words = self.front.pre_tokenizer.pre_tokenize_str(normalised) if self.front.pre_tokenizer else [(normalised, None)]
        out: list[int] = []
        for word, _span in words:
            out += self._segment(word)
            if len(out) >= self.max_length - 2:
                break
        return out

    def _segment(self, word: str) -> list[int]:
        """The best-scoring split of one word into pieces (Viterbi), as ids."""
        n = len(word)
        best = [0.0] + [None] * n  # best score of a split of word[:i]
        back: list[tuple[int, int] | None] = [None] * (n + 1)  # (start, id) of its last piece
        for start in range(n):
            if best[start] is None:
                continue
            single = False
            for end in range(start + 1, min(n, start + self.longest) + 1):
                found = self.pieces.get(word[start:end])
                if found is None:
                    continue
                score = best[start] + self.scores[found]
                if best[end] is None or score > best[end]:
                    best[end], back[end] = score, (start, found)
                single = single or end == start + 1
            if not single:
                score = best[start] + self.unk_score
                if best[start + 1] is None or score > best[start + 1]:
                    best[start + 1], back[start + 1] = score, (start, self.unk_id)
        ids: list[int] = []
        end = n
        while end > 0:
            start, piece = back[end]
            if not (piece == self.unk_id and ids and ids[-1] == self.unk_id):  # neighbouring unknowns merge
                ids.append(piece)
            end = start
        return ids[::-1]
