#!/usr/bin/env python3
"""A tiny driver of headless Chromium over the DevTools protocol, for the dashboard's tests.

    dashboard-browser.py dom URL                         the DOM after the page's script ran (like --dump-dom)
    dashboard-browser.py problems URL                    what the page reported: script exceptions, console errors,
                                                         content-security-policy refusals; one JSON line each
    dashboard-browser.py click URL SELECTOR [--dismiss]  click an element like a user (mouse events), accept (or
                                                         dismiss) the confirmation it asks, wait for the page it leads
                                                         to; prints {"dialog", "url", "note"} as JSON
    dashboard-browser.py screenshot URL FILE WIDTH HEIGHT [--mobile]
                                                         a PNG of the whole page at that viewport
    dashboard-browser.py watch URL SELECTOR TEXT -- COMMAND...
                                                         load the page, run COMMAND (which changes the store), then
                                                         wait, without reloading, until SELECTOR's text holds TEXT:
                                                         the page's live updates; prints the text
    dashboard-browser.py post URL [FIELD=VALUE...] [--header NAME:VALUE...]
                                                         a bare POST, as another site's page or a script would send;
                                                         prints the HTTP status

Chromium is $CHROMIUM, else chromium-headless-shell or chromium on the PATH. Every wait has a deadline (30 s); none
is a fixed sleep.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import websocket

DEADLINE = 30.0


def chromium():
    for name in [os.environ.get("CHROMIUM"), "chromium-headless-shell", "chromium"]:
        if name and shutil.which(name):
            return shutil.which(name)
    sys.exit("no headless Chromium: install chromium-headless-shell (Debian) or set $CHROMIUM")


class Browser:
    """One headless Chromium with one page, driven over its DevTools WebSocket."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="drover-chromium-")
        self.process = subprocess.Popen(
            [chromium(), "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
             "--remote-debugging-port=0", "--user-data-dir=" + self.profile, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
        port = None
        deadline = time.monotonic() + DEADLINE
        while port is None and time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line and self.process.poll() is not None:
                break
            match = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
            if match:
                port = int(match.group(1))
        if port is None:
            self.close()
            sys.exit("Chromium did not start its DevTools server")
        pages = []
        while not pages and time.monotonic() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as response:
                pages = [target for target in json.load(response) if target.get("type") == "page"]
        self.socket = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=DEADLINE, suppress_origin=True)
        self.next_id = 0
        self.events = []
        self.call("Page.enable")
        self.call("Runtime.enable")

    def close(self):
        try:
            self.socket.close()
        except Exception:
            pass
        # Debian's chromium-headless-shell is a wrapper script: the browser and its helpers are its children, in the
        # process group the browser was started in.
        try:
            os.killpg(self.process.pid, 9)
        except ProcessLookupError:
            pass
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def send(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        return self.next_id

    def receive(self):
        message = json.loads(self.socket.recv())
        if "method" in message:
            self.events.append(message)
        return message

    def call(self, method, **params):
        """Sends a command and returns its result; events that arrive meanwhile are kept."""
        number = self.send(method, **params)
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            message = self.receive()
            if message.get("id") == number:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
        raise TimeoutError(method)

    def wait_for(self, method):
        """The first event `method` kept or arriving."""
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            for index, event in enumerate(self.events):
                if event["method"] == method:
                    return self.events.pop(index)
            self.receive()
        raise TimeoutError(method)

    def load(self, url):
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result.get("result", {}).get("value")


def dom(url):
    browser = Browser()
    try:
        browser.load(url)
        print(browser.evaluate("document.documentElement.outerHTML"))
    finally:
        browser.close()


def problems(url):
    browser = Browser()
    try:
        browser.call("Log.enable")
        browser.load(url)
        # Let the page's script run its first timers (a grid drawn, an event stream opened) before looking.
        browser.evaluate("new Promise(resolve => setTimeout(resolve, 500))")
        for event in browser.events:
            params = event["params"]
            if event["method"] == "Runtime.exceptionThrown":
                print(json.dumps({"kind": "exception", "text": params["exceptionDetails"].get("exception", {}).get("description")
                                  or params["exceptionDetails"].get("text")}))
            elif event["method"] == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                print(json.dumps({"kind": "console", "text": " ".join(str(arg.get("value")) for arg in params.get("args", []))}))
            elif event["method"] == "Log.entryAdded" and params["entry"].get("level") == "error":
                entry = params["entry"]
                print(json.dumps({"kind": entry.get("source"), "text": entry.get("text"), "url": entry.get("url")}))
    finally:
        browser.close()


def click(url, selector, accept):
    browser = Browser()
    try:
        browser.load(url)
        box = browser.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return null;"
            " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()")
        if box is None:
            sys.exit(f"no element matches {selector} on {url}")
        browser.events.clear()
        for kind in ["mouseMoved", "mousePressed"]:
            browser.call("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"], button="left", clickCount=1)
        # The release runs the page's handler, which stops in confirm(): its reply comes once the dialog is answered.
        browser.send("Input.dispatchMouseEvent", type="mouseReleased", x=box["x"], y=box["y"], button="left", clickCount=1)
        dialog = browser.wait_for("Page.javascriptDialogOpening")["params"]
        browser.call("Page.handleJavaScriptDialog", accept=accept)
        if accept:
            browser.wait_for("Page.loadEventFired")
        print(json.dumps({"dialog": dialog.get("message"), "url": browser.evaluate("location.href"),
                          "note": browser.evaluate("(document.querySelector('.note') || {}).textContent || null")}))
    finally:
        browser.close()


