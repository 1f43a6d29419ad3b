import DroverCore
import GRDB

/// One recorded event: a job's state change, or a RUNNABLE job newly blocked for a reason.
public struct StoredEvent: Sendable, Equatable {
    /// What kind of event it is.
    public enum Kind: String, Sendable {
        /// AWS's "Batch Job State Change".
        case state
        /// AWS's "Batch Job Queue Blocked".
        case blocked
    }

    /// Its place in the store's sequence of events (increasing, never reused).
    public var id: Int64
    /// When it was recorded, epoch milliseconds.
    public var time: EpochMillis
    /// Its kind.
    public var kind: Kind
    /// The job.
    public var jobId: String
    /// The job's queue.
    public var queue: String
    /// The job's status then.
    public var status: JobStatus
    /// The job's status reason then.
    public var statusReason: String?
    /// The attempts the job had made then.
    public var attempts: Int
    /// The status the job left (nil for a new child).
    public var previous: JobStatus?

    /// Creates an event.
    public init(id: Int64, time: EpochMillis, kind: Kind, jobId: String, queue: String, status: JobStatus, statusReason: String?, attempts: Int,
                previous: JobStatus? = nil) {
        self.id = id
        self.time = time
        self.kind = kind
        self.jobId = jobId
        self.queue = queue
        self.status = status
        self.statusReason = statusReason
        self.attempts = attempts
        self.previous = previous
    }
}

/// Which events to read.
public struct EventQuery: Sendable, Equatable {
    /// Only events after this one (nil: from the oldest kept).
    public var after: Int64?
    /// Only this job's events, and its children's when it is an array.
    public var job: String?
    /// Only events of jobs in this queue.
    public var queue: String?
    /// At most this many.
    public var limit = 1000

    /// Creates a query.
    public init(after: Int64? = nil, job: String? = nil, queue: String? = nil, limit: Int = 1000) {
        self.after = after
        self.job = job
        self.queue = queue
        self.limit = limit
    }
}

extension Store {
    /// The events `query` selects, oldest first.
    public func events(_ query: EventQuery) throws(DroverError) -> [StoredEvent] {
        try eventPage(query).events
    }

    /// The events `query` selects, oldest first, and the newest event looked through for them: every event up to
    /// `lookedThrough` was read when fewer than `query.limit` came, so a reader narrowed to a job or a queue goes on
    /// after it (not after the last event it was given, which would have it read again, at every look, every later
    /// event of every other job).
    public func eventPage(_ query: EventQuery) throws(DroverError) -> (events: [StoredEvent], lookedThrough: Int64?) {
        var clauses = ["id > ?"]
        var arguments: StatementArguments = [query.after ?? 0]
        if let job = query.job {
            // A child's id is `PARENT:INDEX`: the range after `PARENT:` holds the children.
            clauses.append("(job_id = ? OR (job_id > ? AND job_id < ?))")
            arguments += [job, job + ":", job + ";"]
        }
        if let queue = query.queue {
            clauses.append("queue = ?")
            arguments += [queue]
        }
        let limit = max(1, query.limit)
        arguments += [limit]
        let sql = "SELECT id, time, kind, job_id, queue, status, status_reason, attempts, previous FROM event WHERE \(clauses.joined(separator: " AND ")) ORDER BY id LIMIT ?"
        return try read { db in
            // One snapshot: no event up to the newest can come later (ids are given in the order writes commit).
            let newest = try db.row("SELECT max(id) FROM event")?[0] as Int64?
            let events = try db.rows(sql, arguments).compactMap { row -> StoredEvent? in
                guard let kind = StoredEvent.Kind(rawValue: row[2]), let status = JobStatus(rawValue: row[5]) else { return nil }
                return StoredEvent(id: row[0], time: row[1], kind: kind, jobId: row[3], queue: row[4], status: status,
                                   statusReason: row[6], attempts: row[7], previous: (row[8] as String?).flatMap { JobStatus(rawValue: $0) })
            }
            return (events, events.count < limit ? newest : events.last?.id)
        }
    }

    /// The oldest and newest kept event ids (nil when none is kept).
    public func eventRange() throws(DroverError) -> (oldest: Int64, newest: Int64)? {
        try read { db in
            guard let row = try db.row("SELECT min(id), max(id) FROM event"), let oldest = row[0] as Int64?, let newest = row[1] as Int64? else {
                return nil
            }
            return (oldest, newest)
        }
    }

    /// Forgets the events recorded before `time` (epoch ms), the oldest first and at most `limit` at a time (so that a
    /// long backlog does not hold the write lock); returns how many it forgot. Cursors are left as they are.
    ///
    /// Events are numbered in the order they are recorded, so the oldest are read by number, with no index on time
    /// (which would cost every event its bytes): a clock set back leaves the events after it for a later pass.
    @discardableResult
    public func pruneEvents(before time: EpochMillis, limit: Int = 10_000) throws(DroverError) -> Int {
        try write { db in
            guard let oldest = try db.row("SELECT time FROM event ORDER BY id LIMIT 1")?[0] as EpochMillis?, oldest < time else { return 0 }
            try db.run("DELETE FROM event WHERE id IN (SELECT id FROM (SELECT id, time FROM event ORDER BY id LIMIT ?) WHERE time < ?)",
                       [limit, time])
            return db.changesCount
        }
    }

    /// The last event `consumer` has taken (0 when it has taken none).
    public func eventCursor(_ consumer: String) throws(DroverError) -> Int64 {
        try read { db in try db.row("SELECT last FROM event_cursor WHERE consumer = ?", [consumer])?[0] ?? 0 }
    }

    /// Records that `consumer` has taken every event up to `last`.
    public func setEventCursor(_ consumer: String, to last: Int64) throws(DroverError) {
        try write { db in
            try db.run("INSERT INTO event_cursor(consumer, last) VALUES (?, ?) ON CONFLICT(consumer) DO UPDATE SET last = excluded.last", [consumer, last])
        }
    }
}
