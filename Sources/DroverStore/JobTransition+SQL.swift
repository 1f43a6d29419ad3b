import DroverCore

extension JobStatus {
    /// The status as an SQL string literal (`'RUNNABLE'`).
    var sql: String { "'\(rawValue)'" }

    /// `status IN (...)` for `statuses`, in the order a job passes through them.
    static func condition(_ statuses: Set<JobStatus>) -> String {
        "status IN (\(statuses.sorted().map(\.sql).joined(separator: ",")))"
    }
}

extension JobTransition {
    /// The `WHERE` condition under which the store applies this transition: the job is in one of
    /// the states it may leave (a PENDING job starts only with an attempt held on a cluster, and is handed over
    /// only without one).
    var condition: String {
        switch self {
        case .start: "(status = \(JobStatus.starting.sql) OR (status = \(JobStatus.pending.sql) AND held = 1))"
        case .handOver: "(status = \(JobStatus.pending.sql) AND held = 0)"
        default: JobStatus.condition(from)
        }
    }
}
