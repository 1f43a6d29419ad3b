import DroverCore
import Foundation
import GRDB
import Synchronization

/// A job accepted by ``Store/submit(_:runKey:)``.
public struct SubmittedJob: Sendable, Equatable, Codable {
    /// The new job id.
    public var jobId: String
    /// The job's name.
    public var jobName: String

    /// Creates a record of a submitted job.
    public init(jobId: String, jobName: String) {
        self.jobId = jobId
        self.jobName = jobName
    }
}

extension Store {
    /// Submits jobs in one transaction; either all are accepted or none.
    ///
    /// Dependencies may name earlier jobs by id, or (in job files) other jobs of the same call by
    /// `jobName`; cycles, unknown jobs, unknown or DISABLED queues, unknown definitions and jobs
    /// without a command are refused with a message naming the job and field.
    /// - Parameter runKey: groups the jobs of one `drover run` so that a later run can resume them.
    public func submit(_ requests: [SubmitJobRequest], runKey: String? = nil) throws(DroverError) -> [SubmittedJob] {
        let ordered = try Self.dependencyOrder(requests)
        return try write { db in try submit(db, ordered: ordered, runKey: runKey) }
    }

    /// ``submit(_:runKey:)`` inside the caller's write transaction, of requests in ``dependencyOrder(_:)``.
    func submit(_ db: Database, ordered: [SubmitJobRequest], runKey: String?) throws -> [SubmittedJob] {
        let now = nowMillis()
        var idsByName: [String: (id: String, size: Int?)] = [:]
        var issues: [ValidationIssue] = []
        var plans: [(SubmitJobRequest, JobSpec, String)] = []
        for request in ordered {
            let label = "job \(request.jobName)"
            issues += Validator.validate(request).map { ValidationIssue(location: label, field: $0.field, message: $0.message) }
            let queueName = ResourceName.fromArn(request.jobQueue)
            let queueState = try String.fetchOne(db, sql: "SELECT state FROM job_queue WHERE name = ?", arguments: [queueName])
            if queueState == nil {
                issues.append(ValidationIssue(location: label, field: "jobQueue", message: "unknown job queue '\(queueName)' (apply a file that declares it; `drover queues` lists them)"))
            } else if queueState == ResourceState.disabled.rawValue {
                issues.append(ValidationIssue(location: label, field: "jobQueue", message: "job queue '\(queueName)' is DISABLED and accepts no new jobs"))
            }
            guard let (ref, definition, active) = try definition(db, request.jobDefinition) else {
                issues.append(ValidationIssue(location: label, field: "jobDefinition", message: "unknown job definition '\(request.jobDefinition)' (apply a file that declares it; `drover definitions` lists them)"))
                continue
            }
            guard active else {
                issues.append(ValidationIssue(location: label, field: "jobDefinition", message: "job definition \(ref) is INACTIVE (deregistered): submit with an ACTIVE revision, or register the definition again"))
                continue
            }
            var spec = JobSpec.resolve(request: request, definition: definition, definitionRef: ref)
            if spec.command.isEmpty {
                issues.append(ValidationIssue(location: label, field: "containerProperties.command", message: "\(ref) has no command: give containerProperties.command or a command override"))
            }
            // The definition's strategy, which the job takes when the request gives none (a request's own was checked
            // with the request: checking it again would report each of its problems twice).
            if request.retryStrategy == nil, let strategy = spec.retryStrategy {
                issues += Validator.validate(strategy, field: "retryStrategy").map { ValidationIssue(location: label, field: $0.field, message: $0.message) }
            }
            var resolved: [JobDependency] = []
            for (index, dependency) in spec.dependsOn.enumerated() {
                var target = dependency.jobId
                if let name = dependency.jobName {
                    guard let known = idsByName[name] else {
                        issues.append(ValidationIssue(location: label, field: "dependsOn[\(index)].jobName", message: "no job named '\(name)' in this file"))
                        continue
                    }
                    target = known.id
                }
                if let id = target {
                    guard let size = try targetSize(db, id, pendingNames: idsByName) else {
                        issues.append(ValidationIssue(location: label, field: "dependsOn[\(index)].jobId", message: "unknown job '\(id)'"))
                        continue
                    }
                    if dependency.type == .nToN, size != spec.arraySize {
                        issues.append(ValidationIssue(location: label, field: "dependsOn[\(index)]", message: "N_TO_N needs an array job of the same size (\(id) has size \(size.map(String.init) ?? "none"), this job \(spec.arraySize.map(String.init) ?? "none"))"))
                    }
                }
                resolved.append(JobDependency(jobId: target, type: dependency.type))
            }
            spec.dependsOn = resolved
            let id = JobID.make()
            idsByName[request.jobName] = (id, spec.arraySize)
            plans.append((request, spec, id))
        }
        if !issues.isEmpty { throw DroverError.invalid(issues) }
        for (_, spec, id) in plans {
            try insert(db, id: id, spec: spec, runKey: runKey, now: now)
        }
        return plans.map { SubmittedJob(jobId: $0.2, jobName: $0.0.jobName) }
    }