def watch(url, selector, text, command):
    browser = Browser()
    try:
        browser.load(url)
        browser.evaluate("window.loadedOnce = true")
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        read = f"(document.querySelector({json.dumps(selector)}) || {{}}).textContent || ''"
        deadline = time.monotonic() + DEADLINE
        seen = ""
        while time.monotonic() < deadline:
            seen = browser.evaluate(read)
            if text in seen:
                if not browser.evaluate("window.loadedOnce === true"):
                    sys.exit("the page was loaded again instead of updated in place")
                print(seen)
                return
            browser.evaluate("new Promise(resolve => setTimeout(resolve, 50))")
        sys.exit(f"{selector} never showed {text!r}; last: {seen!r}")
    finally:
        browser.close()


def screenshot(url, path, width, height, mobile):
    browser = Browser()
    try:
        browser.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=mobile)
        browser.load(url)
        size = browser.evaluate("({w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight})")
        shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                            clip={"x": 0, "y": 0, "width": max(width, size["w"]), "height": max(height, size["h"]), "scale": 1})
        import base64
        with open(path, "wb") as file:
            file.write(base64.b64decode(shot["data"]))
        print(path)
    finally:
        browser.close()


def post(url, arguments):
    fields, headers = {}, {}
    index = 0
    while index < len(arguments):
        if arguments[index] == "--header":
            name, _, value = arguments[index + 1].partition(":")
            headers[name.strip()] = value.strip()
            index += 2
        else:
            name, _, value = arguments[index].partition("=")
            fields[name] = value
            index += 1
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), headers=headers, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=DEADLINE) as response:
            print(response.status)
    except urllib.error.HTTPError as error:
        print(error.code)


def main(arguments):
    if len(arguments) >= 2 and arguments[0] == "dom":
        dom(arguments[1])
    elif len(arguments) >= 2 and arguments[0] == "problems":
        problems(arguments[1])
    elif len(arguments) >= 3 and arguments[0] == "click":
        click(arguments[1], arguments[2], accept="--dismiss" not in arguments[3:])
    elif len(arguments) >= 5 and arguments[0] == "screenshot":
        screenshot(arguments[1], arguments[2], int(arguments[3]), int(arguments[4]), "--mobile" in arguments[5:])
    elif len(arguments) >= 6 and arguments[0] == "watch" and arguments[4] == "--":
        watch(arguments[1], arguments[2], arguments[3], arguments[5:])
    elif len(arguments) >= 2 and arguments[0] == "post":
        post(arguments[1], arguments[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
