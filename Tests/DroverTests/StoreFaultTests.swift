import DroverCore
import DroverStore
import Foundation
import GRDB
import Testing

/// The engine rides out its own faults: a full disk or a database locked by another process makes
/// it wait and retry its writes while its jobs go on; no job is failed for the engine's trouble.
struct StoreFaultTests {
    static let definitions = """
        jobDefinitions:
          - jobDefinitionName: nap
            containerProperties: {command: [sh, -c, "sleep 0.05"], vcpus: 1}

        """

    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root (CI runs as root)"))
    func aFullDiskPausesTheEngineAndFailsNoJob() throws {
        let sandbox = try Sandbox()
        let state = sandbox.stateDir.path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        #expect(try Self.run("/bin/mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", state) == 0)
        defer { _ = try? Self.run("/bin/umount", "-l", state) }
        try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment(maxvCpus: 4) + Self.definitions))
        let id = try sandbox.submit("-q", "default", "-d", "nap", "--array-size", "300")
        let store = try sandbox.store()
        let engine = try sandbox.serve()
        try eventually(within: 60, "some children to finish") { (try store.childSummary(id).counts[.succeeded] ?? 0) >= 30 }

        // Fill the disk, the database's write-ahead log emptied first so that the next writes need
        // room: nothing new can be claimed; what runs ends; the engine waits, alive, and says why.
        let database = try DatabaseQueue(path: sandbox.stateDir.appendingPathComponent("drover.sqlite").path)
        try eventually(within: 10, "the write-ahead log to be emptied") {
            try database.inDatabase { try Row.fetchOne($0, sql: "PRAGMA wal_checkpoint(TRUNCATE)")?[0] as Int? == 0 }
        }
        let filler = sandbox.stateDir.appendingPathComponent("filler").path
        let written = Self.fill(filler)
        #expect(written > 0)
        try eventually(within: 30, "the engine to say it waits for the store") { sandbox.serveLog.contains("cannot write to the store") }
        try eventually(within: 30, "the running children to end and none to start") { SupervisionTests.processes(of: "\(id):").isEmpty }
        #expect(engine.isRunning, "the engine rides out the full disk")
        #expect(try store.childSummary(id).counts[.failed, default: 0] == 0)

        // Room again: it carries on by itself.
        unlink(filler)
        try eventually(within: 120, "the array to finish") { try store.job(id)?.status.isTerminal == true }
        #expect(engine.isRunning)
        #expect(try store.job(id)?.status == .succeeded)
        let children = try store.jobs(JobFilter(all: true, arrayJobId: id, limit: 1000))
        #expect(children.count == 300 && children.allSatisfy { $0.status == .succeeded && $0.attempts == 1 })
        #expect(sandbox.serveLog.contains("cannot write to the store"), "the engine says why it waits")
    }

    @Test func aLockedDatabasePausesTheEngineAndFailsNoJob() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment(maxvCpus: 4) + Self.definitions))
        let id = try sandbox.submit("-q", "default", "-d", "nap", "--array-size", "200")
        let store = try sandbox.store()
        let engine = try sandbox.serve(environment: ["DROVER_BUSY_TIMEOUT_SECONDS": "0.2"])
        try eventually(within: 60, "some children to finish") { (try store.childSummary(id).counts[.succeeded] ?? 0) >= 20 }

        // Another process holds the write lock far past the engine's busy timeout.
        let other = try DatabaseQueue(path: sandbox.stateDir.appendingPathComponent("drover.sqlite").path)
        try other.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            try eventually(within: 30, "the engine to say it waits for the store") { sandbox.serveLog.contains("cannot write to the store") }
            try eventually(within: 30, "the running children to end and none to start") { SupervisionTests.processes(of: "\(id):").isEmpty }
            #expect(engine.isRunning, "the engine rides out the locked database")
            try db.execute(sql: "COMMIT")
        }
        try eventually(within: 120, "the array to finish") { try store.job(id)?.status.isTerminal == true }
        #expect(engine.isRunning)
        let children = try store.jobs(JobFilter(all: true, arrayJobId: id, limit: 1000))
        #expect(children.count == 200 && children.allSatisfy { $0.status == .succeeded && $0.attempts == 1 })
        #expect(sandbox.serveLog.contains("cannot write to the store"), "the engine says why it waits")
    }

    /// Writes `path` until the file system is full; returns the bytes written.
    static func fill(_ path: String) -> Int {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0x61, count: 65536)
        var total = 0
        while true {
            let count = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            total += count
        }
        // The last pages too, a byte at a time.
        while write(fd, chunk, 1) == 1 { total += 1 }
        return total
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: String...) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
