import DroverCore
@testable import DroverStore
import Foundation
import GRDB
import Testing

/// `GET /metrics` of a real `drover serve --api` through a run with retries, a failure and a job that cannot run:
/// valid by `promtool check metrics`, its values those of the store; and scraped by a real Prometheus server.
@Suite(.serialized) struct MetricsTests {
    /// Two queues on one environment of 2 vCPUs; `flaky` fails its first attempt with exit code 3 (retried by rule 0)
    /// and succeeds on its second, except index 3, which exits 42 (stopped by rule 1).
    static let setup = basicEnvironment() + """
          - jobQueueName: other
            priority: 1
            computeEnvironmentOrder: [{order: 1, computeEnvironment: local}]
        jobDefinitions:
          - jobDefinitionName: flaky
            containerProperties:
              command:
                - sh
                - -c
                - |
                  if [ "$AWS_BATCH_JOB_ARRAY_INDEX" = 3 ]; then exit 42; fi
                  if [ "$AWS_BATCH_JOB_ATTEMPT" = 1 ]; then exit 3; fi
            retryStrategy:
              attempts: 3
              evaluateOnExit:
                - {onExitCode: "3", action: RETRY}
                - {onExitCode: "*", action: EXIT}

        """

    /// Starts `drover serve --api` on `setup`, runs a 4-child `flaky` array to its end and submits a job too big for
    /// any environment; returns the sandbox, the server's URL and the array's id.
    static func run() throws -> (Sandbox, String, String) {
        let sandbox = try Sandbox()
        let applied = try sandbox.drover("apply", try sandbox.write("setup.yaml", setup))
        #expect(applied.status == 0, "\(applied.stderr)")
        let (_, url) = try APIClientTests.startAPI(sandbox)
        let array = try sandbox.submit("-q", "default", "-d", "flaky", "--array-size", "4")
        _ = try sandbox.submit("-q", "other", "-d", "flaky", "--vcpus", "8")
        let store = try sandbox.store()
        try eventually(within: 60, "the array to finish") { try store.job(array)?.status.isTerminal == true }
        return (sandbox, url, array)
    }

