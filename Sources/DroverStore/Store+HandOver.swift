import DroverCore
import GRDB

/// A PENDING job that might be handed to a cluster ahead of its dependencies, with the jobs it waits on.
public struct HandOverCandidate: Sendable, Equatable {
    /// Job id (a single job or an array child).
    public var id: String
    /// Its queue.
    public var queue: String
    /// Attempts made so far.
    public var attempts: Int
    /// What it waits on, each job (an array dependency's every child) once.
    public var partners: [Partner]

    /// A job a candidate waits on, as the store shows it now.
    public struct Partner: Sendable, Equatable {
        /// Job id.
        public var id: String
        /// Its status.
        public var status: JobStatus
        /// Its current attempt's number (`attempts`).
        public var attempt: Int
        /// The environment its current attempt is on.
        public var environment: String?
        /// Whether the candidate waits on it as an `N_TO_N` partner (child to child), not on its whole success.
        public var correlated: Bool

        /// Creates a partner record.
        public init(id: String, status: JobStatus, attempt: Int, environment: String?, correlated: Bool) {
            self.id = id
            self.status = status
            self.attempt = attempt
            self.environment = environment
            self.correlated = correlated
        }
    }
}

extension Store {
    /// Up to `limit` PENDING jobs of `queues` (oldest first) that wait only on dependencies (not array parents, not
    /// the later children of a `SEQUENTIAL` array, whose fail-the-rest is Drover's), with an attempt not yet handed
    /// over, and what each waits on. Whether one can be handed over is the engine's to decide.
    public func handOverCandidates(queues: [String], limit: Int) throws(DroverError) -> [HandOverCandidate] {
        guard !queues.isEmpty else { return [] }
        return try read { db in
            let rows = try db.rows("""
                SELECT j.id, j.queue, j.attempts, j.parent_id, j.array_index FROM job j
                WHERE j.status = \(JobStatus.pending.sql) AND j.held = 0 AND j.array_size IS NULL
                AND j.queue IN (\(queues.map { _ in "?" }.joined(separator: ",")))
                AND EXISTS (SELECT 1 FROM dependency d WHERE d.job_id = COALESCE(j.parent_id, j.id))
                ORDER BY j.seq LIMIT ?
                """, StatementArguments(queues) + [limit])
            var children: [String: [HandOverCandidate.Partner]] = [:]
            var candidates: [HandOverCandidate] = []
            next: for row in rows {
                let id: String = row["id"]
                let top: String = (row["parent_id"] as String?) ?? id
                let index: Int? = row["array_index"]
                if let index, index > 0, try db.row("SELECT sequential FROM job WHERE id = ?", [top])?[0] as Bool? == true { continue }
                var partners: [HandOverCandidate.Partner] = []
                for dependency in try db.rows("SELECT depends_on, type FROM dependency WHERE job_id = ?", [top]) {
                    let target: String = dependency[0]
                    let correlated = (dependency[1] as String?) == DependencyType.nToN.rawValue
                    if correlated, let index {
                        guard let partner = try self.partner(db, JobID.child(target, index), correlated: true) else { continue next }
                        partners.append(partner)
                    } else if try db.row("SELECT array_size FROM job WHERE id = ?", [target])?[0] as Int? != nil {
                        if children[target] == nil {
                            children[target] = try db.rows("SELECT id, status, attempts, environment FROM job WHERE parent_id = ? ORDER BY array_index", [target])
                                .map { HandOverCandidate.Partner(id: $0[0], status: JobStatus(rawValue: $0[1]) ?? .failed, attempt: $0[2],
                                                                 environment: $0[3], correlated: false) }
                        }
                        partners += children[target] ?? []
                    } else {
                        guard let partner = try self.partner(db, target, correlated: false) else { continue next }
                        partners.append(partner)
                    }
                }
                candidates.append(HandOverCandidate(id: id, queue: row["queue"], attempts: row["attempts"], partners: partners))
            }
            return candidates
        }
    }

    private func partner(_ db: Database, _ id: String, correlated: Bool) throws -> HandOverCandidate.Partner? {
        guard let row = try db.row("SELECT status, attempts, environment FROM job WHERE id = ?", [id]) else { return nil }
        return HandOverCandidate.Partner(id: id, status: JobStatus(rawValue: row[0]) ?? .failed, attempt: row[1], environment: row[2],
                                         correlated: correlated)
    }

    /// Where jobs with an attempt held on a cluster stand now: their status, attempt count and whether the attempt is
    /// still held (a job missing from the store is left out).
    public func heldStates(_ ids: [String]) throws(DroverError) -> [String: (status: JobStatus, attempts: Int, held: Bool)] {
        try read { db in
            var states: [String: (status: JobStatus, attempts: Int, held: Bool)] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let rows = try db.rows("SELECT id, status, attempts, held FROM job WHERE id IN (\(chunk.map { _ in "?" }.joined(separator: ",")))",
                                       StatementArguments(chunk))
                for row in rows {
                    states[row[0]] = (JobStatus(rawValue: row[1]) ?? .failed, row[2], row[3])
                }
            }
            return states
        }
    }
}
