import DroverCore
import Foundation
import GRDB

/// RUNNABLE jobs of one queue held back for the same reason, for the dashboard's queue board.
public struct StuckJobs: Sendable, Equatable {
    /// The queue.
    public var queue: String
    /// The reason of the oldest of them, as stored (AWS's code and text, then Drover's detail).
    public var reason: String
    /// Whether the scheduler gave up on them until queues or environments change.
    public var blocked: Bool
    /// How many jobs (array children included).
    public var count: Int
    /// The oldest of them.
    public var exampleJob: String
    /// Since when (epoch ms) the oldest has had this reason.
    public var since: EpochMillis?
}

/// Part of an attempt's log, for the dashboard's live tail.
public struct LogChunk: Sendable, Equatable {
    /// The offset of the first byte of `bytes` (past the offset asked for when the log grew by more than the limit).
    public var start: Int64
    /// The offset after the last byte of `bytes`: where to read from next.
    public var end: Int64
    /// Whole UTF-8 characters from the log (a character cut by the limit or still being written is left for later).
    public var bytes: [UInt8]
}

extension Store {
    /// Jobs that run per queue and status: top-level jobs and array children, not array parents (each child is
    /// counted once, and its parent's status is told by them).
    public func jobCountsByQueue() throws(DroverError) -> [String: [JobStatus: Int]] {
        try read { db in
            var result: [String: [JobStatus: Int]] = [:]
            // Every row counted from the status index alone, then the array parents (found from the children's
            // index) taken out: twice as fast as reading every row to leave the parents out.
            for (sql, sign) in [("SELECT queue, status, count(*) FROM job GROUP BY status, queue", 1),
                                ("""
                                 SELECT queue, status, count(*) FROM job
                                 WHERE id IN (SELECT DISTINCT parent_id FROM job WHERE parent_id IS NOT NULL) GROUP BY 1, 2
                                 """, -1)] {
                for row in try db.rows(sql) {
                    guard let status = JobStatus(rawValue: row[1]) else { continue }
                    let count: Int = row[2]
                    result[row[0], default: [:]][status, default: 0] += sign * count
                }
            }
            return result.mapValues { $0.filter { $0.value > 0 } }.filter { !$0.value.isEmpty }
        }
    }

    /// vCPUs held per compute environment by the jobs STARTING or RUNNING on it (each job's vCPUs from its spec).
    public func vcpusInUse() throws(DroverError) -> [String: Double] {
        try read { db in
            var result: [String: Double] = [:]
            let rows = try db.rows("""
                SELECT environment, coalesce(parent_id, id), count(*) FROM job
                WHERE \(JobStatus.condition(JobStatus.active)) AND environment IS NOT NULL GROUP BY 1, 2
                """)
            for row in rows {
                let count: Int = row[2]
                result[row[0], default: 0] += try spec(db, top: row[1]).vcpus * Double(count)
            }
            return result
        }
    }

    /// RUNNABLE jobs that have a reason for waiting, grouped by queue and reason (the reason's code, or its text when
    /// it has none), most jobs first.
    public func stuckJobs() throws(DroverError) -> [StuckJobs] {
        try read { db in
            // With min(seq), SQLite takes the bare columns from the oldest job of each group.
            try db.rows("""
                SELECT queue, status_reason, id, max(blocked), count(*), min(reason_since), min(seq) FROM job
                WHERE status = \(JobStatus.runnable.sql) AND status_reason IS NOT NULL
                GROUP BY queue, coalesce(reason_key, status_reason) ORDER BY 5 DESC, 1
                """).map { row in
                StuckJobs(queue: row[0], reason: row[1], blocked: row[3], count: row[4], exampleJob: row[2], since: row[5])
            }
        }
    }

    /// The children of array `parent` folded into an ``ArrayOverview``, read in one pass in index order. Each row
    /// carries its status's position and its attempts in one number, and only a FAILED child's row is read further:
    /// for 100,000 children, decoding was most of the time.
    public func arrayOverview(_ parent: String) throws(DroverError) -> ArrayOverview {
        try read { db in
            var overview = ArrayOverview()
            let position = "CASE status " + JobStatus.allCases.map { "WHEN \($0.sql) THEN \(ArrayOverview.position($0))" }.joined(separator: " ") + " END"
            let failed = ArrayOverview.position(.failed)
            let rows = try Row.fetchCursor(db, sql: """
                SELECT array_index, \(position) + 8 * (attempts - held), exit_code, status_reason, stopped_by IS NOT NULL
                FROM job WHERE parent_id = ? ORDER BY array_index
                """, arguments: [parent])
            while let row = try rows.next() {
                let packed: Int = row[1]
                let code = packed & 7
                guard code < JobStatus.allCases.count else { continue }
                let status = JobStatus.allCases[code]
                if code == failed {
                    overview.add(index: row[0], status: status, attempts: packed >> 3, exitCode: row[2], reason: row[3], stoppedByRequest: row[4])
                } else {
                    overview.add(index: row[0], status: status, attempts: packed >> 3)
                }
            }
            return overview
        }
    }

    /// Up to `limit` bytes of an attempt's log from `offset` to its current end; when more than `limit` bytes lie
    /// beyond `offset` (or `offset` is nil: the first look), only the last `limit` bytes. A log not written yet reads
    /// as empty. Memory stays bounded whatever the log's size.
    public func logTail(ofJob id: String, attempt: Int, from offset: Int64?, limit: Int) throws(DroverError) -> LogChunk {
        let path = logPath(ofJob: id, attempt: attempt)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return LogChunk(start: offset ?? 0, end: offset ?? 0, bytes: []) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw DroverError("cannot read \(path): \(String(cString: strerror(errno)))", exitCode: 1)
        }
        let size = Int64(status.st_size)
        let asked = offset.map { $0 <= size ? $0 : 0 } ?? 0
        let start = max(asked, size - Int64(limit))
        var bytes = [UInt8](repeating: 0, count: Int(size - start))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, $0.count - filled, off_t(start) + off_t(filled)) }
            if count == 0 { break }
            guard count > 0 else {
                if errno == EINTR { continue }
                throw DroverError("cannot read \(path): \(String(cString: strerror(errno)))", exitCode: 1)
            }
            filled += count
        }
        let whole = UTF8Cut.wholeCharacters(bytes[..<filled], cutAtStart: start > asked)
        return LogChunk(start: start + Int64(whole.lowerBound), end: start + Int64(whole.upperBound), bytes: Array(bytes[whole]))
    }
}
