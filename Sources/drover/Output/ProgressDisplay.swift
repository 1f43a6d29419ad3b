import DroverCore
import DroverStore
import Foundation
import Synchronization

/// The live progress of `drover run`: one line per job, redrawn in place on a terminal, printed
/// when it changes (at most every few seconds) otherwise. Written to standard error; a failed write is
/// remembered by ``OutputFile`` and fails the command at its end.
final class ProgressDisplay: Sendable {
    let store: Store
    let jobs: [SubmittedJob]
    let enabled: Bool
    let stopped = Mutex<Bool>(false)
    let finished = DispatchSemaphore(value: 0)
    let interactive = isatty(2) == 1

    init(store: Store, jobs: [SubmittedJob], enabled: Bool) {
        self.store = store
        self.jobs = jobs
        self.enabled = enabled
    }

    func start() {
        guard enabled else { return }
        Thread.detachNewThread { [self] in
            var drawn = 0
            var previous = ""
            var lastPrint = Date.distantPast
            while true {
                let last = stopped.withLock { $0 }
                let lines = render()
                let text = lines.joined(separator: "\n")
                if interactive {
                    var output = drawn > 0 ? "\u{1B}[\(drawn)A" : ""
                    output += lines.map { "\u{1B}[2K" + $0 }.joined(separator: "\n") + "\n"
                    try? OutputFile.standardError.write(output)
                    drawn = lines.count
                } else if text != previous && (last || Date().timeIntervalSince(lastPrint) >= 2) {
                    try? OutputFile.standardError.write(text + "\n")
                    previous = text
                    lastPrint = Date()
                }
                if last { break }
                Thread.sleep(forTimeInterval: interactive ? 0.2 : 0.5)
            }
            finished.signal()
        }
    }

    func stop() {
        guard enabled else { return }
        stopped.withLock { $0 = true }
        finished.wait()
    }

    func render() -> [String] {
        jobs.map { job in
            guard let record = try? store.job(job.jobId) else { return "\(job.jobName) \(job.jobId): ?" }
            return "\(job.jobName) \(job.jobId): " + Self.progress(record, store: store)
        }
    }

    /// `SUCCEEDED`, or for an array `812/1000 done (3 failed) · 2 running · 185 waiting · 4 retried`.
    static func progress(_ record: JobRecord, store: Store) -> String {
        guard let size = record.arraySize, let (counts, retried) = try? store.childSummary(record.jobId) else {
            var text = record.status.rawValue
            if record.attempts > 1 { text += " (attempt \(record.attempts))" }
            return text
        }
        let succeeded = counts[.succeeded] ?? 0
        let failed = counts[.failed] ?? 0
        let running = (counts[.running] ?? 0) + (counts[.starting] ?? 0)
        let waiting = (counts[.runnable] ?? 0) + (counts[.pending] ?? 0) + (counts[.submitted] ?? 0)
        var parts = ["\(succeeded + failed)/\(size) done" + (failed > 0 ? " (\(failed) failed)" : "")]
        if running > 0 { parts.append("\(running) running") }
        if waiting > 0 { parts.append("\(waiting) waiting") }
        if retried > 0 { parts.append("\(retried) retried") }
        return parts.joined(separator: " · ")
    }
}
