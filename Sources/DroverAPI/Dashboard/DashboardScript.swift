/// The dashboard's script, served from the binary at ``DashboardAssets/scriptPath``. Every page works without it;
/// with it: a confirmation before a button acts, the array grid drawn on a canvas from its run-length-encoded states,
/// the page's live part fetched again when an event about it arrives (at most once a second; every 3 seconds while
/// the event stream fails), and the log tail followed.
enum DashboardScript {
    static let source = #"""
        "use strict";
        (function () {
          // A button acts only once the user confirms.
          document.addEventListener("submit", function (event) {
            var message = event.target.getAttribute("data-confirm");
            if (message && !window.confirm(message)) event.preventDefault();
          });

          // The array grid: data-runs holds "S97F3q" (a letter per status, then the run's length when above 1).
          var names = {s: "SUBMITTED", p: "PENDING", q: "RUNNABLE", t: "STARTING", r: "RUNNING", S: "SUCCEEDED", F: "FAILED"};
          function parseRuns(text) {
            var runs = [], pattern = /([A-Za-z])(\d*)/g, match, start = 0;
            while ((match = pattern.exec(text)) !== null) {
              var count = match[2] ? parseInt(match[2], 10) : 1;
              runs.push({letter: match[1], start: start, count: count});
              start += count;
            }
            return runs;
          }
          function drawGrid(canvas) {
            var size = parseInt(canvas.getAttribute("data-size"), 10) || 0;
            var runs = parseRuns(canvas.getAttribute("data-runs") || "");
            var width = Math.max(120, canvas.parentNode.clientWidth);
            var cell = Math.max(1, Math.min(16, Math.floor(Math.sqrt(width * 420 / Math.max(1, size)))));
            var columns = Math.max(1, Math.floor(width / cell));
            var rows = Math.max(1, Math.ceil(size / columns));
            var ratio = window.devicePixelRatio || 1;
            canvas.width = Math.round(columns * cell * ratio);
            canvas.height = Math.round(rows * cell * ratio);
            canvas.style.width = (columns * cell) + "px";
            canvas.style.height = (rows * cell) + "px";
            var context = canvas.getContext("2d");
            context.setTransform(ratio, 0, 0, ratio, 0, 0);
            var style = getComputedStyle(document.documentElement), colours = {};
            Object.keys(names).forEach(function (letter) { colours[letter] = style.getPropertyValue("--c-" + letter).trim() || "#999"; });
            var gap = cell >= 6 ? 1 : 0;
            runs.forEach(function (run) {
              context.fillStyle = colours[run.letter] || "#999";
              var first = run.start, last = run.start + run.count - 1;
              var firstRow = Math.floor(first / columns), lastRow = Math.floor(last / columns);
              if (gap) {
                for (var index = first; index <= last; index++) {
                  context.fillRect((index % columns) * cell, Math.floor(index / columns) * cell, cell - gap, cell - gap);
                }
                return;
              }
              if (firstRow === lastRow) {
                context.fillRect((first % columns) * cell, firstRow * cell, run.count * cell, cell);
                return;
              }
              context.fillRect((first % columns) * cell, firstRow * cell, (columns - first % columns) * cell, cell);
              if (lastRow > firstRow + 1) context.fillRect(0, (firstRow + 1) * cell, columns * cell, (lastRow - firstRow - 1) * cell);
              context.fillRect(0, lastRow * cell, (last % columns + 1) * cell, cell);
            });
            canvas.gridLayout = {cell: cell, columns: columns, size: size, runs: runs};
          }
          function indexAt(canvas, event) {
            var layout = canvas.gridLayout;
            if (!layout) return null;
            var box = canvas.getBoundingClientRect();
            var column = Math.floor((event.clientX - box.left) / layout.cell), row = Math.floor((event.clientY - box.top) / layout.cell);
            if (column < 0 || column >= layout.columns) return null;
            var index = row * layout.columns + column;
            if (index < 0 || index >= layout.size) return null;
            var low = 0, high = layout.runs.length - 1;
            while (low < high) {
              var middle = (low + high + 1) >> 1;
              if (layout.runs[middle].start <= index) low = middle; else high = middle - 1;
            }
            return {index: index, status: layout.runs.length ? names[layout.runs[low].letter] : ""};
          }
          function drawGrids() {
            Array.prototype.forEach.call(document.querySelectorAll("canvas.grid"), function (canvas) {
              drawGrid(canvas);
              var info = document.getElementById(canvas.getAttribute("data-info"));
              canvas.onmousemove = function (event) {
                var hit = indexAt(canvas, event);
                if (info) info.textContent = hit ? "index " + hit.index + ": " + hit.status + " (click to open)" : "";
              };
              canvas.onclick = function (event) {
                var hit = indexAt(canvas, event);
                if (hit) window.location.href = "/jobs/" + encodeURIComponent(canvas.getAttribute("data-job") + ":" + hit.index);
              };
            });
          }
          drawGrids();
          var resizeTimer = null;
          window.addEventListener("resize", function () { clearTimeout(resizeTimer); resizeTimer = setTimeout(drawGrids, 150); });

          // Live updates: fetch the page's live part again when an event about it arrives, at most once a second.
          var live = document.getElementById("live");
          if (live) {
            var waiting = false, last = 0, polling = null;
            var fragment = function () { return location.pathname + location.search + (location.search ? "&" : "?") + "fragment=1"; };
            var refresh = function () {
              last = Date.now();
              fetch(fragment(), {cache: "no-store", credentials: "same-origin"}).then(function (response) {
                return response.ok ? response.text() : null;
              }).then(function (text) {
                if (text !== null) { live.innerHTML = text; drawGrids(); }
              }).catch(function () {}).then(function () { waiting = false; });
            };
            var schedule = function () {
              if (waiting) return;
              waiting = true;
              setTimeout(refresh, Math.max(0, 1000 - (Date.now() - last)));
            };
            // Asking every 3 seconds stands in for the event stream while it fails (not served, or ended by an error and
            // tried again by the browser), until an event comes through.
            var poll = function () { if (!polling) polling = setInterval(schedule, 3000); };
            var stopPolling = function () { if (polling) { clearInterval(polling); polling = null; } };
            var match = live.getAttribute("data-match") || "";
            var url = live.getAttribute("data-events");
            if (url && window.EventSource) {
              var source = new EventSource(url);
              // A flood of events (a large array running) carries more than the page needs: past 100 in a second the
              // stream is closed and the page asked for every 2 seconds instead.
              var windowStart = 0, inWindow = 0;
              var onEvent = function (event) {
                var now = Date.now();
                if (now - windowStart > 1000) { windowStart = now; inWindow = 0; }
                if (++inWindow > 100) {
                  source.close();
                  stopPolling();
                  polling = setInterval(schedule, 2000);
                  return schedule();
                }
                stopPolling();
                if (!match) return schedule();
                try {
                  var id = JSON.parse(event.data).detail.jobId || "";
                  if (id === match || id.indexOf(match + ":") === 0) schedule();
                } catch (error) { schedule(); }
              };
              source.addEventListener("Batch Job State Change", onEvent);
              source.addEventListener("Batch Job Queue Blocked", onEvent);
              source.onmessage = onEvent;
              source.onerror = poll;
            } else {
              poll();
            }
          }

          // The log tail: ask for what was written since, while the attempt runs.
          var log = document.getElementById("log-text");
          if (log && log.getAttribute("data-live") === "1") {
            var offset = log.getAttribute("data-offset") || "0";
            var tail = function () {
              fetch(log.getAttribute("data-src") + "&offset=" + offset, {cache: "no-store"}).then(function (response) {
                if (!response.ok) return setTimeout(tail, 3000);
                var start = response.headers.get("X-Log-Start"), end = response.headers.get("X-Log-End");
                var done = response.headers.get("X-Log-Done") === "1";
                return response.text().then(function (text) {
                  var bottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
                  if (start !== null && start !== offset) log.textContent += "\n[… skipped to byte " + start + " …]\n";
                  if (text) log.textContent += text;
                  if (log.textContent.length > 262144) log.textContent = "[…]\n" + log.textContent.slice(-196608);
                  if (bottom) log.scrollTop = log.scrollHeight;
                  if (end !== null) offset = end;
                  if (!done) setTimeout(tail, 1000);
                });
              }).catch(function () { setTimeout(tail, 3000); });
            };
            setTimeout(tail, 1000);
          }
          if (log) log.scrollTop = log.scrollHeight;
        })();
        """#
}
