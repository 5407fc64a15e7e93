"""Robustness probes by class: hostile input, unusable articles, damaged files, HTTP abuse.

    cd REPOSITORY && .venv/bin/python benchmarks/robustness_probes.py

Runs against the code of the current directory through public doors only (the Python API, the
command line, a fresh `serve` over loopback), in temporary caches, so the same script scores an
older checkout too. Prints, per class, how many probes were tried and how many passed, as JSON;
the tests in `tests/test_hostile_input.py` and `tests/test_cache_integrity.py` hold each class.
"""
import json, os, subprocess, sys, tempfile, threading, time, socket, urllib.request, urllib.error
from pathlib import Path

ROOT = Path.cwd()
sys.path.insert(0, str(ROOT))
CACHE = tempfile.mkdtemp(prefix="probe-cache-")
os.environ["ARTICLE_QA_CACHE"] = CACHE
os.environ["HF_HUB_OFFLINE"] = "1"
results = {}


def record(cls, ok):
    t, p = results.get(cls, (0, 0))
    results[cls] = (t + 1, p + (1 if ok else 0))


def safe(fn):
    try:
        return fn()
    except Exception as exc:  # the probe records it as a failure
        return exc


from assistant import Assistant  # noqa
a = Assistant()
GOOD = "Toàn tỉnh có bao nhiêu tuyến cáp quang?"

for q in ["a\ud800b", "\udcff" * 3, "cáp\x00quang\x07?", "x" * 1_000_000, "😀 中文 " + GOOD]:
    r = safe(lambda: a.ask(q))
    ok = (isinstance(r, ValueError) and not isinstance(r, TypeError)) or (
        hasattr(r, "quotes") and all(a.article.text[x.start:x.end] == x.text for x in r.quotes))
    record("question text (surrogates, controls, 1 MB, emoji)", ok and a.ask(GOOD).answered)

for h in [5, "Có bao nhiêu vị trí trạm BTS?", [1, 2], [None]]:
    r = safe(lambda: a.ask("Trong đó bao nhiêu có 4G?", history=h))
    record("history of the wrong type", isinstance(r, ValueError) and "history" in str(r))

for k in [float("nan"), float("inf"), True, "3"]:
    r = safe(lambda: a.ask(GOOD, top_k=k))
    record("top_k NaN, inf, bool, string", isinstance(r, ValueError))

for g in ["aaaa", "asdf qwer zxcv", "lorem ipsum dolor sit amet", "a" * 500]:
    r = safe(lambda: a.ask(g))
    record("gibberish declined", hasattr(r, "answered") and not r.answered)

env = {**os.environ}
lines = [json.dumps({"id": "ok1", "question": GOOD}).encode(), b'{"id": "b", "question": "c\xe1p \xff"}',
         json.dumps({"id": "s", "question": "a\ud800b"}).encode(), json.dumps({"id": "\udc80", "question": GOOD}).encode(),
         json.dumps({"id": "ok2", "question": GOOD}).encode()]
done = subprocess.run([sys.executable, "-m", "assistant", "ask", "--jsonl"], input=b"\n".join(lines) + b"\n",
                      capture_output=True, env=env, cwd=ROOT, timeout=300)
try:
    out = [json.loads(x) for x in done.stdout.decode("utf-8").splitlines()]
    ok = done.returncode == 0 and len(out) == 5 and out[0].get("answered") and out[4].get("answered")
except Exception:
    ok = False
record("ask --jsonl with undecodable lines and ids", ok)
done = subprocess.run([sys.executable, "-m", "assistant", "ask", b"c\xe1p \xff"], capture_output=True, env=env,
                      cwd=ROOT, timeout=120)
record("ask with undecodable argv", done.returncode == 2 and b"Traceback" not in done.stderr)

tmp = Path(tempfile.mkdtemp())
articles = {"dir": None, "empty": b"", "title only": b"Title\n", "no words": b"T\n!!! ...\n", "NUL": b"T\nab\x00c\n",
            "binary": b"T\n\xff\xfe\x80\n", "emoji": "T\n😀😀 ✨\n".encode(), "long line": b"T\n" + b"word " * 20000 + b"\n"}
