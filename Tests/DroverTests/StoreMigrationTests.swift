import DroverCore
@testable import DroverStore
import Foundation
import GRDB
import Testing

/// State directories written by earlier versions open with this one's schema.
struct StoreMigrationTests {
    @Test func jobsStuckByTheirReasonAreBlockedByV3AndDecidedAgainByV5() throws {
        let sandbox = try Sandbox()
        try FileManager.default.createDirectory(at: sandbox.stateDir, withIntermediateDirectories: true)
        let old = try DatabaseQueue(path: sandbox.stateDir.appendingPathComponent("drover.sqlite").path)
        try Store.migrator.migrate(old, upTo: "v2-simulation")
        try old.write { db in
            for (id, status, reason) in [("stuck", "RUNNABLE", "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - too big"),
                                         ("waits", "RUNNABLE", nil), ("failed", "FAILED", "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - too big")] {
                try db.execute(sql: """
                    INSERT INTO job(id, name, queue, definition, status, status_reason, created_at) VALUES (?, ?, 'default', 'work:1', ?, ?, 0)
                    """, arguments: [id, id, status, reason])
            }
        }
        try Store.migrator.migrate(old, upTo: "v3-blocked")
        #expect(try old.read { try String.fetchAll($0, sql: "SELECT id FROM job WHERE blocked = 1") } == ["stuck"])
        try old.close()
        // v5: those reasons held codes AWS does not have; the scheduler decides such jobs again.
        let store = try Store(directory: sandbox.stateDir)
        #expect(try store.runnable(queue: "default", limit: 10).map(\.id) == ["stuck", "waits"])
        #expect(try store.job("stuck")?.statusReason == nil)
        #expect(try store.job("failed")?.statusReason == "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - too big", "finished jobs keep theirs")
    }
}
