#!/usr/bin/python3
"""The report page in a real browser: Debian's headless Chromium driven through chromedriver's
WebDriver protocol (standard library only). The page is made from the bundled Last.fm data; the
test asserts that every chart is present, has a size, and overflows neither its own box nor the
page (at a desktop and a narrow width), that the page fetches nothing, and saves a screenshot of
the whole page (REPORT_SCREENSHOT, default build/report.png).

Environment: CLOUT (the program), SRC (the source tree)."""
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib

CLOUT = os.environ["CLOUT"]
SRC = os.environ["SRC"]
CHARTS = ["chart-degree", "chart-score", "chart-reach", "chart-depth", "chart-keyusers", "chart-weights",
          "chart-im", "chart-ego"]


def run(*args):
    subprocess.run([CLOUT, *args, "-q"], check=True)


def make_report(d):
    D = os.path.join(SRC, "datasets", "lastfm_hetrec2011")
    g = os.path.join(d, "lastfm.clout")
    run("ingest", "--undirected", "--dedupe", "max", "--header", "--edges", f"{D}/user_friends.dat",
        "--user-col", "userID", "--item-col", "artistID", "--interactions", f"{D}/user_artists.dat.gz",
        "--date-cols", "year,month,day", "--interactions", f"{D}/user_taggedartists.dat.gz", "-o", g)
    run("compare", g, "-k", "1,5,10,20", "--sims", "300", "-o", os.path.join(d, "compare.csv"))
    run("score", g, "--features", "out_degree,pagerank,core,reach_2,conversions", "--learn", "ridge",
        "--split-time", "2009-01-01", "--save-weights", os.path.join(d, "weights.csv"), "-o", os.devnull)
    out = os.path.join(d, "report.html")
    run("report", g, "--compare", os.path.join(d, "compare.csv"), "--weights", os.path.join(d, "weights.csv"),
        "-o", out)
    return out


def make_hostile(d):
    """names that are long, hold markup or are not ASCII; every IM algorithm; a dense drawing"""
    import random
    rnd = random.Random(5)
    names = [f"user_with_a_rather_long_name_{i:03d}_and_more" if i % 3 == 0 else
             f"<b>x{i}</b>&amp;\"q\"" if i % 3 == 1 else f"\u00e9l\u00e8ve-\u65e5\u672c-{i}" for i in range(60)]
    with open(os.path.join(d, "h.txt"), "w", encoding="utf-8") as f:
        for _ in range(400):
            a, b = rnd.sample(names, 2)
            f.write(f"{a}\t{b}\n")
    g = os.path.join(d, "h.clout")
    run("ingest", "--edges", os.path.join(d, "h.txt"), "-o", g)
    run("compare", g, "--algos", "imm,opim-c,celf,degree,degree-discount,pagerank", "-k", "1,2,3,5",
        "--sims", "100", "-o", os.path.join(d, "hc.csv"))
    out = os.path.join(d, "hostile.html")
    run("report", g, "--compare", os.path.join(d, "hc.csv"), "--top", "15", "--ego", "8", "-o", out)
    return out


class Driver:
    def __init__(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        # chromium leaves its profile directories in TMPDIR: give it one of ours, removed in close()
        self.tmp = tempfile.mkdtemp(prefix="clout-browser-")
        self.proc = None
        try:
            self.proc = subprocess.Popen(["chromedriver", f"--port={self.port}"], stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, env={**os.environ, "TMPDIR": self.tmp})
            for _ in range(100):
                try:
                    self.call("GET", "/status")
                    break
                except OSError:
                    time.sleep(0.1)
            caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--hide-scrollbars", "--window-size=1280,900"]}}}}
            self.sid = self.call("POST", "/session", caps)["sessionId"]
        except BaseException:
            # no driver or no session: stop what started and remove the directory before failing
            if self.proc is not None:
                self.proc.terminate()
                self.proc.wait(10)
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())["value"] if path != "/session" else json.loads(r.read())["value"]

    def s(self, method, path, body=None):
        return self.call(method, f"/session/{self.sid}{path}", body)

    def js(self, script):
        return self.s("POST", "/execute/sync", {"script": script, "args": []})

    def close(self):
        try:
            self.call("DELETE", f"/session/{self.sid}")
        finally:
            self.proc.terminate()
            self.proc.wait(10)
            shutil.rmtree(self.tmp, ignore_errors=True)


