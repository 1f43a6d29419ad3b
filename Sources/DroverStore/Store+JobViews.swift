import DroverCore
import Foundation
import GRDB

/// A job with everything `DescribeJobs` shows, read in one snapshot.
public struct JobView: Sendable {
    /// The job's row.
    public var record: JobRecord
    /// What it runs (a child's is its parent's).
    public var spec: JobSpec
    /// Its attempts, in order, the running one included.
    public var attempts: [AttemptRecord]
    /// For an array parent, its children per status.
    public var childCounts: [JobStatus: Int]?
    /// Whether a cancel or terminate request stopped it.
    public var stoppedBy: StopKind?
    /// Its tags (`tags` at submit, then `TagResource`).
    public var tags: [String: String]
}

/// What `ListJobs` asks for.
public struct JobListQuery: Sendable {
    /// Jobs of this queue (top-level jobs only), or...
    public var queue: String?
    /// ...the children of this array.
    public var arrayJobId: String?
    /// Statuses to include; empty: any.
    public var statuses: [JobStatus] = []
    /// Case-insensitive job name; with `namePrefix`, names that begin with it.
    public var name: String?
    public var namePrefix = false
    /// Definition name (any revision), `name:revision`; with `definitionPrefix`, names that begin with it.
    public var definition: String?
    public var definitionPrefix = false
    /// Created strictly before / after these epoch milliseconds.
    public var createdBefore: EpochMillis?
    public var createdAfter: EpochMillis?
    /// Most recent first (AWS's order when a filter is given), else oldest first.
    public var newestFirst = false
    /// Continue after this position (from the previous page's `next`).
    public var after: Int64?
    /// Page size.
    public var limit = 1000

    /// Creates a query.
    public init() {}
}

extension Store {
    /// The jobs among `ids` that exist, in the order asked (each once); unknown ids are left out.
    public func jobViews(_ ids: [String]) throws(DroverError) -> [JobView] {
        var seen = Set<String>()
        let unique = ids.filter { seen.insert($0).inserted }
        guard !unique.isEmpty else { return [] }
        return try read { db in
            let marks = Array(repeating: "?", count: unique.count).joined(separator: ",")
            let rows = try Row.fetchAll(db, sql: "SELECT \(Self.jobColumns), stopped_by FROM job WHERE id IN (\(marks))", arguments: StatementArguments(unique))
            var byId: [String: (JobRecord, StopKind?)] = [:]
            for row in rows {
                let record = Self.record(row)
                byId[record.jobId] = (record, (row[20] as String?).flatMap(StopKind.init(rawValue:)))
            }
            let found = unique.compactMap { byId[$0] }
            let attempts = try self.attempts(db, of: found.map(\.0))
            let tags = try self.tags(db, resources: found.map { "job/\($0.0.jobId)" })
            return try found.map { record, stoppedBy in
                var counts: [JobStatus: Int]?
                if record.arraySize != nil {
                    counts = try childSummary(db, record.jobId).counts
                }
                return JobView(record: record, spec: try spec(db, top: JobID.split(record.jobId).parent),
                               attempts: attempts[record.jobId] ?? [], childCounts: counts, stoppedBy: stoppedBy,
                               tags: tags["job/\(record.jobId)"] ?? [:])
            }
        }
    }

    /// One page of jobs for `ListJobs`, and the position to continue from when there are more.
    public func listJobs(_ query: JobListQuery) throws(DroverError) -> (jobs: [JobRecord], next: Int64?) {
        try read { db in
            var clauses: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let parent = query.arrayJobId {
                clauses.append("parent_id = ?")
                arguments.append(parent)
            } else {
                clauses.append("parent_id IS NULL")
            }
            if let queue = query.queue {
                clauses.append("queue = ?")
                arguments.append(queue)
            }
            if !query.statuses.isEmpty {
                clauses.append(JobStatus.condition(Set(query.statuses)))
            }
            if let name = query.name {
                // SQLite's LIKE is case-insensitive for ASCII; `\` escapes the pattern's own wildcards.
                clauses.append("name LIKE ? ESCAPE '\\'")
                arguments.append(Self.likeEscaped(name) + (query.namePrefix ? "%" : ""))
            }
            if let definition = query.definition {
                if query.definitionPrefix {
                    clauses.append("definition GLOB ?")
                    arguments.append(Self.globEscaped(definition) + "*")
                } else if definition.contains(":") {
                    clauses.append("definition = ?")
                    arguments.append(definition)
                } else {
                    clauses.append("definition GLOB ?")
                    arguments.append(Self.globEscaped(definition) + ":*")
                }
            }
            if let before = query.createdBefore {
                clauses.append("created_at < ?")
                arguments.append(before)
            }
            if let after = query.createdAfter {
                clauses.append("created_at > ?")
                arguments.append(after)
            }
            if let position = query.after {
                clauses.append(query.newestFirst ? "seq < ?" : "seq > ?")
                arguments.append(position)
            }
            arguments.append(query.limit + 1)
            let sql = """
                SELECT \(Self.jobColumns), seq FROM job WHERE \(clauses.joined(separator: " AND "))
                ORDER BY seq \(query.newestFirst ? "DESC" : "ASC") LIMIT ?
                """
            let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
            let page = rows.prefix(query.limit)
            let next: Int64? = rows.count > query.limit ? page.last.map { $0[20] } : nil
            return (page.map(Self.record), next)
        }
    }

    /// Attempts of each of `records`, in order; the attempt under way of a STARTING or RUNNING job comes from its row.
    func attempts(_ db: Database, of records: [JobRecord]) throws -> [String: [AttemptRecord]] {
        guard !records.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: records.count).joined(separator: ",")
        var result: [String: [AttemptRecord]] = [:]
        let rows = try Row.fetchAll(db, sql: "SELECT \(Self.attemptColumns), job_id FROM attempt WHERE job_id IN (\(marks)) ORDER BY job_id, number",
                                    arguments: StatementArguments(records.map(\.jobId)))
        for row in rows {
            result[row[17], default: []].append(Self.attempt(row))
        }
        for record in records where record.status.isActive {
            var list = result[record.jobId] ?? []
            list.removeAll { $0.number >= record.attempts }
            list.append(AttemptRecord(number: record.attempts, computeEnvironment: record.computeEnvironment, pid: record.pid,
                                      startedAt: record.startedAt, host: record.host, clusterJob: record.clusterJob))
            result[record.jobId] = list
        }
        return result
    }

    static let attemptColumns = """
        number, environment, pid, started_at, stopped_at, exit_code, reason, status_reason, instance_id, signal, interrupted,
        simulated_seconds, cost, on_demand_cost, experiment, host, cluster_job
        """

    /// An attempt from a row whose first columns are ``attemptColumns``, read by position.
    static func attempt(_ row: Row) -> AttemptRecord {
        AttemptRecord(number: row[0], computeEnvironment: row[1], pid: row[2], startedAt: row[3], stoppedAt: row[4], exitCode: row[5],
                      reason: row[6], statusReason: row[7] ?? Reasons.containerExited, instanceId: row[8], signal: row[9],
                      interrupted: row[10], simulatedSeconds: row[11], cost: row[12], onDemandCost: row[13], experiment: row[14],
                      host: row[15], clusterJob: row[16])
    }

    /// `pattern` with LIKE's wildcards taken literally.
    static func likeEscaped(_ pattern: String) -> String {
        pattern.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// `pattern` with GLOB's wildcards taken literally.
    static func globEscaped(_ pattern: String) -> String {
        var out = ""
        for character in pattern {
            if "*?[".contains(character) { out += "[\(character)]" } else { out.append(character) }
        }
        return out
    }
}
