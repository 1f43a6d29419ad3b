import DroverCore
import GRDB

/// Which jobs `drover jobs` lists.
public struct JobFilter: Sendable {
    /// Only this queue.
    public var queue: String?
    /// Only these statuses; empty means the active ones (everything not finished).
    public var statuses: [JobStatus] = []
    /// Every status.
    public var all = false
    /// Children of this array instead of top-level jobs.
    public var arrayJobId: String?
    /// Only jobs placed on this compute environment, array children included; with no status given, those it runs
    /// now (STARTING, RUNNING), which is what keeps it from being deleted.
    public var computeEnvironment: String?
    /// At most this many rows.
    public var limit = 1000

    /// Creates a filter.
    public init(queue: String? = nil, statuses: [JobStatus] = [], all: Bool = false, arrayJobId: String? = nil,
                computeEnvironment: String? = nil, limit: Int = 1000) {
        self.queue = queue
        self.statuses = statuses
        self.all = all
        self.arrayJobId = arrayJobId
        self.computeEnvironment = computeEnvironment
        self.limit = limit
    }

    /// The statuses listed: those given, else every one with ``all``, else the active ones on an environment and the
    /// unfinished ones otherwise. Empty means any.
    var shownStatuses: [JobStatus] {
        guard statuses.isEmpty && !all else { return statuses }
        return computeEnvironment == nil ? JobStatus.allCases.filter { !$0.isTerminal } : JobStatus.allCases.filter(JobStatus.active.contains)
    }
}

extension Store {
    static let jobColumns = """
        id, name, queue, definition, status, status_reason, created_at, started_at, stopped_at, attempts - held,
        environment, exit_code, container_reason, parent_id, array_index, array_size, pid, terminate_reason, host, cluster_job
        """

    /// A job from a row whose first columns are ``jobColumns``, read by position (GRDB's lookup by name lower-cases
    /// the name on every read, a tenth of DescribeJobs' time). Its attempts are those made: an attempt held on a
    /// cluster ahead of the job's dependencies counts once it starts or the job is released.
    static func record(_ row: Row) -> JobRecord {
        let status = JobStatus(rawValue: row[4]) ?? .failed
        let attempts: Int = row[9]
        let arraySize: Int? = row[15]
        let reason = JobRecord.statusReason(stored: row[5], status: status, isParent: arraySize != nil, attempts: attempts)
        return JobRecord(
            jobId: row[0], jobName: row[1], jobQueue: row[2], jobDefinition: row[3],
            status: status, statusReason: reason,
            createdAt: row[6], startedAt: row[7], stoppedAt: row[8],
            attempts: attempts, computeEnvironment: row[10], exitCode: row[11],
            containerReason: row[12], parentId: row[13], arrayIndex: row[14],
            arraySize: arraySize, pid: row[16], terminateReason: row[17], host: row[18], clusterJob: row[19])
    }

    /// One job, or nil.
    public func job(_ id: String) throws(DroverError) -> JobRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.jobColumns) FROM job WHERE id = ?", arguments: [id]).map(Self.record)
        }
    }

    /// Jobs matching `filter`, oldest first.
    public func jobs(_ filter: JobFilter) throws(DroverError) -> [JobRecord] {
        try read { db in
            var clauses: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let parent = filter.arrayJobId {
                clauses.append("parent_id = ?")
                arguments.append(parent)
            } else if filter.computeEnvironment == nil {
                clauses.append("parent_id IS NULL")
            }
            if let environment = filter.computeEnvironment {
                clauses.append("environment = ?")
                arguments.append(environment)
            }
            if let queue = filter.queue {
                clauses.append("queue = ?")
                arguments.append(queue)
            }
            let statuses = filter.shownStatuses
            if !statuses.isEmpty {
                clauses.append("status IN (\(statuses.map { "'\($0.rawValue)'" }.joined(separator: ",")))")
            }
            arguments.append(filter.limit)
            let sql = "SELECT \(Self.jobColumns) FROM job WHERE \(clauses.joined(separator: " AND ")) ORDER BY seq LIMIT ?"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(Self.record)
        }
    }

    /// Attempts of a job, in order; an attempt still running is shown from the job's row.
    public func attempts(_ id: String) throws(DroverError) -> [AttemptRecord] {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.jobColumns) FROM job WHERE id = ?", arguments: [id]) else { return [] }
            return try attempts(db, of: [Self.record(row)])[id] ?? []
        }
    }

    /// Count of an array's children per status (AWS's `statusSummary`, zeros left out), and how
    /// many children needed more than one attempt.
    public func childSummary(_ parent: String) throws(DroverError) -> (counts: [JobStatus: Int], retried: Int) {
        try read { db in try childSummary(db, parent) }
    }

    /// ``childSummary(_:)`` inside the caller's transaction.
    func childSummary(_ db: Database, _ parent: String) throws -> (counts: [JobStatus: Int], retried: Int) {
        var counts: [JobStatus: Int] = [:]
        var retried = 0
        for row in try Row.fetchAll(db, sql: "SELECT status, count(*) AS n, sum(attempts > 1) AS r FROM job WHERE parent_id = ? GROUP BY status", arguments: [parent]) {
            if let status = JobStatus(rawValue: row["status"]) { counts[status] = row["n"] }
            retried += (row["r"] as Int?) ?? 0
        }
        return (counts, retried)
    }

    /// Top-level jobs of an earlier `drover run` of the same file that have not all finished.
    public func unfinishedRun(_ runKey: String) throws(DroverError) -> [JobRecord] {
        try read { db in try unfinishedRun(db, runKey) }
    }

    /// ``unfinishedRun(_:)`` inside the caller's transaction.
    func unfinishedRun(_ db: Database, _ runKey: String) throws -> [JobRecord] {
        let rows = try Row.fetchAll(db, sql: "SELECT \(Self.jobColumns) FROM job WHERE run_key = ? ORDER BY seq", arguments: [runKey]).map(Self.record)
        return rows.contains { !$0.status.isTerminal } ? rows : []
    }

    /// The stored document of a definition revision (`name:revision`), unknown fields included.
    public func definitionDocument(_ ref: String) throws(DroverError) -> String? {
        try read { db in
            let parts = ref.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let revision = Int(parts[1]) else { return nil }
            return try String.fetchOne(db, sql: "SELECT document FROM job_definition WHERE name = ? AND revision = ?", arguments: [parts[0], revision])
        }
    }
}

extension Store {
    /// Current status of each of `ids` (missing ids are left out).
    public func statuses(_ ids: [String]) throws(DroverError) -> [String: JobStatus] {
        try read { db in
            var result: [String: JobStatus] = [:]
            for id in ids {
                if let text = try String.fetchOne(db, sql: "SELECT status FROM job WHERE id = ?", arguments: [id]),
                   let status = JobStatus(rawValue: text) {
                    result[id] = status
                }
            }
            return result
        }
    }

    /// Whether the state directory holds jobs that are RUNNABLE or running.
    public func countActive() throws(DroverError) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM job WHERE \(JobStatus.condition(JobStatus.active.union([.runnable])))") ?? 0
        }
    }
}
