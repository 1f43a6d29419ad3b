import DroverCore
import Foundation
import GRDB

extension WorkflowThread {
    /// The thread a `workflow_thread` row holds.
    init(row: Row) throws {
        let decoder = JSONDecoder()
        self.init(execution: row["execution"], id: row["id"], parent: row["parent"], slot: row["slot"],
                  path: try decoder.decode(MachinePath.self, from: Data((row["path"] as String).utf8)),
                  status: Status(rawValue: row["status"]) ?? .failed, state: row["state"],
                  input: try JSONValue.parse(document: row["input"]), lastEvent: row["last_event"])
        step = Step(rawValue: row["step"]) ?? .done
        memo = try decoder.decode(ThreadMemo.self, from: Data((row["memo"] as String).utf8))
        wakeAt = row["wake_at"]
        jobId = row["job_id"]
        output = try (row["output"] as String?).map { try JSONValue.parse(document: $0) }
        error = try (row["error"] as String?).map { try decoder.decode(StatesError.self, from: Data($0.utf8)) }
    }

    /// Writes the thread (a new one, or over its row); without `input`, all but its input (which must be unchanged).
    func save(_ db: Database, input withInput: Bool = true) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let path = String(decoding: try encoder.encode(self.path), as: UTF8.self)
        let memo = String(decoding: try encoder.encode(self.memo), as: UTF8.self)
        let error = try self.error.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        let heartbeat = step == .task ? self.memo.heartbeatSeconds : nil
        guard withInput else {
            try db.cachedStatement(sql: """
                UPDATE workflow_thread SET status = ?, state = ?, step = ?, memo = ?, wake_at = ?, job_id = ?, heartbeat = ?, output = ?,
                    error = ?, last_event = ?
                WHERE execution = ? AND id = ?
                """).execute(arguments: [status.rawValue, state, step.rawValue, memo, wakeAt, jobId, heartbeat, output?.document, error,
                                         lastEvent, execution, id])
            return
        }
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO workflow_thread(execution, id, parent, slot, path, status, state, step, input, memo, wake_at,
                job_id, heartbeat, output, error, last_event)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [execution, id, parent, slot, path, status.rawValue, state, step.rawValue, input.document, memo,
                                     wakeAt, jobId, heartbeat, output?.document, error, lastEvent])
    }
}
