import ArgumentParser
import DroverAPI
import DroverCore
import DroverEngine
import DroverStore
import Foundation

/// `drover jobs`: list jobs.
struct Jobs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List jobs: by default the unfinished ones, oldest first.",
        discussion: """
            With --output json it prints AWS Batch's ListJobs response, {"jobSummaryList": [...]}, for the jobs \
            the table would show, ARNs written with $DROVER_REGION and $DROVER_ACCOUNT_ID (default us-east-1, \
            000000000000).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: [.customShort("q"), .customLong("queue")], help: "Only this queue.")
    var queue: String?

    @Option(name: [.customShort("s"), .customLong("status")], help: "Only these statuses (comma-separated or repeated).")
    var status: [String] = []

    @Flag(name: [.customShort("a"), .long], help: "Every status, finished jobs included.")
    var all = false

    @Option(help: "List the children of this array job.")
    var array: String?

    @Option(name: .customLong("compute-environment"), help: ArgumentHelp(
        "Only jobs placed on this compute environment (name or ARN), array children included; by default those it runs now (STARTING, RUNNING).",
        valueName: "environment"))
    var computeEnvironment: String?

    @Option(parsing: .unconditional, help: "At most this many jobs.")
    var limit = 1000

    func run() throws {
        guard limit >= 1 else { throw DroverError("--limit must be at least 1 (got \(limit))") }
        var statuses: [JobStatus] = []
        for text in status.flatMap({ $0.split(separator: ",") }) {
            guard let parsed = JobStatus(parsing: String(text)) else {
                throw DroverError("--status \(text): expected one of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            statuses.append(parsed)
        }
        let store = try global.store()
        let environment = computeEnvironment.map(ResourceName.fromArn)
        let records = try store.jobs(JobFilter(queue: queue, statuses: statuses, all: all || array != nil && statuses.isEmpty, arrayJobId: array,
                                               computeEnvironment: environment, limit: limit))
        if global.output == .json {
            return try Printer.json(try global.service(store).listJobs(showing: records))
        }
        try Printer.table(["JOB ID", "NAME", "QUEUE", "STATUS", "ATTEMPTS", "CREATED", "DETAIL"], records.map { record in
            let detail = record.arraySize != nil ? ProgressDisplay.progress(record, store: store) : (record.statusReason ?? "")
            return [record.jobId, record.jobName, record.jobQueue, record.status.rawValue, String(record.attempts), Printer.time(record.createdAt), detail]
        })
        if records.isEmpty && !all && statuses.isEmpty {
            try Printer.note(environment.map { "nothing runs on compute environment \($0)" } ?? "no unfinished jobs (use --all to list finished ones)")
        }
        if try store.countActive() > 0 && !EngineLock.isHeld(directory: global.directory) {
            try Printer.note("note: no engine is running on \(global.directory.path): start `drover serve` (or `drover run`) to run RUNNABLE jobs")
        }
    }
}
