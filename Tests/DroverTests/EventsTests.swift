import DroverCore
import DroverStore
import Foundation
import ModelValidatorSupport
import Testing

/// Job events in EventBridge's shape: `drover events` through a run with retries, a blocked queue, webhook deliveries to
/// a receiver that fails the first tries, `GET /v1/events` with resumption, and keeping them for a bounded time.
@Suite(.serialized) struct EventsTests {
    /// The retry demo: each child fails its first attempt with exit 3 (retried), child 3 exits 42 (not retried).
    static let retryJobs = basicEnvironment() + """
        jobDefinitions:
          - jobDefinitionName: flaky
            containerProperties:
              command: [sh, -c, 'if [ "$AWS_BATCH_JOB_ARRAY_INDEX" = 3 ]; then exit 42; fi; if [ "$AWS_BATCH_JOB_ATTEMPT" = 1 ]; then exit 3; fi']
            retryStrategy:
              attempts: 3
              evaluateOnExit: [{onExitCode: "3", action: RETRY}, {onExitCode: "*", action: EXIT}]

        """

    /// Parsed JSON lines.
    static func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    /// Each job's statuses in event order, from EventBridge events.
    static func statuses(_ events: [[String: Any]]) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for event in events where event["detail-type"] as? String == "Batch Job State Change" {
            guard let detail = event["detail"] as? [String: Any], let id = detail["jobId"] as? String, let status = detail["status"] as? String else { continue }
            result[id, default: []].append(status)
        }
        return result
    }

    /// Starts `drover events --follow ARGS` writing to a file; returns the process and the file.
    static func follow(_ sandbox: Sandbox, _ arguments: [String]) throws -> (Process, URL) {
        let out = sandbox.root.appendingPathComponent("events-\(UUID().uuidString).jsonl")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let process = sandbox.process(["events", "--follow"] + arguments)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, out)
    }

    @Test func followingEventsThroughARunWithRetriesShowsEachJobsStateChangesInOrder() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.drover("apply", try sandbox.write("jobs.yaml", Self.retryJobs)).status == 0)
        let (follower, out) = try Self.follow(sandbox, [])
        defer { kill(follower.processIdentifier, SIGKILL) }
        try sandbox.serve()
        let id = try sandbox.submit("--name", "flaky", "--job-queue", "default", "--job-definition", "flaky", "--array-size", "4")
        try eventually(within: 60, "the array's last event") {
            let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            return Self.statuses(try Self.lines(text))[id]?.last == "FAILED"
        }
        let events = try Self.lines(String(contentsOf: out, encoding: .utf8))
        let byJob = Self.statuses(events)
        #expect(byJob[id] == ["SUBMITTED", "PENDING", "RUNNING", "FAILED"] || byJob[id] == ["SUBMITTED", "PENDING", "FAILED"], "\(byJob[id] ?? [])")
        for index in [0, 1, 2] {
            #expect(byJob["\(id):\(index)"] == ["RUNNABLE", "STARTING", "RUNNING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED"],
                    "child \(index): \(byJob["\(id):\(index)"] ?? [])")
        }
        #expect(byJob["\(id):3"] == ["RUNNABLE", "STARTING", "RUNNING", "FAILED"], "\(byJob["\(id):3"] ?? [])")
        // The envelope is EventBridge's; the detail is the job as of the event, in DescribeJobs' shape.
        let first = try #require(events.first { ($0["detail"] as? [String: Any])?["jobId"] as? String == "\(id):0" })
        #expect(first["source"] as? String == "aws.batch" && first["version"] as? String == "0" && first["region"] as? String == "us-east-1")
        #expect((first["resources"] as? [String]) == ["arn:aws:batch:us-east-1:000000000000:job/\(id):0"])
        let retried = events.filter { ($0["detail"] as? [String: Any])?["jobId"] as? String == "\(id):0" }
        let attempts = retried.map { (($0["detail"] as? [String: Any])?["attempts"] as? [Any])?.count ?? -1 }
        #expect(attempts == [0, 1, 1, 1, 2, 2, 2], "attempts shown as of each event: \(attempts)")
        let failed = try #require(events.last { ($0["detail"] as? [String: Any])?["jobId"] as? String == "\(id):3" }?["detail"] as? [String: Any])
        #expect(failed["statusReason"] as? String == "Essential container in task exited")
        #expect((failed["container"] as? [String: Any])?["exitCode"] as? Int == 42)
        let running = try #require(retried[2]["detail"] as? [String: Any])
        #expect(running["stoppedAt"] == nil && ((running["attempts"] as? [[String: Any]])?.first?["stoppedAt"]) == nil,
                "a RUNNING event shows its attempt under way")
        let details = events.compactMap { $0["detail"] }
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["jobs": details]), as: UTF8.self)
        #expect(try ModelValidator.problems("DescribeJobs", body) == "")
        // Narrowed and resumed: one child's events; after an event id, only the later ones.
        let child = try sandbox.drover("events", "--job", "\(id):1")
        #expect(Self.statuses(try Self.lines(child.stdout)).keys.sorted() == ["\(id):1"])
        let all = try sandbox.drover("events", "--job", id)
        #expect(Self.statuses(try Self.lines(all.stdout)) == byJob.filter { $0.key.hasPrefix(id) })
        let middle = try #require(events[events.count / 2]["id"] as? String)
        let rest = try Self.lines(try sandbox.drover("events", "--after", middle).stdout)
        #expect(rest.count == events.count - events.count / 2 - 1)
        let bad = try sandbox.drover("events", "--after", "yesterday")
        #expect(bad.status == 2 && bad.stderr.contains("--after"), "\(bad.stderr)")
        let unknown = try sandbox.drover("events", "--queue", "nope")
        #expect(unknown.status == 2 && unknown.stderr.contains("nope"), "\(unknown.stderr)")
    }

    @Test func aJobNoEnvironmentCanHoldBlocksItsQueueAndSaysWhy() throws {
        let sandbox = try Sandbox()
        let jobs = basicEnvironment(maxvCpus: 2) + """
            jobDefinitions:
              - jobDefinitionName: big
                containerProperties: {command: [true], resourceRequirements: [{type: VCPU, value: "8"}]}

            """
        #expect(try sandbox.drover("apply", try sandbox.write("jobs.yaml", jobs)).status == 0)
        try sandbox.serve()
        let id = try sandbox.submit("--name", "big", "--job-queue", "default", "--job-definition", "big")
        var blocked: [String: Any] = [:]
        try eventually(within: 30, "a Batch Job Queue Blocked event") {
            let events = try Self.lines(try sandbox.drover("events", "--job", id).stdout)
            blocked = events.first { $0["detail-type"] as? String == "Batch Job Queue Blocked" } ?? [:]
            return !blocked.isEmpty
        }
        let detail = try #require(blocked["detail"] as? [String: Any])
        #expect(detail["status"] as? String == "RUNNABLE")
        #expect((detail["statusReason"] as? String)?.hasPrefix("MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE") == true, "\(detail)")
        #expect((blocked["resources"] as? [String]) == ["arn:aws:batch:us-east-1:000000000000:job/\(id)", "arn:aws:batch:us-east-1:000000000000:job-queue/default"])
    }

    @Test func aWebhookGetsEveryEventInOrderThroughFailuresAndRestarts() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.drover("apply", try sandbox.write("jobs.yaml", Self.retryJobs)).status == 0)
        let portFile = sandbox.root.appendingPathComponent("port").path
        let received = sandbox.root.appendingPathComponent("received.jsonl")
        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        receiver.standardOutput = FileHandle.nullDevice
        receiver.standardError = FileHandle.nullDevice
        receiver.arguments = ["python3", Python.scripts.appendingPathComponent("event-listener.py").path, "webhook", portFile, received.path, "3"]
        try receiver.run()
        defer { kill(receiver.processIdentifier, SIGKILL) }
        var port = ""
        try eventually(within: 30, "the receiver's port") {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)) ?? ""
            return !port.isEmpty
        }
        let hook = ["--events-webhook", "http://127.0.0.1:\(port)/hook"]
        let first = try sandbox.serve(hook)
        let id = try sandbox.submit("--name", "flaky", "--job-queue", "default", "--job-definition", "flaky", "--array-size", "4")
        // The first three tries fail (503); the webhook backs off and delivers the same events again.
        try eventually(within: 60, "the array's first events delivered") {
            let text = (try? String(contentsOf: received, encoding: .utf8)) ?? ""
            return Self.statuses(try Self.lines(text))["\(id):0"]?.contains("RUNNING") == true
        }
        // Stopped mid-run and started again: it goes on from where it was.
        kill(first.processIdentifier, SIGTERM)
        first.waitUntilExit()
        try sandbox.serve(hook)
        try eventually(within: 60, "the array's last event delivered") {
            let text = (try? String(contentsOf: received, encoding: .utf8)) ?? ""
            return Self.statuses(try Self.lines(text))[id]?.last == "FAILED"
        }
        let delivered = try Self.lines(String(contentsOf: received, encoding: .utf8))
        let stored = try Self.lines(try sandbox.drover("events").stdout)
        // At least once, in order: removing repeats of an event leaves the store's sequence.
        var seen = Set<String>()
        let unique = delivered.compactMap { $0["id"] as? String }.filter { seen.insert($0).inserted }
        #expect(unique == stored.compactMap { $0["id"] as? String })
        let bad = try sandbox.drover("serve", "--events-webhook", "https://example.com/hook")
        #expect(bad.status == 2 && bad.stderr.contains("--events-webhook"), "\(bad.stderr)")
    }

    @Test func aSlowReceiverDoesNotKeepTheServerFromStopping() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.drover("apply", try sandbox.write("jobs.yaml", Self.retryJobs)).status == 0)
        // Some sixty events, which a receiver taking half a second each would take half a minute to take.
        _ = try sandbox.submit("--name", "flaky", "--job-queue", "default", "--job-definition", "flaky", "--array-size", "20")
        let portFile = sandbox.root.appendingPathComponent("port").path
        let received = sandbox.root.appendingPathComponent("received.jsonl")
        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        receiver.standardOutput = FileHandle.nullDevice
        receiver.standardError = FileHandle.nullDevice
        receiver.arguments = ["python3", Python.scripts.appendingPathComponent("event-listener.py").path, "webhook", portFile, received.path, "0", "0.5"]
        try receiver.run()
        defer { kill(receiver.processIdentifier, SIGKILL) }
        var port = ""
        try eventually(within: 30, "the receiver's port") {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)) ?? ""
            return !port.isEmpty
        }
        let server = try sandbox.serve(["--events-webhook", "http://127.0.0.1:\(port)/hook"])
        try eventually(within: 30, "the first events delivered") { ((try? String(contentsOf: received, encoding: .utf8)) ?? "").count > 0 }
        kill(server.processIdentifier, SIGTERM)
        try eventually(within: 5, "drover serve to stop after the event under way") { !server.isRunning }
        // What was taken is a start of the store's events, in order.
        let delivered = try Self.lines(String(contentsOf: received, encoding: .utf8)).compactMap { $0["id"] as? String }
        let stored = try Self.lines(try sandbox.drover("events").stdout).compactMap { $0["id"] as? String }
        #expect(delivered.count < stored.count && delivered == Array(stored.prefix(delivered.count)), "\(delivered.count) of \(stored.count)")
    }

    @Test func serverSentEventsStreamLiveResumeFromAnIdAndEndWithTheServer() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.drover("apply", try sandbox.write("jobs.yaml", Self.retryJobs)).status == 0)
        let (server, url) = try APIClientTests.startAPI(sandbox)
        let id = try sandbox.submit("--name", "flaky", "--job-queue", "default", "--job-definition", "flaky", "--array-size", "2")
        try eventually(within: 60, "the array to end") { try sandbox.store().job(id)?.status.isTerminal == true }
        let stored = try Self.lines(try sandbox.drover("events").stdout)
        let read = try Python.run([Python.scripts.appendingPathComponent("event-listener.py").path, "sse", url + "/v1/events", "\(stored.count)"])
        #expect(read.status == 0, "\(read.output)")
        let streamed = try Self.lines(read.output)
        #expect(streamed.map { $0["id"] as? String } == stored.map { $0["id"] as? String })
        #expect(streamed.map { $0["event"] as? String } == stored.map { $0["detail-type"] as? String })
        // Resumed with Last-Event-ID, and narrowed to one child.
        let resumeAt = try #require(stored[3]["id"] as? String)
        let resumed = try Python.run([Python.scripts.appendingPathComponent("event-listener.py").path, "sse", url + "/v1/events", "1", resumeAt])
        #expect(try Self.lines(resumed.output).first?["id"] as? String == stored[4]["id"] as? String, "\(resumed.output)")
        let child = try Python.run([Python.scripts.appendingPathComponent("event-listener.py").path, "sse", url + "/v1/events?job=\(id):1", "2"])
        let childIds = try Self.lines(child.output).compactMap { ($0["data"] as? [String: Any]).flatMap { ($0["detail"] as? [String: Any])?["jobId"] as? String } }
        #expect(childIds == ["\(id):1", "\(id):1"], "\(child.output)")
        // A stream that is still open does not keep the server from stopping.
        let listener = Process()
        listener.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        listener.arguments = ["python3", Python.scripts.appendingPathComponent("event-listener.py").path, "sse", url + "/v1/events", "100000"]
        listener.standardOutput = FileHandle.nullDevice
        listener.standardError = FileHandle.nullDevice
        try listener.run()
        defer { kill(listener.processIdentifier, SIGKILL) }
        try eventually(within: 10, "the stream to be open") { listener.isRunning }
        kill(server.processIdentifier, SIGTERM)
        try eventually(within: 15, "drover serve to stop with a stream open") { !server.isRunning }
    }

    @Test func aClientThatNeverReadsDoesNotKeepTheServerFromStopping() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.drover("apply", try sandbox.write("jobs.yaml", Self.retryJobs)).status == 0)
        // Megabytes of events: more than the sockets between the server and the client hold.
        let id = try sandbox.submit("--name", "many", "--job-queue", "default", "--job-definition", "flaky", "--array-size", "3000")
        #expect(try sandbox.drover("cancel", id).status == 0)
        let (server, url) = try APIClientTests.startAPI(sandbox)
        let staller = Process()
        staller.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        staller.arguments = ["python3", Python.scripts.appendingPathComponent("event-listener.py").path, "stall", url + "/v1/events", "120"]
        let output = Pipe()
        staller.standardOutput = output
        staller.standardError = FileHandle.nullDevice
        try staller.run()
        defer { kill(staller.processIdentifier, SIGKILL) }
        _ = output.fileHandleForReading.availableData
        // The server's writes to it block once the sockets are full.
        Thread.sleep(forTimeInterval: 2)
        kill(server.processIdentifier, SIGTERM)
        try eventually(within: 15, "drover serve to stop with a client that never reads") { !server.isRunning }
    }

    @Test func theEngineForgetsABacklogOfOldEventsWithoutWaitingAMinuteForEachTenThousand() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.drover("apply", try sandbox.write("jobs.yaml", Self.retryJobs)).status == 0)
        // 30,000 events (RUNNABLE and FAILED for each child): the engine makes that many in a quarter of a minute.
        for name in ["a", "b", "c"] {
            let id = try sandbox.submit("--name", name, "--job-queue", "default", "--job-definition", "flaky", "--array-size", "5000")
            #expect(try sandbox.drover("cancel", id).status == 0)
        }
        let store = try sandbox.store()
        #expect(try store.events(EventQuery(limit: 100_000)).count > 30_000)
        Thread.sleep(forTimeInterval: 1)
        try sandbox.serve(["--events-retention-hours", "0.0002"])
        try eventually(within: 20, "the events older than 0.72 s to be forgotten") { try store.eventRange() == nil }
    }

    @Test func eventsAreKeptForABoundedTimeAndAConsumerIsToldWhatItMissed() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.drover("apply", try sandbox.write("jobs.yaml", Self.retryJobs)).status == 0)
        _ = try sandbox.submit("--name", "one", "--job-queue", "default", "--job-definition", "flaky")
        _ = try sandbox.submit("--name", "two", "--job-queue", "default", "--job-definition", "flaky")
        let store = try sandbox.store()
        let before = try store.events(EventQuery())
        #expect(before.count == 4, "SUBMITTED and RUNNABLE for each: \(before.map(\.status))")
        #expect(try store.pruneEvents(before: nowMillis() + 1000, limit: 3) == 3)
        let after = try sandbox.drover("events", "--after", "1")
        #expect(after.stderr.contains("2 events were forgotten"), "\(after.stderr)")
        #expect(try Self.lines(after.stdout).count == 1)
    }
}
