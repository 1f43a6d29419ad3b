import ArgumentParser
import DroverAPI
import DroverCore
import DroverEngine
import DroverStore
import Foundation

/// `drover describe JOB...`: every field of jobs and their attempts; with `--output json`, `DescribeJobs`' response.
struct Describe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show all fields of jobs, their attempts and where their logs are (or of a chaos experiment).",
        discussion: """
            With --output json it prints AWS Batch's DescribeJobs response, {"jobs": [...]}, exactly as \
            `aws batch describe-jobs --jobs ID...` would against `drover serve --api`, ARNs written with \
            $DROVER_REGION and $DROVER_ACCOUNT_ID (default us-east-1, 000000000000). Drover's own figures (cost, \
            interruptions, kept definition fields) are in the text output. A job id that names no job is an error.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Job ids or ARNs (PARENT:INDEX for one child), or one experiment id (exp-…).") var jobIds: [String]

    func validate() throws {
        guard !jobIds.isEmpty else { throw ValidationError("give a job id (or several)") }
    }

    func run() throws {
        let store = try global.store()
        if jobIds.count == 1, jobIds[0].hasPrefix("exp-"), let experiment = try store.experiment(jobIds[0]) {
            return try ExperimentDetail.print(experiment, format: global.output)
        }
        let service = try global.service(store)
        var ids: [String] = []
        for reference in jobIds {
            switch service.arns.resolve(reference, as: .job) {
            case .success(let id): ids.append(id)
            case .failure(let problem): throw DroverError("\(reference): \(problem)")
            }
        }
        if global.output == .json {
            return try Printer.json(try Self.describeJobs(ids, service: service))
        }
        var records: [JobRecord] = []
        for id in ids {
            guard let record = try store.job(id) else { throw DroverError.unknownJob(id) }
            records.append(record)
        }
        for (index, record) in records.enumerated() {
            if index > 0 { try Printer.out("") }
            try describe(record, store: store, arns: service.arns)
        }
    }

    /// `DescribeJobs` over `ids`, 100 at a time as AWS takes them; an id that names no job is an error.
    static func describeJobs(_ ids: [String], service: BatchService) throws(DroverError) -> DescribeJobsResponse {
        var jobs: [JobDetailShape] = []
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(start + 100, ids.count)])
            do {
                jobs += try service.describeJobs(ids: chunk).jobs
            } catch {
                throw DroverError.from(error)
            }
            start += chunk.count
        }
        let found = Set(jobs.map(\.jobId))
        if let missing = ids.first(where: { !found.contains($0) }) { throw DroverError.unknownJob(missing) }
        return DescribeJobsResponse(jobs: jobs)
    }

    /// The text output of one job.
    func describe(_ record: JobRecord, store: Store, arns: ARNBuilder) throws {
        let detail = try JobDetail.make(record, store: store, arns: arns)
        var lines: [(String, String)] = [
            ("Job ID", record.jobId), ("Name", record.jobName), ("Queue", record.jobQueue),
            ("Definition", record.jobDefinition), ("Status", record.status.rawValue),
        ]
        if let reason = record.statusReason { lines.append(("Status reason", reason)) }
        if record.status == .runnable && record.statusReason == nil {
            let engine = EngineLock.isHeld(directory: global.directory)
            lines.append(("Waiting", engine ? "for capacity in the queue's compute environments" : "no engine is running: start `drover serve` or `drover run`"))
        }
        if let reason = record.terminateReason { lines.append(("Terminating", reason)) }
        lines.append(("Created", Printer.time(record.createdAt)))
        if let started = record.startedAt { lines.append(("Started", Printer.time(started))) }
        if let stopped = record.stoppedAt { lines.append(("Stopped", Printer.time(stopped))) }
        if let environment = record.computeEnvironment { lines.append(("Compute environment", environment)) }
        lines.append(("Command", detail.container.command.map(Self.quote).joined(separator: " ")))
        if let image = detail.container.image { lines.append(("Image", "\(image) (kept; the command runs as a local process)")) }
        lines.append(("Resources", "\(detail.container.vcpus) vCPU, \(detail.container.memory) MiB"))
        if let strategy = detail.retryStrategy {
            let rules = (strategy.evaluateOnExit ?? []).map { rule in
                [rule.onExitCode.map { "onExitCode=\($0)" }, rule.onReason.map { "onReason=\($0)" },
                 rule.onStatusReason.map { "onStatusReason=\($0)" }].compactMap { $0 }.joined(separator: " ") + " → \(rule.action.uppercased())"
            }
            lines.append(("Retry", "attempts \(strategy.attempts ?? 1)" + (rules.isEmpty ? "" : "; " + rules.joined(separator: "; "))))
        }
        if let seconds = detail.timeout?.attemptDurationSeconds { lines.append(("Timeout", "\(seconds)s per attempt")) }
        if !detail.parameters.isEmpty {
            lines.append(("Parameters", detail.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")))
        }
        if !detail.dependsOn.isEmpty {
            lines.append(("Depends on", detail.dependsOn.map { [$0.jobId, $0.type?.rawValue].compactMap { $0 }.joined(separator: ":") }.joined(separator: ", ")))
        }
        if let array = detail.arrayProperties {
            if let size = array.size, array.index == nil { lines.append(("Array size", String(size))) }
            if let index = array.index { lines.append(("Array index", "\(index) of \(array.size ?? 0)")) }
            if let summary = array.statusSummary {
                lines.append(("Children", JobStatus.allCases.map { "\($0.rawValue) \(summary[$0.rawValue] ?? 0)" }.joined(separator: ", ")))
            }
        }
        if let cost = detail.cost {
            lines.append(("Cost", CostReport.cost(cost)))
            lines.append(("Interruptions", CostReport.interruptions(cost)))
        }
        if let code = record.exitCode { lines.append(("Exit code", String(code))) }
        if let reason = record.containerReason { lines.append(("Container reason", reason)) }
        if let document = try store.definitionDocument(record.jobDefinition), let extra = Self.extraFields(document) {
            lines.append(("Kept fields", extra))
        }
        try Printer.fields(lines)
        if !detail.attempts.isEmpty {
            try Printer.out("")
            let simulated = detail.attempts.contains { $0.instanceId != nil }
            let clustered = detail.attempts.contains { $0.slurmJobId != nil }
            let header = ["ATTEMPT", "ENVIRONMENT"] + (simulated ? ["INSTANCE", "COST"] : []) + (clustered ? ["SLURM JOB", "HOST"] : [])
                + ["STARTED", "STOPPED", "EXIT", "REASON", "LOG"]
            try Printer.table(header, detail.attempts.enumerated().map { index, attempt in
                var reason = [attempt.statusReason, attempt.container.reason].compactMap { $0 }.joined(separator: "; ")
                if let experiment = attempt.interruptedBy { reason += " (experiment \(experiment))" }
                let instance = simulated ? [attempt.instanceId ?? "-", attempt.cost.map(CostReport.dollars) ?? "-"] : []
                let cluster = clustered ? [attempt.slurmJobId ?? "-", attempt.host ?? "-"] : []
                return [String(index + 1), attempt.computeEnvironment ?? "-"] + instance + cluster + [Printer.time(attempt.startedAt), Printer.time(attempt.stoppedAt),
                        attempt.container.exitCode.map(String.init) ?? "-", reason.isEmpty ? "-" : reason, attempt.container.logStreamName]
            })
        }
    }

    static func quote(_ word: String) -> String {
        word.contains(where: { $0 == " " || $0 == "\"" || $0 == "'" }) ? "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" : word
    }

    /// Definition fields with no local meaning (image, roles...), as `key=value` text.
    static func extraFields(_ document: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any] else { return nil }
        let known: Set<String> = ["jobDefinitionName", "type", "parameters", "containerProperties", "retryStrategy", "timeout"]
        var extras = object.filter { !known.contains($0.key) }.map { "\($0.key)" }
        if let container = object["containerProperties"] as? [String: Any] {
            let local: Set<String> = ["command", "environment", "vcpus", "memory", "resourceRequirements", "image"]
            extras += container.keys.filter { !local.contains($0) }.map { "containerProperties.\($0)" }
        }
        return extras.isEmpty ? nil : extras.sorted().joined(separator: ", ")
    }
}
