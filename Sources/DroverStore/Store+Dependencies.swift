import DroverCore
import GRDB

extension Store {
    /// Propagates jobs that just became SUCCEEDED or FAILED: array parents' counts and status,
    /// SEQUENTIAL successors, N_TO_N partners and plain dependents, transitively.
    ///
    /// Runs inside the write transaction that finished the jobs.
    /// - Returns: whether some job became RUNNABLE.
    @discardableResult
    func jobsFinished(_ db: Database, _ finished: [(id: String, status: JobStatus)], now: EpochMillis) throws -> Bool {
        var work = finished
        var released = false
        while !work.isEmpty {
            let (id, status) = work.removeLast()
            var candidates: [String] = []
            let (top, index) = JobID.split(id)
            if let index, let parent = try db.row("SELECT array_size, sequential FROM job WHERE id = ?", [top]),
               let size = parent[0] as Int? {
                let succeededDelta = status == .succeeded ? 1 : 0
                try db.run("UPDATE job SET succeeded_children = succeeded_children + ?, failed_children = failed_children + ? WHERE id = ?",
                           [succeededDelta, 1 - succeededDelta, top])
                let counts = try db.row("SELECT succeeded_children, failed_children, status FROM job WHERE id = ?", [top])!
                let parentStatus = ArrayStatus.parentStatus(size: size, succeeded: counts[0], failed: counts[1])
                if parentStatus.isTerminal, (counts[2] as String) != parentStatus.rawValue {
                    try db.run("UPDATE job SET status = ?, status_reason = ?, stopped_at = ? WHERE id = ?",
                               [parentStatus.rawValue, parentStatus == .failed ? Reasons.arrayChildFailed : nil, now, top])
                    work.append((top, parentStatus))
                }
                if (parent[1] as Bool), index + 1 < size {
                    candidates.append(JobID.child(top, index + 1))
                }
                for dependent in try db.strings("SELECT job_id FROM dependency WHERE depends_on = ? AND type = 'N_TO_N'", [top]) {
                    candidates.append(JobID.child(dependent, index))
                }
            }
            for dependent in try db.strings("SELECT job_id FROM dependency WHERE depends_on = ? AND type IS NULL", [id]) {
                if try db.row("SELECT array_size FROM job WHERE id = ?", [dependent])?[0] as Int? != nil {
                    candidates += try db.strings("SELECT id FROM job WHERE parent_id = ? AND status = 'PENDING' ORDER BY array_index", [dependent])
                } else {
                    candidates.append(dependent)
                }
            }
            let outcome = try evaluate(db, candidates: candidates, now: now)
            work += outcome.failed
            released = released || outcome.released
        }
        return released
    }

    /// Re-decides PENDING jobs: releases those whose dependencies all succeeded, fails those with a
    /// failed dependency (`Dependent Job failed`), and propagates the failures.
    @discardableResult
    func evaluate(_ db: Database, candidates: [String], now: EpochMillis) throws -> (failed: [(id: String, status: JobStatus)], released: Bool) {
        var failed: [(id: String, status: JobStatus)] = []
        var released = false
        for candidate in candidates {
            guard let row = try db.row("SELECT status, array_size FROM job WHERE id = ?", [candidate]),
                  (row[0] as String) == JobStatus.pending.rawValue, (row[1] as Int?) == nil else { continue }
            let (top, index) = JobID.split(candidate)
            var statuses: [JobStatus?] = []
            for row in try db.rows("SELECT depends_on, type FROM dependency WHERE job_id = ?", [top]) {
                let target: String = row[0]
                let type = (row[1] as String?).flatMap(DependencyType.init(rawValue:))
                if type == .nToN, let index {
                    statuses.append(try status(db, JobID.child(target, index)))
                } else {
                    statuses.append(try status(db, target))
                }
            }
            if let index, index > 0, try db.row("SELECT sequential FROM job WHERE id = ?", [top])?[0] as Bool? == true {
                statuses.append(try status(db, JobID.child(top, index - 1)))
            }
            switch DependencyDecision.decide(statuses) {
            case .wait:
                continue
            case .release:
                try db.run("UPDATE job SET status = 'RUNNABLE', status_reason = NULL WHERE id = ?", [candidate])
                released = true
            case .fail:
                try db.run("UPDATE job SET status = 'FAILED', status_reason = ?, stopped_at = ? WHERE id = ?",
                           [Reasons.dependentJobFailed, now, candidate])
                failed.append((candidate, .failed))
            }
        }
        return (failed, released)
    }
}
