import DroverCore
import DroverEngine
import DroverStore
import Foundation
import Testing

/// What the container image relies on, checked on the binary directly (scripts/container-test checks the image):
/// `drover health`, drover as PID 1, and errors that make sense where the state directory does not outlive the run.
struct ContainerTests {
    @Test func healthReportsWhetherAnEngineServesTheStateDirectory() throws {
        let sandbox = try Sandbox()
        let none = try sandbox.drover("health")
        #expect(none.status == 1)
        #expect(none.stderr.contains("unhealthy: no engine is running on \(sandbox.stateDir.path)"))

        let engine = try sandbox.serve()
        let healthy = try sandbox.drover("health")
        #expect(healthy.status == 0, "\(healthy.stderr)")
        #expect(healthy.stdout.hasPrefix("healthy: engine pid \(engine.processIdentifier) on \(sandbox.stateDir.path)"))
        let json = try sandbox.drover("health", "-o", "json")
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(report?["healthy"] as? Bool == true)
        #expect(report?["pid"] as? Int == Int(engine.processIdentifier))

        // A stuck engine still holds the lock, but stops marking itself alive.
        kill(engine.processIdentifier, SIGSTOP)
        try eventually(within: 10, "a stopped engine to count as stuck") {
            let result = try sandbox.drover("health", "--max-age", "1")
            return result.status == 1 && result.stderr.contains("gave no sign of life")
        }
        kill(engine.processIdentifier, SIGCONT)
        try eventually(within: 10, "the engine to be healthy again") { try sandbox.drover("health", "--max-age", "1").status == 0 }

        kill(engine.processIdentifier, SIGTERM)
        engine.waitUntilExit()
        #expect(try sandbox.drover("health").status == 1)
    }

    /// In a new PID namespace (as in a container) drover is PID 1: an init stays behind that reaps the orphaned
    /// processes jobs leave and forwards SIGTERM, so that the engine stops cleanly.
    @Test(.enabled(if: getuid() == 0, "a PID namespace needs root (CI runs as root)"))
    func asPID1ReapsOrphansAndForwardsSignals() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: orphans
                containerProperties: {command: [sh, -c, "(sleep 0.2 &) ; exit 0"], vcpus: 1}

            """))
        let unshare = Process()
        unshare.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        unshare.arguments = ["--fork", "--pid", "--mount-proc", Sandbox.binary, "serve", "--state-dir", sandbox.stateDir.path,
                             "--poll-interval", "0.05"]
        unshare.standardOutput = FileHandle.nullDevice
        unshare.standardError = FileHandle.nullDevice
        try unshare.run()
        defer { if unshare.isRunning { kill(unshare.processIdentifier, SIGKILL) } }
        try eventually(within: 30, "the engine in the namespace") { EngineLock.isHeld(directory: sandbox.stateDir) }

        // unshare → init (PID 1 inside) → the engine (PID 2 inside).
        let initPid = try #require(Self.children(of: unshare.processIdentifier).first)
        let health = try sandbox.drover("health")
        #expect(health.stdout.contains("engine pid 2 "), "\(health.stdout)")

        let id = try sandbox.submit("-q", "default", "-d", "orphans", "--array-size", "6")
        let store = try sandbox.store()
        try eventually(within: 30, "the array to finish") { try store.job(id)?.status == .succeeded }
        // Each job left a `sleep` behind; once they end they are reaped: only the engine and its job supervisor
        // are left under the init, and no zombie.
        try eventually(within: 10, "the orphans to be reaped") {
            let names = Self.children(of: initPid).map { (try? String(contentsOfFile: "/proc/\($0)/stat", encoding: .utf8)) ?? "" }
            return names.count == 2 && names.allSatisfy { $0.contains("(drover") && !$0.contains(") Z ") }
        }

        kill(initPid, SIGTERM)
        unshare.waitUntilExit()
        #expect(unshare.terminationStatus == 0, "the engine stopped cleanly on the forwarded SIGTERM")
    }

    @Test func runSummaryShowsTheFirstFailureAndItsLastLogLine() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.write("failing.yaml", basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: shards
                containerProperties:
                  command: [sh, -c, 'if [ "$AWS_BATCH_JOB_ARRAY_INDEX" = 1 ]; then echo "disk full on /scratch" >&2; exit 3; fi']
                  vcpus: 1
            jobs:
              - {jobName: shards, jobQueue: default, jobDefinition: shards, arrayProperties: {size: 3}}

            """)
        let run = try sandbox.drover("run", file, "--quiet")
        #expect(run.status == 1)
        #expect(run.stdout.contains("first failure: shards:1 attempt 1 (exit 3, Essential container in task exited): disk full on /scratch"),
                "\(run.stdout)")
    }

    @Test func imageReportErrorsSayWhy() throws {
        let sandbox = try Sandbox()
        _ = try ImageCommandTests.makePhotos(in: sandbox)
        let recipe = try sandbox.write("recipe.yaml", ImageCommandTests.recipeText)
        _ = try sandbox.write("blocker", "a file where a folder should be")
        let result = try sandbox.drover("image", "--recipe", recipe, "--input", "photos", "--output", "blocker/out")
        #expect(result.status == 1)
        #expect(result.stderr.contains("--report: cannot create the folder blocker/out: Not a directory"), "\(result.stderr)")
    }

    /// The pids of `pid`'s child processes (zombies included).
    static func children(of pid: Int32) -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? "")
                .split(separator: " ").compactMap { Int32($0) }
        }
    }
}