MEASURE = r"""
const out = {charts: {}, pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
             resources: performance.getEntriesByType('resource').map(e => e.name), sections: []};
for (const s of document.querySelectorAll('section'))
  if (s.scrollWidth > s.clientWidth + 1) out.sections.push(s.id);
for (const svg of document.querySelectorAll('svg.chart')) {
  const r = svg.getBoundingClientRect(), box = svg.closest('section').getBoundingClientRect();
  /* in page pixels, after every transform (rotated axis labels included) */
  const bad = [], tol = 0.5;
  for (const el of svg.querySelectorAll('text, rect, circle, line, polyline, path')) {
    const b = el.getBoundingClientRect();
    if (b.left < r.left - tol || b.top < r.top - tol || b.right > r.right + tol || b.bottom > r.bottom + tol)
      bad.push(el.tagName + ' ' + (el.textContent || '').slice(0, 40) + ' ' + JSON.stringify([b.left - r.left, b.top - r.top, b.width, b.height]));
  }
  /* text over text: two labels of one chart whose boxes intersect */
  const tel = [...svg.querySelectorAll('text')], texts = tel.map(t => t.getBoundingClientRect()), clash = [];
  for (let i = 0; i < texts.length; i++)
    for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i], b = texts[j];
      if (a.width && b.width && a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
        clash.push([tel[i].textContent, tel[j].textContent]);
    }
  out.charts[svg.id] = {w: r.width, h: r.height, left: r.left, right: r.right, boxLeft: box.left,
                        boxRight: box.right, outside: bad, clash: clash,
                        marks: svg.querySelectorAll('circle, rect.bar, rect.seg, polyline, path').length};
}
return out;
"""


def check(m, width):
    errors = []
    if m["pageOverflow"] > 0:
        errors.append(f"width {width}: the page scrolls sideways by {m['pageOverflow']} px")
    if m["sections"]:
        errors.append(f"width {width}: sections overflow: {m['sections']}")
    if m["resources"]:
        errors.append(f"the page fetched {m['resources']}")
    for c in CHARTS:
        if c not in m["charts"]:
            errors.append(f"chart {c} missing")
            continue
        ch = m["charts"][c]
        if ch["w"] < 200 or ch["h"] < (150 if width > 1000 else 80):
            errors.append(f"width {width}: {c} is {ch['w']:.0f} x {ch['h']:.0f} px")
        if ch["left"] < ch["boxLeft"] - 0.5 or ch["right"] > ch["boxRight"] + 0.5:
            errors.append(f"width {width}: {c} sticks out of its section")
        if ch["outside"]:
            errors.append(f"{c}: drawn outside its box: {ch['outside'][:3]}")
        if ch["clash"]:
            errors.append(f"{c}: labels overlap: {ch['clash'][:3]}")
        if ch["marks"] < 5:
            errors.append(f"{c}: only {ch['marks']} marks drawn")
    return errors


def png_check(data):
    """a real picture: a PNG whose pixel rows are not all one colour"""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w, h = 8, b"", 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + n
    raw = zlib.decompress(idat)
    distinct = len(set(raw[i:i + 4] for i in range(0, len(raw), 4097)))
    return w, h, distinct


def main():
    shot = os.environ.get("REPORT_SCREENSHOT") or os.path.join(tempfile.gettempdir(), "clout-report.png")
    with tempfile.TemporaryDirectory() as d:
        page = make_report(d)
        html = open(page, encoding="utf-8").read()
        for bad in ["<script", "<link", "@import", "url(", " src=", "href=\"http"]:
            assert bad not in html, f"the page has {bad}"
        drv = Driver()
        errors = []
        try:
            drv.s("POST", "/url", {"url": "file://" + page})
            errors += check(drv.js(MEASURE), 1280)
            # the whole page in one picture
            height = int(drv.js("return document.documentElement.scrollHeight"))
            drv.s("POST", "/window/rect", {"width": 1280, "height": height + 20})
            png = base64.b64decode(drv.s("GET", "/screenshot"))
            w, h, distinct = png_check(png)
            if h < 2000 or distinct < 20:
                errors.append(f"screenshot {w} x {h} with {distinct} distinct samples: blank?")
            with open(shot, "wb") as f:
                f.write(png)
            # a narrow window (a phone held upright): charts shrink, nothing scrolls sideways
            drv.s("POST", "/window/rect", {"width": 480, "height": 900})
            errors += check(drv.js(MEASURE), 480)
            # names with markup, long names, non-ASCII names; six IM algorithms on one chart
            hostile = make_hostile(d)
            for width in (1280, 480):
                drv.s("POST", "/window/rect", {"width": width, "height": 900})
                drv.s("POST", "/url", {"url": "file://" + hostile})
                errors += [e for e in check(drv.js(MEASURE), width) if "chart-weights" not in e]
                if drv.js("return document.querySelectorAll('main b').length"):
                    errors.append("a user name became markup")
        finally:
            drv.close()
        for e in errors:
            print("FAIL:", e)
        print(f"report_browser: {len(CHARTS)} charts checked at 1280 and 480 px; screenshot {shot}")
        return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