for name, content in articles.items():
    p = tmp / (name.replace(" ", "-") + ".txt")
    p.mkdir() if content is None else p.write_bytes(content)
    c2 = tmp / ("cache-" + name.replace(" ", "-"))
    done = subprocess.run([sys.executable, "-m", "assistant", "ask", "x?", "--article", str(p)], capture_output=True,
                          text=True, env={**env, "ARTICLE_QA_CACHE": str(c2)}, cwd=ROOT, timeout=300)
    record("unusable articles refused by name, nothing cached",
           done.returncode != 0 and str(p) in done.stderr and "Traceback" not in done.stderr and not (c2 / "indexes").exists())

# corruption of the index
from index.store import ArticleIndex, index_folder  # noqa
folder = index_folder(Path(CACHE), a.article, a.embedder)
for damage in ("vectors", "paragraph", "swap"):
    if damage == "vectors":
        f = folder / "index.faiss"
        d = bytearray(f.read_bytes())
        d[-2000:-1992] = bytes(b ^ 0x5A for b in d[-2000:-1992])
        f.write_bytes(bytes(d))
    else:
        f = folder / "chunks.jsonl"
        L = f.read_text(encoding="utf-8").splitlines()
        if damage == "paragraph":
            r = json.loads(L[3])
            r["paragraph"] += 1
            L[3] = json.dumps(r, ensure_ascii=False)
        else:
            L[2], L[3] = L[3], L[2]
        f.write_text("\n".join(L) + "\n", encoding="utf-8")
    _i, status = ArticleIndex.open(a.article, a.embedder, Path(CACHE))
    record("index files damaged in place", status == "rebuilt")

# HTTP
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
srv = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)], cwd=ROOT, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
url = f"http://127.0.0.1:{port}"
for _ in range(600):
    try:
        urllib.request.urlopen(url + "/api/health", timeout=1)
        break
    except OSError:
        time.sleep(0.2)


def req(path, body=None, headers=None, method=None):
    r = urllib.request.Request(url + path, body, {"content-type": "application/json", **(headers or {})}, method=method)
    try:
        with urllib.request.urlopen(r, timeout=120) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()
    except OSError as e:
        return 0, {}, repr(e).encode()


for body in [b'{"question": "ok", "top_k": NaN}', b'{"question": "ok", "top_k": true}', b'{"question": "a\\ud800b"}',
             b'{"question": "ok", "history": "abc"}', b'{"question": "ok", "history": [1]}']:
    st, h, c = req("/api/ask", body)
    try:
        shape = set(json.loads(c)) == {"error"}
    except Exception:
        shape = False
    record("HTTP wrong types and values: 4xx, one error shape", 400 <= st < 500 and shape)
st, h, c = req("/api/nothing")
record("HTTP wrong types and values: 4xx, one error shape", st == 404 and c.startswith(b'{"error"'))
st, h, c = req("/api/ask", b'{"question": "' + b"x" * 20_000_000 + b'"}')
record("HTTP body over the limit: 413", st == 413)
st, h, c = req("/gradio_api/upload", b"--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\nhello\r\n--x--\r\n",
               {"content-type": "multipart/form-data; boundary=x"})
record("upload refused", st in (401, 403, 404, 405))
st, h, c = req("/api/health", headers={"host": "evil.example"})
record("foreign Host refused", 400 <= st < 500)
statuses = []
def one():
    t0 = time.time()
    r = req("/api/ask", json.dumps({"question": GOOD}).encode())
    statuses.append((*r, time.time() - t0))
ths = [threading.Thread(target=one) for _ in range(200)]
for t in ths:
    t.start()
for t in ths:
    t.join()
waits = sorted(w for *_x, w in statuses)
print("200 at once:", {s: sum(1 for x in statuses if x[0] == s) for s in {x[0] for x in statuses}},
      "p50 %.2f max %.2f" % (waits[100], waits[-1]), file=sys.stderr)
record("200 at once: answered or 503 + Retry-After, none waiting over 5 s",
       all(s == 200 or (s == 503 and any(k.lower() == "retry-after" for k in h)) for s, h, _, _ in statuses) and waits[-1] <= 5)
srv.kill()

# model folder with a garbled config
from index.e5_model import materialise  # noqa
mf = materialise(Path(CACHE))
(mf / "config.json").write_text("{}")
done = subprocess.run([sys.executable, "-m", "assistant", "ask", GOOD, "--json"], capture_output=True, text=True,
                      env=env, cwd=ROOT, timeout=300)
record("garbled model config heals", done.returncode == 0 and "Traceback" not in done.stderr)

print(json.dumps(results, ensure_ascii=False, indent=0))
