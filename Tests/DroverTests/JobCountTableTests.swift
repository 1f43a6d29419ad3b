import DroverCore
@testable import DroverStore
import Foundation
import GRDB
import Testing

/// `job_count` (store v10), kept by triggers, always says what counting the `job` table says.
struct JobCountTableTests {
    /// What counting the jobs gives, as `job_count` keeps it (rows of 0 left out).
    static func counted(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT key || '|' || count(*) FROM (SELECT queue || '|' || status || '|' || \(JobCountTable.reason("job")) AS key FROM job)
            GROUP BY key ORDER BY 1
            """)
    }

    static func kept(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT queue || '|' || status || '|' || reason || '|' || count FROM job_count WHERE count > 0 ORDER BY 1")
    }

    static func insert(_ db: Database, _ id: String, queue: String, status: String, reasonKey: String? = nil) throws {
        try db.execute(sql: """
            INSERT INTO job(id, name, queue, definition, status, reason_key, created_at) VALUES (?, ?, ?, 'work:1', ?, ?, 0)
            """, arguments: [id, id, queue, status, reasonKey])
    }

    @Test func theMigrationCountsTheJobsThereAre() throws {
        let sandbox = try Sandbox()
        try FileManager.default.createDirectory(at: sandbox.stateDir, withIntermediateDirectories: true)
        let database = try DatabaseQueue(path: sandbox.stateDir.appendingPathComponent("drover.sqlite").path)
        try Store.migrator.migrate(database, upTo: "v9-events")
        try database.write { db in
            for index in 0..<50 {
                try Self.insert(db, "j\(index)", queue: index % 3 == 0 ? "a" : "b", status: ["RUNNABLE", "SUCCEEDED", "FAILED", "RUNNING"][index % 4],
                                reasonKey: index % 8 == 0 ? "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT" : nil)
            }
        }
        try Store.migrator.migrate(database)
        let (kept, counted) = try database.read { db in (try Self.kept(db), try Self.counted(db)) }
        #expect(kept == counted)
        #expect(kept.contains("a|RUNNABLE|MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT|3"))
    }

    /// Every kind of change the store makes to a job's status, queue or reason, one after the other.
    @Test(arguments: [
        ("submit", ["INSERT j1 q RUNNABLE", "INSERT j2 q PENDING", "INSERT j3 r SUBMITTED"]),
        ("claim and finish", ["INSERT j1 q RUNNABLE", "STATUS j1 STARTING", "STATUS j1 RUNNING", "STATUS j1 SUCCEEDED"]),
        ("a reason comes and goes", ["INSERT j1 q RUNNABLE", "REASON j1 CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", "REASON j1 -", "STATUS j1 STARTING"]),
        ("a job leaves RUNNABLE with its reason", ["INSERT j1 q RUNNABLE", "REASON j1 Waiting for 2 vCPUs.", "STATUS j1 FAILED"]),
        ("a reason set on a finished job", ["INSERT j1 q FAILED", "REASON j1 X"]),
        ("a retry", ["INSERT j1 q RUNNING", "STATUS j1 RUNNABLE", "REASON j1 Y", "STATUS j1 STARTING"]),
        ("a queue change", ["INSERT j1 q RUNNABLE", "QUEUE j1 r"]),
        ("deletes", ["INSERT j1 q RUNNABLE", "REASON j1 Z", "INSERT j2 q SUCCEEDED", "DELETE j1", "DELETE j2"]),
    ])
    func triggersKeepTheCounts(_ name: String, _ steps: [String]) throws {
        let sandbox = try Sandbox()
        let store = try sandbox.store()
        for step in steps {
            let (kept, counted, stale) = try store.pool.write { db in
                let words = step.split(separator: " ", maxSplits: 2).map(String.init)
                switch words[0] {
                case "INSERT":
                    let parts = words[2].split(separator: " ").map(String.init)
                    try Self.insert(db, words[1], queue: parts[0], status: parts[1])
                case "STATUS": try db.execute(sql: "UPDATE job SET status = ? WHERE id = ?", arguments: [words[2], words[1]])
                case "REASON":
                    try db.execute(sql: "UPDATE job SET reason_key = ? WHERE id = ?", arguments: [words[2] == "-" ? nil : words[2], words[1]])
                case "QUEUE": try db.execute(sql: "UPDATE job SET queue = ? WHERE id = ?", arguments: [words[2], words[1]])
                default: try db.execute(sql: "DELETE FROM job WHERE id = ?", arguments: [words[1]])
                }
                return (try Self.kept(db), try Self.counted(db),
                        try Int.fetchOne(db, sql: "SELECT count(*) FROM job_count WHERE reason != '' AND count <= 0"))
            }
            #expect(kept == counted, "\(name): after \(step)")
            #expect(stale == 0, "\(name): no row is left for a reason no job has, after \(step)")
        }
    }
}
