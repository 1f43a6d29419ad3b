import DroverCore
import GRDB

/// What `drover retry-failed` did.
public struct RerunResult: Sendable, Equatable, Encodable {
    /// The children put back to run, in index order.
    public var retried: [String] = []
    /// Failed children left alone: cancelled or terminated ones without `includeCancelled`, or not among the indices.
    public var leftAlone = 0
}

extension Store {
    /// `drover retry-failed`: the failed children of a finished array run again under the same parent id. Each gets a
    /// fresh retry budget (its retry rules count the attempts from now on; the attempt numbers go on, and the earlier
    /// attempts stay in its history) and goes back to PENDING, where its dependencies decide at once (RUNNABLE, or
    /// waiting on an earlier child of a `SEQUENTIAL` array). The parent is PENDING again until they end. Succeeded
    /// children are not touched; cancelled and terminated ones only with `includeCancelled`; with `indices`, only those.
    /// Jobs that failed because this array did (its dependants) are left as they are: retry them the same way.
    public func retryFailed(_ id: String, indices: [Int]? = nil, includeCancelled: Bool = false, now: EpochMillis = nowMillis()) throws(DroverError) -> RerunResult {
        try write { db in
            guard let parent = try db.row("SELECT array_size, status FROM job WHERE id = ?", [id]) else { throw DroverError.unknownJob(id) }
            guard let size = parent[0] as Int? else {
                throw DroverError("\(id) is not an array job: retry-failed runs the failed children of a finished array again", exitCode: 2)
            }
            let status = JobStatus(rawValue: parent[1]) ?? .failed
            guard status.isTerminal else {
                throw DroverError("array \(id) is \(status.rawValue): retry-failed works on a finished array (wait for it to end, or cancel it)", exitCode: 1)
            }
            if let outside = indices?.first(where: { !(0..<size).contains($0) }) {
                throw DroverError("index \(outside) is not in array \(id) (its indices are 0-\(size - 1))", exitCode: 2)
            }
            let wanted = indices.map(Set.init)
            var result = RerunResult()
            for row in try db.rows("SELECT id, array_index, stopped_by FROM job WHERE parent_id = ? AND status = \(JobStatus.failed.sql) ORDER BY array_index", [id]) {
                let index: Int = row[1]
                if let wanted, !wanted.contains(index) { continue }
                guard includeCancelled || (row[2] as String?) == nil else {
                    result.leftAlone += 1
                    continue
                }
                try db.run("""
                    UPDATE job SET status = \(JobStatus.pending.sql), status_reason = NULL, stopped_at = NULL, exit_code = NULL,
                    container_reason = NULL, terminate_reason = NULL, stopped_by = NULL, blocked = 0, reason_key = NULL, reason_since = NULL,
                    interruptions = 0, environment_floor = 0, attempt_base = attempts, pid = NULL, host = NULL, cluster_job = NULL
                    WHERE id = ? AND \(JobTransition.rerun.condition)
                    """, [row[0] as String])
                if db.changesCount == 1 { result.retried.append(row[0]) }
            }
            guard !result.retried.isEmpty else { return result }
            try db.run("""
                UPDATE job SET status = \(JobStatus.pending.sql), status_reason = NULL, stopped_at = NULL, stopped_by = NULL,
                failed_children = failed_children - ? WHERE id = ? AND \(JobTransition.rerun.condition)
                """, [result.retried.count, id])
            let decided = try evaluate(db, candidates: result.retried, now: now)
            if !decided.failed.isEmpty { try jobsFinished(db, decided.failed, now: now) }
            return result
        }
    }
}
