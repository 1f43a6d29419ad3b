import DroverCore
import DroverStore

/// What a dashboard button does to a job, through the store's own `cancel`, `terminate` and `retryFailed`, as the
/// CLI and the API do.
enum JobAction: String, CaseIterable, Sendable {
    case cancel
    case terminate
    case retryFailed = "retry-failed"

    /// The button's text.
    var title: String {
        switch self {
        case .cancel: "Cancel"
        case .terminate: "Terminate"
        case .retryFailed: "Retry failed children"
        }
    }

    /// The question asked before it acts.
    func confirmation(_ id: String, failed: Int) -> String {
        switch self {
        case .cancel: "Cancel \(id)? Jobs that have not started fail; running ones go on."
        case .terminate: "Terminate \(id)? Running attempts are stopped (SIGTERM, then SIGKILL) and the job fails, without retries."
        case .retryFailed: "Run the \(failed) failed \(failed == 1 ? "child" : "children") of \(id) again?"
        }
    }

    /// Whether the button is offered for `record` (an array with `failed` failed children).
    func offered(for record: JobRecord, failed: Int) -> Bool {
        switch self {
        case .cancel: !record.status.isTerminal && (record.status.isCancellable || record.arraySize != nil)
        case .terminate: !record.status.isTerminal
        case .retryFailed: record.arraySize != nil && record.status.isTerminal && failed > 0
        }
    }

    /// Does it; the parameters of the note shown after (``notice(_:)``).
    func perform(on id: String, store: Store) throws(DroverError) -> [(String, String)] {
        switch self {
        case .cancel, .terminate:
            let result = self == .cancel
                ? try store.cancel(id, reason: Reasons.cancelledByUser)
                : try store.terminate(id, reason: Reasons.terminatedByUser)
            return [("done", rawValue), ("stopped", String(result.stopped)), ("stopping", String(result.terminating)), ("left", String(result.untouched))]
        case .retryFailed:
            let result = try store.retryFailed(id)
            return [("done", rawValue), ("retried", String(result.retried.count)), ("left", String(result.leftAlone))]
        }
    }

    /// The note on the job's page after an action, from the parameters ``perform(on:store:)`` gave; nil when the
    /// page was not reached that way. Only numbers are taken from the parameters: a link cannot put words on the page.
    static func notice(_ parameters: [String: String]) -> String? {
        guard let done = parameters["done"].flatMap(JobAction.init(rawValue:)) else { return nil }
        func count(_ name: String) -> Int { parameters[name].flatMap { Int($0) }.map { max(0, $0) } ?? 0 }
        switch done {
        case .cancel, .terminate:
            var parts: [String] = []
            if count("stopped") > 0 || count("stopping") == 0 { parts.append("\(count("stopped")) \(done == .cancel ? "cancelled" : "terminated")") }
            if count("stopping") > 0 { parts.append("\(count("stopping")) stopping") }
            if count("left") > 0 { parts.append("\(count("left")) left alone (running or finished)") }
            return "\(done.title): " + parts.joined(separator: ", ") + "."
        case .retryFailed:
            let retried = count("retried")
            var text = "\(retried) failed \(retried == 1 ? "child" : "children") to run again"
            if count("left") > 0 { text += "; \(count("left")) cancelled or terminated left alone (drover retry-failed --include-cancelled)" }
            return text + "."
        }
    }

    /// The buttons offered for `record`, each a POST form with the page's token and a confirmation.
    static func buttons(for record: JobRecord, failed: Int = 0, token: String) -> HTML {
        let forms = allCases.filter { $0.offered(for: record, failed: failed) }.map { action -> HTML in
            let style: HTML = action == .retryFailed ? "" : " class=\"danger\""
            return """
                <form method="post" action="\(PageLayout.jobPath(record.jobId))/\(action.rawValue)" data-confirm="\(action.confirmation(record.jobId, failed: failed))">\
                <input type="hidden" name="csrf" value="\(token)"><button type="submit"\(style) data-action="\(action.rawValue)">\(action.title)</button></form>
                """
        }
        return forms.isEmpty ? "" : "<div class=\"actions\">\(forms)</div>"
    }
}
