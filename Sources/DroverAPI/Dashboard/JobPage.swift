import DroverCore
import DroverStore

/// A job's page (`/jobs/ID`, an array's child too): its fields as `drover describe` shows them, its attempts with exit
/// code, reason, host and cost, and the tail of an attempt's log, followed while it runs.
struct JobPage {
    var view: JobView
    var cost: CostSummary?
    var token: String
    var notice: String?
    /// The attempt whose log is shown (nil: none yet) and the tail read of it.
    var logAttempt: Int?
    var log: LogChunk?

    /// Bytes of log the page shows at first; the script then follows from there.
    static let initialTail = 16 << 10

    static func load(_ store: Store, view: JobView, attempt: Int?, token: String, notice: String?) throws(DroverError) -> JobPage {
        let latest = view.attempts.last?.number
        let shown = attempt.flatMap { number in view.attempts.contains { $0.number == number } ? number : nil } ?? latest
        let log = try shown.map { number throws(DroverError) in
            try store.logTail(ofJob: view.record.jobId, attempt: number, from: nil, limit: initialTail)
        }
        return JobPage(view: view, cost: try store.costSummary(ofJob: view.record.jobId), token: token, notice: notice, logAttempt: shown, log: log)
    }

    /// Whether attempt `number` of `record` may still write to its log.
    static func isWriting(_ record: JobRecord, attempt number: Int) -> Bool {
        record.attempts == number && record.status.isActive
    }

    var record: JobRecord { view.record }

    var live: HTML {
        """
        \(notice.map { HTML("<div class=\"note\" role=\"status\">\($0)</div>") } ?? "")
        <h1>\(record.jobName)\(record.arrayIndex.map { HTML(" <span class=\"muted\">[\($0)]</span>") } ?? "") \(PageLayout.badge(record.status))</h1>
        \(JobAction.buttons(for: record, token: token))
        <section class="card"><dl class="fields">\(fields)</dl></section>
        <section><h2>Attempts</h2>\(attemptTable)</section>
        """
    }

    /// The fields, `drover describe`'s in its order.
    var fields: HTML {
        let spec = view.spec
        var rows: [(String, HTML)] = [("Job ID", "\(record.jobId)"), ("Name", "\(record.jobName)"),
                                      ("Queue", "<a href=\"/jobs?\(QueryString.encode([("queue", record.jobQueue)]))\">\(record.jobQueue)</a>"),
                                      ("Definition", "\(record.jobDefinition)"), ("Status", PageLayout.badge(record.status))]
        if let parent = record.parentId, let index = record.arrayIndex {
            rows.append(("Array", "index \(index) of \(PageLayout.jobLink(parent))"))
        }
        if let reason = record.statusReason {
            let plain = RunnableReason.plainWords(reason)
            rows.append(("Status reason", plain == reason ? "\(reason)" : "\(plain)<div class=\"muted small\">\(reason)</div>"))
        } else if record.status == .runnable {
            rows.append(("Waiting", "for capacity in the queue's compute environments"))
        }
        if let reason = record.terminateReason, !record.status.isTerminal { rows.append(("Terminating", "\(reason)")) }
        rows.append(("Created", PageLayout.time(record.createdAt)))
        if let started = record.startedAt { rows.append(("Started", PageLayout.time(started))) }
        if let stopped = record.stoppedAt { rows.append(("Stopped", PageLayout.time(stopped))) }
        if let environment = record.computeEnvironment { rows.append(("Compute environment", "\(environment)")) }
        rows.append(("Command", "<code>\(spec.command.joined(separator: " "))</code>"))
        if let image = spec.image { rows.append(("Image", "\(image) <span class=\"muted small\">(kept; the command runs as a local process)</span>")) }
        rows.append(("Resources", "\(PageLayout.number(spec.vcpus)) vCPU, \(spec.memory) MiB"))
        if let strategy = spec.retryStrategy {
            let rules = strategy.evaluateOnExit?.count ?? 0
            rows.append(("Retry", "up to \(strategy.attempts ?? 1) attempts\(rules > 0 ? HTML(", \(rules) rule\(rules == 1 ? "" : "s") on exit") : "")"))
        }
        if let seconds = spec.attemptDurationSeconds { rows.append(("Timeout", "\(seconds) s per attempt")) }
        if !spec.parameters.isEmpty {
            rows.append(("Parameters", HTML.join(spec.parameters.sorted { $0.key < $1.key }.map { "<code>\($0.key)=\($0.value)</code>" }, separator: " ")))
        }
        if !spec.dependsOn.isEmpty {
            rows.append(("Depends on", HTML.join(spec.dependsOn.map { dependency -> HTML in
                "\(dependency.jobId.map { PageLayout.jobLink($0) } ?? "-")\(dependency.type.map { HTML(" (\($0.rawValue))") } ?? "")"
            }, separator: ", ")))
        }
        if let code = record.exitCode { rows.append(("Exit code", "\(code)")) }
        if let reason = record.containerReason { rows.append(("Container reason", "\(reason)")) }
        if let cost { rows.append(("Cost", "\(cost.costText)")) }
        if !view.tags.isEmpty {
            rows.append(("Tags", HTML.join(view.tags.sorted { $0.key < $1.key }.map { "<code>\($0.key)=\($0.value)</code>" }, separator: " ")))
        }
        return HTML.join(rows.map { label, value in "<dt>\(label)</dt><dd>\(value)</dd>" })
    }