    /// Size of the job `id` depends on: `.some(nil)` for a single job, nil when it does not exist.
    func targetSize(_ db: Database, _ id: String, pendingNames: [String: (id: String, size: Int?)]) throws -> Int?? {
        if let pending = pendingNames.values.first(where: { $0.id == id }) { return .some(pending.size) }
        guard let row = try Row.fetchOne(db, sql: "SELECT array_size FROM job WHERE id = ?", arguments: [id]) else { return nil }
        return .some(row["array_size"] as Int?)
    }

    /// Orders requests so that every job comes after the jobs it names by `jobName`; rejects cycles.
    static func dependencyOrder(_ requests: [SubmitJobRequest]) throws(DroverError) -> [SubmitJobRequest] {
        switch DependencyOrder.sorted(requests) {
        case .success(let ordered): return ordered
        case .failure(let problem): throw DroverError("\(problem.message); nothing was submitted")
        }
    }

    /// Inserts a job (and its children), deciding at once which can run.
    func insert(_ db: Database, id: String, spec: JobSpec, runKey: String?, now: EpochMillis) throws {
        let specText = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
        specs.withLock { $0[id] = spec }
        if let tags = spec.tags, !tags.isEmpty { try setTags(db, "job/\(id)", tags) }
        let plain = spec.dependsOn.filter { $0.type == nil }.compactMap(\.jobId)
        let nToN = spec.dependsOn.filter { $0.type == .nToN }.compactMap(\.jobId)
        for dependency in spec.dependsOn {
            if let target = dependency.jobId {
                try db.execute(sql: "INSERT OR IGNORE INTO dependency VALUES (?, ?, ?)", arguments: [id, target, dependency.type?.rawValue])
            }
        }
        let plainDecision = DependencyDecision.decide(try plain.map { try status(db, $0) })
        guard let size = spec.arraySize else {
            let (initial, reason) = Self.initialStatus(plainDecision)
            try db.execute(sql: """
                INSERT INTO job(id, name, queue, definition, status, status_reason, created_at, stopped_at, spec, run_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, spec.jobName, spec.jobQueue, spec.jobDefinition, initial.rawValue, reason, now,
                                 initial.isTerminal ? now : nil, specText, runKey])
            return
        }
        try db.execute(sql: """
            INSERT INTO job(id, array_size, name, queue, definition, status, created_at, spec, sequential, run_key)
            VALUES (?, ?, ?, ?, ?, \(JobStatus.pending.sql), ?, ?, ?, ?)
            """, arguments: [id, size, spec.jobName, spec.jobQueue, spec.jobDefinition, now, specText, spec.isSequential, runKey])
        let simple = nToN.isEmpty && !spec.isSequential
        let statement = try db.cachedStatement(sql: """
            INSERT INTO job(id, parent_id, array_index, name, queue, definition, status, status_reason, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let first = Self.initialStatus(plainDecision)
        let childStatus = simple || plainDecision == .fail ? first.status : .pending
        let reason = simple || plainDecision == .fail ? first.reason : nil
        for index in 0..<size {
            try statement.execute(arguments: [JobID.child(id, index), id, index, spec.jobName, spec.jobQueue, spec.jobDefinition,
                                              childStatus.rawValue, reason, now])
        }
        if childStatus == .failed {
            try db.execute(sql: "UPDATE job SET stopped_at = ? WHERE parent_id = ?", arguments: [now, id])
            try jobsFinished(db, (0..<size).map { (JobID.child(id, $0), JobStatus.failed) }, now: now)
        } else if !simple && plainDecision == .release {
            try evaluate(db, candidates: (0..<size).map { JobID.child(id, $0) }, now: now)
        }
    }

    static func initialStatus(_ decision: DependencyDecision) -> (status: JobStatus, reason: String?) {
        switch decision {
        case .release: return (.runnable, nil)
        case .wait: return (.pending, nil)
        case .fail: return (.failed, Reasons.dependentJobFailed)
        }
    }

    /// Status of one job, nil when it does not exist.
    func status(_ db: Database, _ id: String) throws -> JobStatus? {
        try db.row("SELECT status FROM job WHERE id = ?", [id]).flatMap { JobStatus(rawValue: $0[0]) }
    }
}
