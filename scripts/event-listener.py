#!/usr/bin/env python3
"""Test helpers for Drover's job events.

webhook PORT_FILE OUT_FILE FAIL_FIRST [DELAY]
    An HTTP receiver on a free loopback port (written to PORT_FILE): it answers 503 to the first FAIL_FIRST POSTs and
    200 to the others (after DELAY seconds, default 0: a slow receiver), appending each taken body as one line to
    OUT_FILE. Runs until killed.
sse URL COUNT [LAST_EVENT_ID]
    Reads the server-sent events at URL until COUNT events came (or the stream ends), printing each as one line of
    JSON: {"id": ..., "event": ..., "data": {...}}.
stall URL SECONDS
    Opens the server-sent events at URL with a small receive buffer and never reads them (a client that stalls),
    printing "open" once the request is sent; exits after SECONDS.
"""
import http.server
import json
import sys
import threading
import urllib.parse
import urllib.request


def webhook(port_file, out_file, fail_first, delay=0.0):
    lock = threading.Lock()
    seen = {"posts": 0}

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if delay:
                import time
                time.sleep(delay)
            with lock:
                seen["posts"] += 1
                failing = seen["posts"] <= fail_first
                if not failing:
                    with open(out_file, "ab") as out:
                        out.write(body.replace(b"\n", b" ") + b"\n")
            self.send_response(503 if failing else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    with open(port_file + ".tmp", "w") as out:
        out.write(str(server.server_address[1]))
    import os
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


def sse(url, count, last_event_id=None):
    request = urllib.request.Request(url)
    if last_event_id:
        request.add_header("Last-Event-ID", last_event_id)
    got = 0
    event = {}
    with urllib.request.urlopen(request, timeout=60) as stream:
        for raw in stream:
            line = raw.decode("utf-8").rstrip("\n")
            if line == "":
                if "data" in event:
                    event["data"] = json.loads(event["data"])
                    print(json.dumps(event), flush=True)
                    got += 1
                    if got >= count:
                        return
                event = {}
            elif line.startswith(":"):
                continue
            else:
                field, _, value = line.partition(":")
                event[field] = value[1:] if value.startswith(" ") else value


def stall(url, seconds):
    import socket
    import time
    parts = urllib.parse.urlsplit(url)
    connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    connection.connect((parts.hostname, parts.port))
    connection.sendall(f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
    print("open", flush=True)
    time.sleep(seconds)


if __name__ == "__main__":
    if sys.argv[1] == "webhook":
        webhook(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]) if len(sys.argv) > 5 else 0.0)
    elif sys.argv[1] == "sse":
        sse(sys.argv[2], int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
    elif sys.argv[1] == "stall":
        stall(sys.argv[2], float(sys.argv[3]))
    else:
        sys.exit(__doc__)