    var attemptTable: HTML {
        guard !view.attempts.isEmpty else { return "<p class=\"muted\">No attempt yet.</p>" }
        let rows = view.attempts.map { attempt -> HTML in
            let reason = [attempt.stoppedAt == nil ? nil : attempt.statusReason, attempt.reason].compactMap { $0 }.joined(separator: "; ")
            let link = PageLayout.jobPath(record.jobId) + "?attempt=\(attempt.number)#log"
            return """
                <tr><td class="num"><a href="\(link)">\(attempt.number)</a></td><td>\(attempt.computeEnvironment ?? "-")</td>\
                <td class="wide">\(attempt.host ?? attempt.instanceId ?? "-")</td><td class="wide">\(PageLayout.time(attempt.startedAt))</td>\
                <td class="wide">\(PageLayout.time(attempt.stoppedAt))</td><td class="num">\(attempt.exitCode.map(String.init) ?? "-")</td>\
                <td class="small">\(reason.isEmpty ? "-" : reason)</td><td class="num">\(attempt.cost.map(CostSummary.dollars) ?? "-")</td></tr>
                """
        }
        return """
            <div class="scroll"><table><thead><tr><th class="num">#</th><th>Environment</th><th class="wide">Host</th>\
            <th class="wide">Started</th><th class="wide">Stopped</th><th class="num">Exit</th><th>Reason</th><th class="num">Cost</th></tr></thead>\
            <tbody>\(rows)</tbody></table></div>
            """
    }

    /// The log section, outside the live part so that the tail the script follows stays as it is.
    var below: HTML {
        guard let number = logAttempt, let log else { return "" }
        let writing = Self.isWriting(record, attempt: number)
        let source = PageLayout.jobPath(record.jobId) + "/log?attempt=\(number)"
        let text = String(decoding: log.bytes, as: UTF8.self)
        let skipped: HTML = log.start > 0 ? "<p class=\"muted small\">The last \(PageLayout.grouped(Int(log.end - log.start))) bytes of \(PageLayout.grouped(Int(log.end))); the whole log: <code>drover logs \(record.jobId) --attempt \(number)</code></p>" : ""
        return """
            <section class="below" id="log"><h2>Log of attempt \(number)\(writing ? HTML(" <span class=\"muted small\">(live)</span>") : "")</h2>\(skipped)
            <pre class="log" id="log-text" data-src="\(source)" data-offset="\(log.end)" data-live="\(writing ? "1" : "0")">\(text)</pre></section>
            """
    }
}
