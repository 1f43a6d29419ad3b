import DroverCore
import DroverStore
import Foundation

/// The live display of `drover workflow run`: a line on standard error per state entered, job submitted or ended,
/// retry and failure, and the progress of `Map` states (whose items' own events would be too many to show).
final class WorkflowDisplay {
    let store: Store
    let execution: ExecutionRecord
    let enabled: Bool
    var lastEvent = 0
    /// The state each event belongs to (events chain by `previousEventId`).
    var stateOf: [Int: String] = [:]
    /// States inside a `Map`'s processor: shown as the Map's progress.
    let insideMaps: Set<String>
    /// States whose last try failed (a new try is a retry).
    var failed: Set<String> = []
    /// Each running Map's progress: items, succeeded, failed.
    var maps: [String: (items: Int, succeeded: Int, failed: Int)] = [:]
    var lastProgress: [String: Date] = [:]
    var failuresShown = 0
    /// What was last shown of each job a task waits for, and when jobs were last looked at.
    var jobLines: [String: String] = [:]
    var lastJobLook = Date.distantPast

    init(store: Store, execution: ExecutionRecord, enabled: Bool) {
        self.store = store
        self.execution = execution
        self.enabled = enabled
        let machine = try? WorkflowDefinition.parse(text: execution.definition, path: execution.arn).machine
        insideMaps = machine.map { Self.mapStates(in: $0, inside: false) } ?? []
    }

    static func mapStates(in machine: StateMachine, inside: Bool) -> Set<String> {
        var names: Set<String> = inside ? Set(machine.order) : []
        for state in machine.states.values {
            switch state.kind {
            case .parallel(let branches): for branch in branches { names.formUnion(mapStates(in: branch, inside: inside)) }
            case .map(let map): names.formUnion(mapStates(in: map.processor, inside: true))
            default: break
            }
        }
        return names
    }

    /// Shows the events recorded since the last call, and once a second how the jobs the tasks wait for are doing
    /// (their status; an array's children done).
    func update() {
        guard enabled else { return }
        while let events = try? store.history(of: execution.number, after: lastEvent, limit: 500), !events.isEmpty {
            for event in events { show(event) }
            lastEvent = events.last?.id ?? lastEvent
        }
        guard Date().timeIntervalSince(lastJobLook) >= 1 else { return }
        lastJobLook = Date()
        guard let waiting = try? store.executionWaitingJobs(execution.number, limit: 6), waiting.count <= 5 else { return }
        for (state, id) in waiting where !insideMaps.contains(state) {
            guard let job = try? store.job(id) else { continue }
            var line = "  \(state): job \(id) \(job.status.rawValue)"
            if let size = job.arraySize, let summary = try? store.childSummary(id) {
                let done = (summary.counts[.succeeded] ?? 0) + (summary.counts[.failed] ?? 0)
                line += " (\(done)/\(size) children done\(summary.counts[.failed].map { $0 > 0 ? ", \($0) failed" : "" } ?? ""))"
            }
            if jobLines[id] != line {
                jobLines[id] = line
                say(line)
            }
        }
    }

    func show(_ event: HistoryRecord) {
        let name = event.details?["name"]?.string ?? stateOf[event.previous] ?? ""
        stateOf[event.id] = name
        let inMap = insideMaps.contains(name)
        let type = event.type
        if type.hasSuffix("StateEntered") {
            if failed.remove(name) != nil, !inMap { say("  ↻ \(name): tried again") }
            if !inMap { say("→ \(name) (\(type.dropLast("StateEntered".count)))") }
        } else if type == "TaskScheduled", failed.remove(name) != nil, !inMap {
            say("  ↻ \(name): retrying")
        } else if type == "TaskSubmitted", !inMap, let job = job(event) {
            say("  \(name): submitted job \(job["JobName"]?.string ?? "") (\(job["JobId"]?.string ?? ""))")
        } else if type == "TaskSucceeded", !inMap, let job = job(event), job["Status"] != nil {
            say("  ✓ \(name): job \(job["JobId"]?.string ?? "") \(job["Status"]?.string ?? "")")
        } else if type == "TaskFailed" || type == "TaskTimedOut" {
            failed.insert(name)
            if !inMap || failuresShown < 10 {
                failuresShown += inMap ? 1 : 0
                say("  ✗ \(name): \(WorkflowPrinter.detail(event))")
            }
        } else if type == "MapStateStarted" {
            let items = event.details?["length"]?.integer ?? 0
            maps[name] = (items, 0, 0)
            say("  \(name): \(items) items")
        } else if type == "MapIterationSucceeded" || type == "MapIterationFailed" {
            guard var map = maps[name] else { return }
            if type == "MapIterationSucceeded" { map.succeeded += 1 } else { map.failed += 1 }
            maps[name] = map
            let done = map.succeeded + map.failed == map.items
            if done || Date().timeIntervalSince(lastProgress[name] ?? .distantPast) >= 1 {
                lastProgress[name] = Date()
                say("  \(name): \(map.succeeded)/\(map.items) items succeeded\(map.failed > 0 ? ", \(map.failed) failed" : "")")
            }
        } else if type.hasPrefix("Execution"), type != "ExecutionStarted" {
            say(type == "ExecutionSucceeded" ? "✓ \(type)" : "✗ \(type) \(WorkflowPrinter.detail(event))")
        }
    }

    func job(_ event: HistoryRecord) -> JSONValue? {
        event.details?["output"]?.string.flatMap { try? JSONValue(parsing: $0) }
    }

    func say(_ line: String) {
        try? Printer.note(line)
    }
}
