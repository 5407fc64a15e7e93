"""An accessibility audit of the page with axe-core, in headless Chromium: desktop and phone,
light and dark, before and after a question, an answer and a declined answer.

axe-core comes from npm into the virtual environment (`make axe`) and is injected into the page
from disk, so nothing is fetched from outside 127.0.0.1.

    .venv/bin/python benchmarks/accessibility.py [--url http://127.0.0.1:7860] [--screenshots docs]

Without `--url` it starts `python -m assistant serve` from this checkout. Prints each violation
with its impact and the number of elements, per view, and writes `accessibility-report.json`;
`--screenshots DIR` also saves each view after its first answer (the README's pictures).
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / ".venv" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWS = {  # name: (viewport, colour scheme)
    "desktop-light": ({"width": 1366, "height": 900}, "light"),
    "desktop-dark": ({"width": 1366, "height": 900}, "dark"),
    "phone-light": ({"width": 390, "height": 844}, "light"),
    "phone-dark": ({"width": 390, "height": 844}, "dark"),
}
QUESTIONS = ("Toàn tỉnh có bao nhiêu tuyến cáp quang?", "Giá vàng hôm nay bao nhiêu?")
SERIOUS = ("serious", "critical")


def audit(page) -> list[dict]:
    """axe-core's violations on the page as it is now: rule, impact, help and the elements."""
    if not AXE.exists():
        raise FileNotFoundError(f"{AXE} is missing: `make axe` installs axe-core from npm")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [" ".join(map(str, n["target"])) for n in v["nodes"]]} for v in result["violations"]]


def ask(page, question: str) -> list[str]:
    """Type a question, press Enter, and wait until a new reply is in the chat, its quotes (if any)
    are marked in the article panel and no progress text is left on the page (it fades out, and a
    half-faded one fails the contrast audit); the reply's quotes as text."""
    replies = page.locator('#chat [data-testid="bot"]')
    before = replies.count()
    page.fill("#question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function("""(before) => {
        const replies = document.querySelectorAll('#chat [data-testid="bot"]');
        const reply = replies.length > before && replies[replies.length - 1];
        if (!reply || document.querySelector('.progress-text')) return false;
        if (reply.querySelector('a[href^="#a"], a[href^="#c"]')) return reply.classList.contains('qa-shown-answer');
        return reply.textContent.includes('⚠');  // an error reply quotes nothing
    }""", arg=before, timeout=60_000)
    return replies.last.locator("blockquote").all_inner_texts()


def audit_views(url: str, screenshots: Path | None = None) -> dict[str, list[dict]]:
    from playwright.sync_api import sync_playwright

    report = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, (viewport, scheme) in VIEWS.items():
            context = browser.new_context(viewport=viewport, color_scheme=scheme, locale="vi-VN")
            page = context.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
                ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else r.abort())
            page.goto(url + "/")
            page.wait_for_selector("#question textarea", timeout=60_000)
            page.wait_for_timeout(500)
            report[f"{name} empty"] = audit(page)
            for n, question in enumerate(QUESTIONS):
                ask(page, question)
                if screenshots and n == 0:
                    page.wait_for_timeout(1200)  # the article panel scrolls smoothly to the best quote
                    page.screenshot(path=str(screenshots / f"screenshot-{name}.png"))
            report[f"{name} answered"] = audit(page)
            context.close()
        browser.close()
    return report


def _serve() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(url + "/api/health", timeout=2)
            return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the server did not come up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="audit a running server instead of starting one")
    parser.add_argument("--out", type=Path, default=Path("accessibility-report.json"))
    parser.add_argument("--screenshots", type=Path, help="save each view after its first answer here")
    args = parser.parse_args()
    proc, url = (None, args.url.rstrip("/")) if args.url else _serve()
    try:
        report = audit_views(url, args.screenshots)
    finally:
        if proc:
            proc.terminate()
    for view, violations in report.items():
        serious = sum(v["impact"] in SERIOUS for v in violations)
        print(f"{view}: {len(violations)} violations, {serious} serious or critical")
        for v in violations:
            print(f"   {v['impact']:>9}  {v['rule']}: {v['help']} ({len(v['targets'])} elements)")
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