    /// Values by series (`name{label="value",...}` as written), comments left out.
    static func parse(_ text: String) -> [String: Double] {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            values[String(line[..<space])] = value
        }
        return values
    }

    /// The store's own count of jobs by queue and status, as `drover_jobs` series.
    static func storeCounts(_ sandbox: Sandbox) throws -> [String: Double] {
        let rows = try sandbox.store().pool.read { db in try Row.fetchAll(db, sql: "SELECT queue, status, count(*) FROM job GROUP BY 1, 2") }
        var counts: [String: Double] = [:]
        for row in rows {
            let queue: String = row[0]
            let status: String = row[1]
            let count: Int = row[2]
            counts["drover_jobs{queue=\"\(queue)\",status=\"\(status)\"}"] = Double(count)
        }
        return counts
    }

    /// Runs `executable ARGUMENTS` with `input`; its status and output (standard output and error together).
    static func tool(_ executable: String, _ arguments: [String], input: String = "") throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func aScrapeIsValidPrometheusTextWithTheStoresCounts() throws {
        let (sandbox, url, _) = try Self.run()
        var text = ""
        var values: [String: Double] = [:]
        // Attempt ends are counted right after their transaction; the blocked job's reason is written within a pass.
        try eventually(within: 30, "the attempts and the blocked job in /metrics") {
            text = HTTPGet.get(url + "/metrics")?.body ?? ""
            values = Self.parse(text)
            return values["drover_attempts_ended_total{outcome=\"succeeded\"}"] == 3
                && values["drover_runnable_jobs{queue=\"other\",reason=\"MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE\"}"] == 1
        }
        let check = try Self.tool("/usr/bin/promtool", ["check", "metrics"], input: text)
        #expect(check.status == 0 && check.output.isEmpty, "promtool check metrics: \(check.output)\n\(text)")

        // Every queue has every status, and the counts are the store's.
        let counts = try Self.storeCounts(sandbox)
        for queue in ["default", "other"] {
            for status in JobStatus.allCases {
                let series = "drover_jobs{queue=\"\(queue)\",status=\"\(status.rawValue)\"}"
                #expect(values[series] == counts[series] ?? 0, "\(series): \(values[series] ?? -1) in /metrics, \(counts[series] ?? 0) in the store")
            }
        }
        #expect(values["drover_jobs{queue=\"default\",status=\"SUCCEEDED\"}"] == 3)
        #expect(values["drover_jobs{queue=\"default\",status=\"FAILED\"}"] == 2, "child 3 and the parent")
        #expect(values["drover_jobs{queue=\"other\",status=\"RUNNABLE\"}"] == 1)

        // Four first attempts fail (three with exit code 3, retried by rule 0; one with 42), three second attempts succeed.
        #expect(values["drover_attempts_ended_total{outcome=\"exit_1_127\"}"] == 4)
        #expect(values["drover_job_retries_total{rule=\"evaluateOnExit[0]\",action=\"RETRY\"}"] == 3)
        #expect(values["drover_job_submit_to_start_seconds_count{queue=\"default\"}"] == 4, "one per child")
        #expect(values["drover_attempt_duration_seconds_count{queue=\"default\"}"] == 7, "one per attempt")
        #expect((values["drover_store_commit_seconds_count"] ?? 0) > 0 && (values["drover_store_commit_changes_sum"] ?? 0) >= 7 * 2)
        #expect(values["drover_compute_environment_max_vcpus{environment=\"local\"}"] == 2)
        #expect(values["drover_compute_environment_used_vcpus{environment=\"local\"}"] == 0)
        #expect(!text.contains(":0\"") && !text.contains(":1\""), "no job id is a label value")

        #expect(HTTPGet.get(url + "/metrics", method: "POST")?.status == 405, "only GET and HEAD")
    }

    @Test func aPrometheusServerScrapesTheJobCounts() throws {
        let (sandbox, url, _) = try Self.run()
        let port = HTTPGet.freePort()
        let config = try sandbox.write("prometheus.yml", """
            global: {scrape_interval: 1s, scrape_timeout: 1s}
            scrape_configs:
              - job_name: drover
                static_configs: [{targets: ["\(url.dropFirst("http://".count))"]}]

            """)
        let prometheus = Process()
        prometheus.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        prometheus.arguments = ["--config.file=\(config)", "--storage.tsdb.path=\(sandbox.root.appendingPathComponent("tsdb").path)",
                                "--web.listen-address=127.0.0.1:\(port)"]
        let log = sandbox.root.appendingPathComponent("prometheus.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        prometheus.standardOutput = try FileHandle(forWritingTo: log)
        prometheus.standardError = try FileHandle(forWritingTo: log)
        try prometheus.run()
        defer {
            prometheus.terminate()
            prometheus.waitUntilExit()
        }
        let expected = try Self.storeCounts(sandbox)["drover_jobs{queue=\"default\",status=\"SUCCEEDED\"}"] ?? -1
        #expect(expected == 3)
        let query = "drover_jobs{queue=\"default\",status=\"SUCCEEDED\"}".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        var answer = ""
        try eventually(within: 60, "Prometheus to have scraped the job count") {
            answer = HTTPGet.get("http://127.0.0.1:\(port)/api/v1/query?query=\(query)")?.body ?? ""
            return Self.queriedValue(answer) == expected || !prometheus.isRunning
        }
        #expect(Self.queriedValue(answer) == expected, "\(answer)\n\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        let up = HTTPGet.get("http://127.0.0.1:\(port)/api/v1/query?query=up")?.body ?? ""
        #expect(Self.queriedValue(up) == 1, "the target is up: \(up)")
    }

    /// A reclaimed spot instance: the attempt ends `host_lost`, the rule on `Host EC2*` retries it, and the simulated
    /// instances' reclaims, time and cost are the store's.
    @Test func spotReclaimsTimeAndCostAreTheStores() throws {
        let sandbox = try Sandbox()
        try sandbox.write("setup.yaml", SpotTests.hybrid() + """
            jobDefinitions:
              - jobDefinitionName: long
                containerProperties:
                  command: [sh, -c, 'if [ "$AWS_BATCH_JOB_ATTEMPT" = 1 ]; then while true; do sleep 0.05; done; fi']
                  resourceRequirements: [{type: VCPU, value: "1"}]
                retryStrategy:
                  attempts: 2
                  evaluateOnExit: [{action: RETRY, onStatusReason: "Host EC2*"}]
            """)
        #expect(try sandbox.drover("apply", sandbox.root.appendingPathComponent("setup.yaml").path).status == 0)
        let (_, url) = try APIClientTests.startAPI(sandbox, options: ["--time-scale", "60", "--seed", "5"])
        let job = try sandbox.submit("--job-queue", "spot-first", "--job-definition", "long")
        _ = try SpotTests.interruptWhenRunning(sandbox, [job])
        let store = try sandbox.store()
        try eventually(within: 30, "the job to finish") { try store.job(job)?.status.isTerminal == true }
        var values: [String: Double] = [:]
        var usage: InstanceUsage?
        // The instances change on their own (one may still be up): compare a scrape with the store read right after it.
        try eventually(within: 30, "/metrics to show the store's instances") {
            values = Self.parse(HTTPGet.get(url + "/metrics")?.body ?? "")
            usage = try store.instanceUsage().first { $0.environment == "spot" }
            // The instance ends at its notice's end, after the attempt it ran.
            guard let usage, usage.interrupted >= 1 else { return false }
            return values["drover_simulated_instance_reclaims_total{environment=\"spot\"}"] == Double(usage.interrupted)
                && Self.close(values["drover_simulated_instance_seconds_total{environment=\"spot\"}"], usage.instanceHours * 3600)
                && Self.close(values["drover_simulated_instance_cost_dollars_total{environment=\"spot\"}"], usage.cost)
                && values["drover_attempts_ended_total{outcome=\"succeeded\"}"] == 1
        }
        #expect((usage?.interrupted ?? 0) >= 1 && (usage?.cost ?? 0) > 0, "\(String(describing: usage))")
        #expect(values["drover_attempts_ended_total{outcome=\"host_lost\"}"] == 1)
        #expect(values["drover_job_retries_total{rule=\"evaluateOnExit[0]\",action=\"RETRY\"}"] == 1)
        #expect(values["drover_jobs{queue=\"spot-first\",status=\"SUCCEEDED\"}"] == 1)
    }

    /// Whether a counter that moved on by the store's increments shows the store's total (to rounding).
    static func close(_ value: Double?, _ expected: Double) -> Bool {
        guard let value else { return false }
        return abs(value - expected) <= 1e-9 * max(1, abs(expected))
    }

    /// The value of the first sample of an instant query's answer (`{"data":{"result":[{"value":[TIME,"VALUE"]}]}}`).
    static func queriedValue(_ answer: String) -> Double? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any],
              let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]],
              let value = result.first?["value"] as? [Any], value.count == 2, let text = value[1] as? String else { return nil }
        return Double(text)
    }
}
