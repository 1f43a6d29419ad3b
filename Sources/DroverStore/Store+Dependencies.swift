import DroverCore
import GRDB

extension Store {
    /// Propagates jobs that just became SUCCEEDED or FAILED: array parents' counts and status,
    /// SEQUENTIAL successors, N_TO_N partners and plain dependents, transitively.
    ///
    /// Runs inside the write transaction that finished the jobs.
    func jobsFinished(_ db: Database, _ finished: [(id: String, status: JobStatus)], now: EpochMillis) throws {
        var work = finished
        while !work.isEmpty {
            let (id, status) = work.removeLast()
            var candidates: [String] = []
            let (top, index) = JobID.split(id)
            if let index, let parent = try Row.fetchOne(db, sql: "SELECT array_size, sequential FROM job WHERE id = ?", arguments: [top]),
               let size = parent["array_size"] as Int? {
                let column = status == .succeeded ? "succeeded_children" : "failed_children"
                try db.execute(sql: "UPDATE job SET \(column) = \(column) + 1 WHERE id = ?", arguments: [top])
                let counts = try Row.fetchOne(db, sql: "SELECT succeeded_children, failed_children, status FROM job WHERE id = ?", arguments: [top])!
                let parentStatus = ArrayStatus.parentStatus(size: size, succeeded: counts["succeeded_children"], failed: counts["failed_children"])
                if parentStatus.isTerminal, (counts["status"] as String) != parentStatus.rawValue {
                    try db.execute(sql: "UPDATE job SET status = ?, status_reason = ?, stopped_at = ? WHERE id = ?",
                                   arguments: [parentStatus.rawValue, parentStatus == .failed ? Reasons.arrayChildFailed : nil, now, top])
                    work.append((top, parentStatus))
                }
                if (parent["sequential"] as Bool), index + 1 < size {
                    candidates.append(JobID.child(top, index + 1))
                }
                for dependent in try String.fetchAll(db, sql: "SELECT job_id FROM dependency WHERE depends_on = ? AND type = 'N_TO_N'", arguments: [top]) {
                    candidates.append(JobID.child(dependent, index))
                }
            }
            for dependent in try String.fetchAll(db, sql: "SELECT job_id FROM dependency WHERE depends_on = ? AND type IS NULL", arguments: [id]) {
                if try Int.fetchOne(db, sql: "SELECT array_size FROM job WHERE id = ?", arguments: [dependent]) != nil {
                    candidates += try String.fetchAll(db, sql: "SELECT id FROM job WHERE parent_id = ? AND status = 'PENDING' ORDER BY array_index", arguments: [dependent])
                } else {
                    candidates.append(dependent)
                }
            }
            work += try evaluate(db, candidates: candidates, now: now)
        }
    }

    /// Re-decides PENDING jobs: releases those whose dependencies all succeeded, fails those with a
    /// failed dependency (`Dependent Job failed`), and propagates the failures.
    @discardableResult
    func evaluate(_ db: Database, candidates: [String], now: EpochMillis) throws -> [(id: String, status: JobStatus)] {
        var failed: [(id: String, status: JobStatus)] = []
        for candidate in candidates {
            guard let row = try Row.fetchOne(db, sql: "SELECT status, array_size FROM job WHERE id = ?", arguments: [candidate]),
                  (row["status"] as String) == JobStatus.pending.rawValue, (row["array_size"] as Int?) == nil else { continue }
            let (top, index) = JobID.split(candidate)
            var statuses: [JobStatus?] = []
            for row in try Row.fetchAll(db, sql: "SELECT depends_on, type FROM dependency WHERE job_id = ?", arguments: [top]) {
                let target: String = row["depends_on"]
                let type = (row["type"] as String?).flatMap(DependencyType.init(rawValue:))
                if type == .nToN, let index {
                    statuses.append(try status(db, JobID.child(target, index)))
                } else {
                    statuses.append(try status(db, target))
                }
            }
            if let index, index > 0, try Bool.fetchOne(db, sql: "SELECT sequential FROM job WHERE id = ?", arguments: [top]) == true {
                statuses.append(try status(db, JobID.child(top, index - 1)))
            }
            switch DependencyDecision.decide(statuses) {
            case .wait:
                continue
            case .release:
                try db.execute(sql: "UPDATE job SET status = 'RUNNABLE', status_reason = NULL WHERE id = ?", arguments: [candidate])
            case .fail:
                try db.execute(sql: "UPDATE job SET status = 'FAILED', status_reason = ?, stopped_at = ? WHERE id = ?",
                               arguments: [Reasons.dependentJobFailed, now, candidate])
                failed.append((candidate, .failed))
            }
        }
        return failed
    }
}
