import DroverCore
import GRDB

/// What `cancel` or `terminate` did.
public struct StopResult: Sendable, Equatable, Codable {
    /// Jobs that went to FAILED at once.
    public var stopped: Int = 0
    /// Running jobs asked to stop (the engine sends SIGTERM, then SIGKILL).
    public var terminating: Int = 0
    /// Jobs left alone (already finished, or running under `cancel`).
    public var untouched: Int = 0

    /// Creates a result.
    public init(stopped: Int = 0, terminating: Int = 0, untouched: Int = 0) {
        self.stopped = stopped
        self.terminating = terminating
        self.untouched = untouched
    }
}

/// Which request stopped a job: AWS's `isCancelled` and `isTerminated`.
public enum StopKind: String, Sendable, Codable {
    case cancel = "CANCEL"
    case terminate = "TERMINATE"
}

extension Store {
    /// `CancelJob`: SUBMITTED, PENDING and RUNNABLE jobs go to FAILED with `reason`; STARTING and
    /// RUNNING jobs are left alone. On an array parent it applies to every child.
    ///
    /// A PENDING job with an attempt held on a cluster (``JobTransition/handOver``) is asked to stop instead, as a
    /// running job is by `terminate`: the cluster may have started it already, unseen. The engine takes it off the
    /// cluster; if it had not started, the job then fails with `reason` and no attempt, else its attempt is recorded
    /// as terminated.
    public func cancel(_ id: String, reason: String) throws(DroverError) -> StopResult {
        try stop(id, reason: reason, terminateRunning: false)
    }

    /// `TerminateJob`: like cancel, and STARTING or RUNNING jobs are stopped by the engine and FAILED
    /// with `reason`. Cancelled and terminated jobs are never retried.
    public func terminate(_ id: String, reason: String) throws(DroverError) -> StopResult {
        try stop(id, reason: reason, terminateRunning: true)
    }

    func stop(_ id: String, reason: String, terminateRunning: Bool) throws(DroverError) -> StopResult {
        try write { db in try stop(db, id, reason: reason, terminateRunning: terminateRunning) }
    }

    /// ``cancel(_:reason:)`` or ``terminate(_:reason:)`` inside the caller's write transaction.
    func stop(_ db: Database, _ id: String, reason: String, terminateRunning: Bool, now: EpochMillis = nowMillis()) throws -> StopResult {
        guard let row = try Row.fetchOne(db, sql: "SELECT array_size FROM job WHERE id = ?", arguments: [id]) else {
            throw DroverError.unknownJob(id)
        }
        var result = StopResult()
        let isArray = (row["array_size"] as Int?) != nil
        let kind: StopKind = terminateRunning ? .terminate : .cancel
        let targets = isArray
            ? try Row.fetchAll(db, sql: "SELECT id, status, held FROM job WHERE parent_id = ? ORDER BY array_index", arguments: [id])
            : try Row.fetchAll(db, sql: "SELECT id, status, held FROM job WHERE id = ?", arguments: [id])
        var finished: [(id: String, status: JobStatus)] = []
        var started: [String] = []
        for target in targets {
            guard let status = JobStatus(rawValue: target["status"]) else { continue }
            if status.isCancellable && target["held"] == true {
                started.append(target["id"])
            } else if status.isCancellable {
                finished.append((target["id"], .failed))
            } else if status.isActive && terminateRunning {
                started.append(target["id"])
            } else {
                result.untouched += 1
            }
        }
        // The jobs that have not started fail in one statement, an array's children together: the same rows as those
        // selected above (this transaction sees no other change), where a statement per child held the store's write
        // lock for a minute on a million-child array, and every other request with it.
        if !finished.isEmpty {
            try db.execute(sql: "UPDATE job SET status = \(JobStatus.failed.sql), status_reason = ?, stopped_at = ?, blocked = 0, reason_key = NULL, reason_since = NULL, stopped_by = ? WHERE \(isArray ? "parent_id" : "id") = ? AND \(JobTransition.cancel.condition) AND held = 0", arguments: [reason, now, kind.rawValue, id])
            result.stopped = finished.count
        }
        for targetId in started {
            // A held job keeps its kind (a cancel is no terminate); it stays PENDING until the engine knows.
            try db.execute(sql: "UPDATE job SET terminate_reason = ?, stopped_by = CASE WHEN held = 1 THEN ? ELSE 'TERMINATE' END WHERE id = ?",
                           arguments: [reason, kind.rawValue, targetId])
            result.terminating += 1
        }
        if isArray && result.stopped + result.terminating > 0 {
            try db.execute(sql: "UPDATE job SET stopped_by = ? WHERE id = ?", arguments: [kind.rawValue, id])
        }
        try jobsFinished(db, finished, now: now)
        return result
    }
}
