import DroverCore
import DroverStore
import Foundation
import Testing

/// The engine log of `drover serve` and `drover run --log-level`: JSON lines for containers, text
/// for people, nothing from `run` unless asked.
struct EngineLogTests {
    static let definitions = """
        jobDefinitions:
          - jobDefinitionName: code
            containerProperties: {command: [sh, -c, "exit ${CODE:-0}"], vcpus: 1}
          - jobDefinitionName: nap
            containerProperties: {command: [sleep, "300"], vcpus: 1}

        """

    /// Every line of `text` as a JSON object; a line that is not one is an issue.
    static func entries(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)")
            return object
        }
    }

    static func metadata(_ entry: [String: Any]) -> [String: Any] { entry["metadata"] as? [String: Any] ?? [:] }

    /// The entry saying that `attempt` of `job` ended.
    static func end(of job: String, attempt: Int, in entries: [[String: Any]]) -> [String: Any]? {
        entries.first { entry in
            let metadata = metadata(entry)
            return (entry["message"] as? String)?.contains("ended") == true
                && metadata["jobId"] as? String == job && metadata["attempt"] as? Int == attempt
        }
    }

    @Test func serveWritesJSONLinesForStartEachAttemptEndRetriesAndStop() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment() + Self.definitions))
        let server = try sandbox.serve(["--log-format", "json"])
        let succeeded = try sandbox.submit("-q", "default", "-d", "code")
        let failed = try sandbox.submit("-q", "default", "-d", "code", "--env", "CODE=3", "--retry-attempts", "2")
        let store = try sandbox.store()
        try eventually(within: 30, "both jobs to end") { try [succeeded, failed].allSatisfy { try store.job($0)?.status.isTerminal == true } }
        kill(server.processIdentifier, SIGTERM)
        try eventually(within: 30, "serve to stop") { !server.isRunning }
        #expect(server.terminationStatus == 0)

        let entries = Self.entries(sandbox.serveLog)
        for entry in entries {
            #expect(entry["time"] is String && entry["level"] is String && entry["message"] is String, "\(entry)")
        }
        let start = try #require(entries.first, "serve logged nothing")
        #expect((start["message"] as? String)?.hasPrefix("engine started") == true)
        #expect(Self.metadata(start)["stateDir"] as? String == sandbox.stateDir.path)
        #expect(Self.metadata(start)["pid"] as? Int == Int(server.processIdentifier))

        let ok = try #require(Self.end(of: succeeded, attempt: 1, in: entries), "no end of \(succeeded)")
        #expect(ok["level"] as? String == "info")
        #expect(Self.metadata(ok)["exitCode"] as? Int == 0)
        #expect(Self.metadata(ok)["statusReason"] as? String == "Essential container in task exited")
        for attempt in [1, 2] {
            let end = try #require(Self.end(of: failed, attempt: attempt, in: entries), "no end of \(failed) attempt \(attempt)")
            #expect(Self.metadata(end)["exitCode"] as? Int == 3)
            #expect(Self.metadata(end)["counts"] as? Bool == true)
        }
        #expect(entries.contains { Self.metadata($0)["jobId"] as? String == failed && Self.metadata($0)["nextAttempt"] as? Int == 2 },
                "a line says \(failed) will be retried")
        #expect(Self.end(of: failed, attempt: 3, in: entries) == nil)

        let stop = try #require(entries.last)
        #expect((stop["message"] as? String)?.hasPrefix("engine stopped") == true)
        #expect(Self.metadata(stop)["mode"] as? String == "detach")
        #expect(Self.metadata(stop)["attemptsLeftRunning"] as? Int == 0)
    }

    @Test func theNextServeLogsTheAttemptItAdopted() throws {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment() + Self.definitions))
        let id = try sandbox.submit("-q", "default", "-d", "nap")
        let store = try sandbox.store()
        let first = try sandbox.serve(["--log-format", "json"])
        try eventually(within: 30, "the job to run") { try store.job(id)?.status == .running }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()

        let second = try sandbox.serve(["--log-format", "json"])
        var takeover: [String: Any]?
        try eventually(within: 30, "the next engine to say it took over") {
            takeover = Self.entries(sandbox.serveLog).first {
                ($0["message"] as? String)?.hasPrefix("taking over") == true
            }
            return takeover != nil
        }
        let entry = try #require(takeover)
        #expect((entry["message"] as? String)?.contains("1 running attempt(s) adopted") == true)
        #expect(Self.metadata(entry)["adopted"] as? Int == 1)
        #expect(Self.metadata(entry)["lost"] as? Int == 0)

        // Leave nothing running: the adopted attempt ends with the terminate, then the engine.
        try sandbox.drover("terminate", id)
        try eventually(within: 30, "the job to end") { try store.job(id)?.status.isTerminal == true }
        kill(second.processIdentifier, SIGTERM)
        try eventually(within: 30, "serve to stop") { !second.isRunning }
        let entries = Self.entries(sandbox.serveLog)
        let end = try #require(Self.end(of: id, attempt: 1, in: entries))
        #expect(Self.metadata(end)["kind"] as? String == "terminated")
    }

    @Test func runLogsTextOnlyWhenALevelIsGiven() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.write("run.yaml", basicEnvironment() + Self.definitions + """
            jobs:
              - {jobName: fine, jobQueue: default, jobDefinition: code}
              - {jobName: broken, jobQueue: default, jobDefinition: code, containerOverrides: {environment: [{name: CODE, value: "3"}]}}

            """)
        let logged = try sandbox.drover("run", file, "--quiet", "--log-level", "info")
        #expect(logged.status == 1, "one job fails: \(logged.stderr)")
        let lines = logged.stderr.split(separator: "\n").map(String.init)
        let logLines = lines.filter { $0.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z [a-z]+ drover: "#, options: .regularExpression) != nil }
        #expect(logLines.first?.contains(" info drover: engine started on ") == true, "\(logged.stderr)")
        #expect(logLines.contains { $0.contains("ended: exit 0 (Essential container in task exited)") && $0.contains(" exitCode=0") })
        #expect(logLines.contains { $0.contains("ended: exit 3 (Essential container in task exited)") && $0.contains(" exitCode=3") })
        #expect(logLines.last?.contains(" info drover: engine stopped") == true)

        let quiet = try sandbox.drover("run", file, "--quiet", "--new")
        #expect(quiet.status == 1)
        #expect(!quiet.stderr.contains(" drover: "), "no log lines without --log-level: \(quiet.stderr)")
        #expect(!quiet.stderr.contains("ended"))
    }
}
