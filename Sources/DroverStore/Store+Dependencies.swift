import DroverCore
import GRDB

extension Store {
    /// Propagates jobs that just became SUCCEEDED or FAILED: array parents' counts and status,
    /// SEQUENTIAL successors, N_TO_N partners and plain dependents, transitively.
    ///
    /// Runs inside the write transaction that finished the jobs. Children are handled per parent,
    /// so a batch of many children of one array costs a few statements, not a few per child.
    /// - Returns: whether some job became RUNNABLE.
    @discardableResult
    func jobsFinished(_ db: Database, _ finished: [(id: String, status: JobStatus)], now: EpochMillis) throws -> Bool {
        var work = finished
        var released = false
        while !work.isEmpty {
            let wave = work
            work = []
            var candidates: [String] = []
            var children: [String: [(index: Int, status: JobStatus)]] = [:]
            for (id, status) in wave {
                let (top, index) = JobID.split(id)
                if let index {
                    children[top, default: []].append((index, status))
                } else {
                    candidates += try plainDependents(db, of: id)
                }
            }
            for (top, done) in children {
                guard let parent = try db.row("SELECT array_size, sequential FROM job WHERE id = ?", [top]),
                      let size = parent[0] as Int? else { continue }
                let succeeded = done.filter { $0.status == .succeeded }.count
                try db.run("UPDATE job SET succeeded_children = succeeded_children + ?, failed_children = failed_children + ? WHERE id = ?",
                           [succeeded, done.count - succeeded, top])
                let counts = try db.row("SELECT succeeded_children, failed_children, status FROM job WHERE id = ?", [top])!
                let parentStatus = ArrayStatus.parentStatus(size: size, succeeded: counts[0], failed: counts[1])
                if parentStatus.isTerminal, (counts[2] as String) != parentStatus.rawValue {
                    try db.run("UPDATE job SET status = ?, status_reason = ?, stopped_at = ? WHERE id = ? AND \(JobTransition.arrayFinished.condition)",
                               [parentStatus.rawValue, parentStatus == .failed ? Reasons.arrayChildFailed : nil, now, top])
                    work.append((top, parentStatus))
                }
                if parent[1] as Bool {
                    candidates += done.filter { $0.index + 1 < size }.map { JobID.child(top, $0.index + 1) }
                }
                for dependent in try db.strings("SELECT job_id FROM dependency WHERE depends_on = ? AND type = 'N_TO_N'", [top]) {
                    candidates += done.map { JobID.child(dependent, $0.index) }
                }
                // Plain dependencies on single children (`--depends-on PARENT:INDEX`) are rare: one range query.
                let onChildren = try db.rows("SELECT job_id, depends_on FROM dependency WHERE depends_on > ? AND depends_on < ? AND type IS NULL",
                                             [top + ":", top + ";"])
                if !onChildren.isEmpty {
                    let finishedIds = Set(done.map { JobID.child(top, $0.index) })
                    for row in onChildren where finishedIds.contains(row[1]) {
                        candidates += try pendingParts(db, of: row[0])
                    }
                }
            }
            let outcome = try evaluate(db, candidates: candidates, now: now)
            work += outcome.failed
            released = released || outcome.released
        }
        return released
    }

    /// Jobs with a plain dependency on `id`, as candidates: a single job itself, or an array's PENDING children.
    func plainDependents(_ db: Database, of id: String) throws -> [String] {
        var candidates: [String] = []
        for dependent in try db.strings("SELECT job_id FROM dependency WHERE depends_on = ? AND type IS NULL", [id]) {
            candidates += try pendingParts(db, of: dependent)
        }
        return candidates
    }

    /// A single job, or the PENDING children of an array job.
    func pendingParts(_ db: Database, of id: String) throws -> [String] {
        if try db.row("SELECT array_size FROM job WHERE id = ?", [id])?[0] as Int? != nil {
            return try db.strings("SELECT id FROM job WHERE parent_id = ? AND \(JobTransition.release.condition) ORDER BY array_index", [id])
        }
        return [id]
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
                // An attempt held on a cluster is already placed: the job goes on to STARTING with it (not when it was
                // asked to stop: it waits for the engine to take the attempt off the cluster).
                try db.run("""
                    UPDATE job SET status = CASE WHEN held = 1 THEN \(JobStatus.starting.sql) ELSE \(JobStatus.runnable.sql) END, held = 0,
                    status_reason = NULL WHERE id = ? AND \(JobTransition.release.condition) AND (held = 0 OR terminate_reason IS NULL)
                    """, [candidate])
                released = true
            case .fail:
                // An attempt held on a cluster is dropped (the engine stops it there): not counted.
                try db.run("""
                    UPDATE job SET status = \(JobStatus.failed.sql), status_reason = ?, stopped_at = ?, attempts = attempts - held,
                    environment = CASE WHEN held = 1 THEN NULL ELSE environment END, held = 0, terminate_reason = NULL
                    WHERE id = ? AND \(JobTransition.dependencyFailed.condition)
                    """,
                           [Reasons.dependentJobFailed, now, candidate])
                failed.append((candidate, .failed))
            }
        }
        return (failed, released)
    }
}
