import DroverAPI
import DroverCore
import DroverStore
import Foundation

/// The closing summary of `drover run`.
enum Summary {
    static func print(_ records: [JobRecord], store: Store, elapsed: Double, format: OutputFormat, arns: ARNBuilder,
                      simulation: (seed: UInt64, timeScale: Double)? = nil) throws(DroverError) {
        if format == .json {
            try Printer.json(try records.map { record throws(DroverError) in try JobDetail.make(record, store: store, arns: arns) })
            return
        }
        var rows: [[String]] = []
        for record in records {
            let detail: String
            if record.arraySize != nil {
                detail = ProgressDisplay.progress(record, store: store)
            } else if record.status == .failed {
                detail = [record.statusReason, record.exitCode.map { "exit \($0)" }].compactMap { $0 }.joined(separator: ", ")
            } else {
                detail = record.exitCode.map { "exit \($0)" } ?? ""
            }
            let duration = record.stoppedAt.map { Printer.duration(Double($0 - record.createdAt) / 1000) } ?? "-"
            rows.append([record.jobName, record.jobId, record.status.rawValue, duration, detail])
        }
        try Printer.note("")
        try Printer.table(["NAME", "JOB ID", "STATUS", "TIME", "DETAIL"], rows)
        var costs: [CostSummary] = []
        for record in records {
            if let cost = try store.costSummary(ofJob: record.jobId) { costs.append(cost) }
        }
        if !costs.isEmpty {
            let total = costs.reduce(CostSummary.zero, +)
            try Printer.out("cost \(CostReport.cost(total)); \(CostReport.interruptions(total))")
            if let simulation {
                let scale = simulation.timeScale == 1 ? "" : ", --time-scale \(PlacementDecision.format(simulation.timeScale))"
                try Printer.out("simulated \(Printer.duration(elapsed * simulation.timeScale)) with --seed \(simulation.seed)\(scale)")
            }
        }
        let failed = records.filter { $0.status == .failed }
        if failed.isEmpty {
            try Printer.out("all \(records.count) job\(records.count == 1 ? "" : "s") succeeded in \(Printer.duration(elapsed))")
        } else {
            try Printer.out("\(failed.count) of \(records.count) job\(records.count == 1 ? "" : "s") failed; see `drover describe \(failed[0].jobId)` and `drover logs \(failed[0].jobId)`")
            if let line = try firstFailure(failed[0], store: store) { try Printer.out(line) }
        }
    }

    /// The cause of `job`'s failure (or of its first failed child's): its last attempt's exit code, reason and last log
    /// line, so that it shows even where the state directory does not outlive the run (a container started with --rm).
    static func firstFailure(_ job: JobRecord, store: Store) throws(DroverError) -> String? {
        var failed = job
        var name = job.jobName
        if job.arraySize != nil {
            guard let child = try store.jobs(JobFilter(statuses: [.failed], arrayJobId: job.jobId, limit: 1)).first else { return nil }
            failed = child
            name += ":\(child.arrayIndex.map(String.init) ?? "?")"
        }
        guard let attempt = try store.attempts(failed.jobId).last else { return nil }
        let last = store.lastLogLine(ofJob: failed.jobId, attempt: attempt.number)
        let cause = [attempt.exitCode.map { "exit \($0)" }, attempt.statusReason].compactMap { $0 }.joined(separator: ", ")
        return "first failure: \(name) attempt \(attempt.number) (\(cause))" + (last.map { ": \($0)" } ?? "")
    }
}
