import DroverCore
import DroverStore
import Foundation
import Testing

/// A state directory is private, served by one engine at a time, and a file run twice at once is submitted once.
struct StateDirectoryTests {
    static let jobFile = basicEnvironment() + """
        jobDefinitions:
          - jobDefinitionName: nap
            containerProperties: {command: [sh, -c, "echo child $AWS_BATCH_JOB_ARRAY_INDEX; sleep 0.5"]}
        jobs:
          - {jobName: naps, jobQueue: default, jobDefinition: nap, arrayProperties: {size: 4}}
        """

    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
    }

    @Test func privateWhateverTheUmask() throws {
        let sandbox = try Sandbox()
        // A state directory made before, with the usual modes, is made private too.
        try FileManager.default.createDirectory(at: sandbox.stateDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let file = try sandbox.write("naps.yaml", Self.jobFile)
        try sandbox.serve(umask: "022")
        let run = try sandbox.drover(["run", file, "--quiet"], umask: "022")
        #expect(run.status == 0, "\(run.stderr)")
        // The engine still runs, so the database's -wal and -shm files exist.
        let state = sandbox.stateDir.path
        #expect(Self.mode(state) == 0o700)
        for name in ["drover.sqlite", "drover.sqlite-wal", "drover.sqlite-shm", "engine.lock"] {
            #expect(Self.mode(state + "/" + name) == 0o600, "\(name)")
        }
        #expect(Self.mode(state + "/logs") == 0o700)
        let id = try #require(try sandbox.store().jobs(JobFilter(all: true)).first?.jobId)
        let logs = try sandbox.store().logDirectory(ofJob: id)
        #expect(Self.mode(logs) == 0o700)
        #expect(Self.mode(logs + "/0-attempt-1.log") == 0o600)
    }

    @Test func oneEngineEvenWhenItsLockFileIsDeleted() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.write("naps.yaml", Self.jobFile)
        let first = try sandbox.serve()
        let heartbeat = sandbox.stateDir.appendingPathComponent("engine.lock").path
        try FileManager.default.removeItem(atPath: heartbeat)
        // --exit-when-idle: were it to take the lock, it would end (with status 0) rather than serve forever.
        let second = try sandbox.drover("serve", "--poll-interval", "0.05", "--exit-when-idle")
        #expect(second.status == 1 && second.stderr.contains("another engine is already running"), "\(second.stderr)")
        let run = try sandbox.drover("run", file, "--quiet")
        #expect(run.status == 0 && run.stderr.contains("an engine is already running"), "\(run.stderr)")
        try eventually(within: 10, "drover health after engine.lock was deleted") { try sandbox.drover("health").status == 0 }
        #expect(FileManager.default.fileExists(atPath: heartbeat))
        #expect(first.isRunning)
    }

    /// Another process opening and closing the store leaves a running engine's WAL in place (were it
    /// deleted, the engine would go on in a log no one else sees, and never see new jobs).
    @Test func anotherProcessClosingTheStoreLeavesTheEnginesLog() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.serve()
        let wal = sandbox.stateDir.appendingPathComponent("drover.sqlite-wal").path
        #expect(try sandbox.drover("jobs", "--all").status == 0)
        #expect(FileManager.default.fileExists(atPath: wal))
        try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment() + """
            jobDefinitions:
              - {jobDefinitionName: quick, containerProperties: {command: ["true"]}}
            """))
        let id = try sandbox.submit("-q", "default", "-d", "quick")
        try eventually(within: 20, "the engine to run a job submitted after it started") {
            try sandbox.store().job(id)?.status == .succeeded
        }
        #expect(engine.isRunning)
    }

    @Test func twoRunsOfOneFileAtOnceSubmitItOnce() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.write("naps.yaml", Self.jobFile)
        let runs = (0..<2).map { _ in sandbox.process(["run", file, "--quiet"]) }
        for run in runs {
            run.standardOutput = FileHandle.nullDevice
            run.standardError = FileHandle.nullDevice
            run.standardInput = FileHandle.nullDevice
            try run.run()
        }
        for run in runs {
            run.waitUntilExit()
            #expect(run.terminationStatus == 0)
        }
        let listed = try sandbox.drover("jobs", "--all", "--output", "json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: [[String: Any]]])
        #expect(json["jobSummaryList"]?.count == 1)
        let id = try #require(json["jobSummaryList"]?.first?["jobId"] as? String)
        #expect(try sandbox.store().jobs(JobFilter(all: true, arrayJobId: id)).map(\.status) == Array(repeating: .succeeded, count: 4))
    }
}
