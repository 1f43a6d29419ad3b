import DroverCore
import DroverEngine
import DroverStore
import Foundation
import Testing

/// A temporary state directory and working folder for one test, with helpers to run the real
/// `drover` binary against it.
final class Sandbox {
    let root: URL
    var stateDir: URL { root.appendingPathComponent("state") }
    private var servers: [Process] = []

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("drover-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit {
        for server in servers where server.isRunning {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: root)
    }

    /// The built `drover` binary: `$DROVER_BIN`, or `.build/debug/drover` next to the tests.
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["DROVER_BIN"] { return path }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("drover").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent(".build/debug/drover").path
    }()

    /// The package's root folder (for the example files under `jobs/`).
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Writes `text` to `name` in the sandbox and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let url = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// `drover ARGUMENTS --state-dir DIR`, not started; with `umask`, run under that umask (through /bin/sh).
    func process(_ arguments: [String], environment: [String: String] = [:], umask: String? = nil) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        // `drover image` and `drover export` have no state directory; `drover chaos` and `drover workflow` take it after their subcommand.
        let position = ["chaos", "workflow"].contains(arguments.first) ? 2 : 1
        process.arguments = ["image", "export"].contains(arguments.first) ? arguments
            : Array(arguments.prefix(position)) + ["--state-dir", stateDir.path] + arguments.dropFirst(position)
        if let umask {
            process.arguments = ["-c", "umask \(umask) && exec \"$0\" \"$@\"", Self.binary] + (process.arguments ?? [])
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
        }
        process.currentDirectoryURL = root
        var env = ProcessInfo.processInfo.environment
        env["DROVER_STATE_DIR"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        return process
    }

    /// Runs `drover ARGUMENTS --state-dir DIR` to completion.
    @discardableResult
    func drover(_ arguments: String..., environment: [String: String] = [:]) throws -> Result {
        try drover(arguments, environment: environment)
    }

    /// Runs `drover ARGUMENTS --state-dir DIR` to completion.
    @discardableResult
    func drover(_ arguments: [String], environment: [String: String] = [:], umask: String? = nil) throws -> Result {
        let process = process(arguments, environment: environment, umask: umask)
        let out = root.appendingPathComponent("out-\(UUID().uuidString)")
        let err = root.appendingPathComponent("err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        return Result(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Where the standard error of every `drover serve` of this sandbox goes.
    var serveLogURL: URL { root.appendingPathComponent("serve.log") }

    /// What the `drover serve` processes of this sandbox wrote to standard error so far.
    var serveLog: String { (try? String(contentsOf: serveLogURL, encoding: .utf8)) ?? "" }

    /// Starts `drover serve` in the background; it is killed when the sandbox goes away.
    @discardableResult
    func serve(_ options: [String] = [], environment: [String: String] = [:], umask: String? = nil) throws -> Process {
        let process = process(["serve", "--poll-interval", "0.05"] + options, environment: environment, umask: umask)
        if !FileManager.default.fileExists(atPath: serveLogURL.path) {
            _ = FileManager.default.createFile(atPath: serveLogURL.path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: serveLogURL)
        log.seekToEndOfFile()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        servers.append(process)
        try eventually(within: 30, "drover serve to take the engine lock") { EngineLock.isHeld(directory: stateDir) || !process.isRunning }
        return process
    }

    /// Opens the state directory in this process for assertions.
    func store() throws -> Store {
        try Store(directory: stateDir)
    }

    /// The id printed by `drover submit`.
    func submit(_ arguments: String...) throws -> String {
        let result = try drover(["submit"] + arguments)
        #expect(result.status == 0, "submit failed: \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Polls `condition` until it holds or `seconds` pass; never sleeps a fixed time to wait for state.
@discardableResult
func eventually(within seconds: Double = 30, _ what: String = "condition", _ condition: () throws -> Bool) throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    Issue.record("timed out after \(seconds)s waiting for \(what)")
    return false
}

/// A minimal setup: one environment `local` of `maxvCpus` and one queue `default` in front of it.
func basicEnvironment(maxvCpus: Int = 2) -> String {
    """
    computeEnvironments:
      - computeEnvironmentName: local
        computeResources: {type: EC2, maxvCpus: \(maxvCpus)}
    jobQueues:
      - jobQueueName: default
        priority: 10
        computeEnvironmentOrder: [{order: 1, computeEnvironment: local}]

    """
}
