import DroverCore
import Foundation
import GRDB

extension Store {
    /// Acts on the queues' `jobStateTimeLimitActions` at `now` (epoch ms): every RUNNABLE job whose
    /// status reason has matched an action for its `maxTimeSeconds` (``TimeLimitDecision``) is
    /// cancelled as `CancelJob` (or `TerminateJob`, for a TERMINATE action) would: FAILED with AWS's
    /// reason, `isCancelled` (or `isTerminated`) set, its dependents failed, its array parent decided.
    /// Returns the jobs it stopped.
    @discardableResult
    public func applyTimeLimitActions(now: EpochMillis) throws(DroverError) -> [String] {
        // A read first: most calls find nothing, and take no write lock for it.
        guard try read({ db in try !dueTimeLimits(db, now: now).isEmpty }) else { return [] }
        return try write { db in
            var stopped: [String] = []
            for (id, decision) in try dueTimeLimits(db, now: now) {
                let result: StopResult
                switch decision {
                case .keep: continue
                case .cancel(let reason): result = try stop(db, id, reason: reason, terminateRunning: false, now: now)
                case .terminate(let reason): result = try stop(db, id, reason: reason, terminateRunning: true, now: now)
                }
                if result.stopped > 0 { stopped.append(id) }
            }
            return stopped
        }
    }

    /// The RUNNABLE jobs an action is due for at `now`, with what it does.
    func dueTimeLimits(_ db: Database, now: EpochMillis) throws -> [(id: String, decision: TimeLimitDecision)] {
        var actions: [String: [JobStateTimeLimitAction]] = [:]
        for document in try String.fetchAll(db, sql: "SELECT document FROM job_queue") {
            let queue = try JSONDecoder().decode(JobQueue.self, from: Data(document.utf8))
            if let list = queue.jobStateTimeLimitActions, !list.isEmpty { actions[queue.jobQueueName] = list }
        }
        guard let shortest = actions.values.joined().map(\.maxTimeSeconds).min() else { return [] }
        // Only jobs with a placement reason have `reason_since` (a partial index holds them).
        let cutoff = Double(now) - Double(max(0, shortest)) * 1000
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, queue, status_reason, reason_since FROM job
            WHERE reason_since IS NOT NULL AND reason_since <= ? AND status = \(JobStatus.runnable.sql) AND status_reason IS NOT NULL
            ORDER BY seq
            """, arguments: [cutoff])
        return rows.compactMap { row in
            guard let list = actions[row["queue"]] else { return nil }
            let decision = TimeLimitDecision.decide(actions: list, status: .runnable, statusReason: row["status_reason"],
                                                    reasonSince: row["reason_since"], now: now)
            return decision == .keep ? nil : (row["id"], decision)
        }
    }

    /// Clears the reasons earlier engines gave RUNNABLE jobs that were waiting (not blocked): a new
    /// engine gives them again while they hold, and since when stays known (`reason_since`).
    public func forgetWaitReasons() throws(DroverError) {
        try write { db in
            try db.execute(sql: """
                UPDATE job SET status_reason = NULL
                WHERE reason_since IS NOT NULL AND status = \(JobStatus.runnable.sql) AND blocked = 0 AND status_reason IS NOT NULL
                """)
        }
    }
}
