import DroverCore
import DroverStore
import Foundation
import ModelValidatorSupport
import Testing

/// Trace context: every attempt gets a `TRACEPARENT` naming its span in its submitter's trace, and with
/// `--otlp-endpoint` the engine exports the spans of jobs and attempts to a collector (a local receiver here, which
/// refuses the first tries).
@Suite(.serialized) struct TraceTests {
    /// Collected OTLP/HTTP JSON requests: every span, by span id.
    static func spans(_ file: URL) throws -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let request = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for resource in request["resourceSpans"] as? [[String: Any]] ?? [] {
                for scope in resource["scopeSpans"] as? [[String: Any]] ?? [] {
                    for span in scope["spans"] as? [[String: Any]] ?? [] {
                        if let id = span["spanId"] as? String { result[id] = span }
                    }
                }
            }
        }
        return result
    }

    static func attribute(_ span: [String: Any], _ key: String) -> String? {
        let value = (span["attributes"] as? [[String: Any]])?.first { $0["key"] as? String == key }?["value"] as? [String: Any]
        return value?["stringValue"] as? String ?? value?["intValue"] as? String
    }

    @Test func eachAttemptSeesItsSpanInTheSubmittersTraceAndTheSpansReachTheCollector() throws {
        let sandbox = try Sandbox()
        let jobs = basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: traced
                containerProperties:
                  command: [sh, -c, 'echo "$TRACEPARENT $TRACESTATE"; if [ "$AWS_BATCH_JOB_ATTEMPT" = 1 ]; then exit 3; fi']
                retryStrategy: {attempts: 2}

            """
        #expect(try sandbox.drover("apply", try sandbox.write("jobs.yaml", jobs)).status == 0)
        let portFile = sandbox.root.appendingPathComponent("port").path
        let received = sandbox.root.appendingPathComponent("spans.jsonl")
        let collector = Process()
        collector.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        collector.arguments = ["python3", Python.scripts.appendingPathComponent("event-listener.py").path, "webhook", portFile, received.path, "2"]
        collector.standardOutput = FileHandle.nullDevice
        collector.standardError = FileHandle.nullDevice
        try collector.run()
        defer { kill(collector.processIdentifier, SIGKILL) }
        var port = ""
        try eventually(within: 30, "the collector's port") {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)) ?? ""
            return !port.isEmpty
        }
        try sandbox.serve(["--otlp-endpoint", "http://127.0.0.1:\(port)"])
        let trace = "4bf92f3577b34da6a3ce929d0e0e4736", submitter = "00f067aa0ba902b7"
        let submitted = try sandbox.drover(["submit", "--name", "traced", "--job-queue", "default", "--job-definition", "traced", "--array-size", "2"],
                                           environment: ["TRACEPARENT": "00-\(trace)-\(submitter)-01", "TRACESTATE": "vendor=abc"])
        let id = submitted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try eventually(within: 60, "the array's span at the collector") {
            try Self.spans(received).values.contains { Self.attribute($0, "aws.batch.jobId") == id }
        }
        let spans = try Self.spans(received)
        let array = try #require(spans.values.first { Self.attribute($0, "aws.batch.jobId") == id })
        #expect(array["traceId"] as? String == trace && array["parentSpanId"] as? String == submitter, "the array's span is the submitter's child")
        #expect(Self.attribute(array, "aws.batch.status") == "SUCCEEDED" && (array["status"] as? [String: Any])?["code"] as? Int == 1)
        for index in 0..<2 {
            let child = "\(id):\(index)"
            let job = try #require(spans.values.first { Self.attribute($0, "aws.batch.jobId") == child && $0["name"] as? String == "traced" })
            #expect(job["parentSpanId"] as? String == array["spanId"] as? String, "a child's span is its array's child")
            for attempt in 1...2 {
                let seen = try sandbox.drover("logs", child, "--attempt", "\(attempt)").stdout.split(separator: " ")
                let parts = try #require(seen.first).split(separator: "-")
                #expect(parts.count == 4 && parts[1] == trace && parts[3] == "01", "\(seen)")
                #expect(seen.dropFirst().first?.trimmingCharacters(in: .newlines) == "vendor=abc", "TRACESTATE is passed on")
                let span = try #require(spans[String(parts[2])], "the TRACEPARENT attempt \(attempt) of \(child) saw names an exported span")
                #expect(span["name"] as? String == "attempt \(attempt) of traced" && span["traceId"] as? String == trace)
                #expect(span["parentSpanId"] as? String == job["spanId"] as? String, "the attempt's span is its job's child")
                #expect(Self.attribute(span, "aws.batch.container.exitCode") == (attempt == 1 ? "3" : "0"))
                #expect((span["status"] as? [String: Any])?["code"] as? Int == (attempt == 1 ? 2 : 1))
            }
        }
        #expect(spans.count == 7, "one span per job and per attempt: \(spans.count)")
        let bad = try sandbox.drover("serve", "--otlp-endpoint", "grpc://collector:4317")
        #expect(bad.status == 2 && bad.stderr.contains("--otlp-endpoint"), "\(bad.stderr)")
    }

    @Test func withoutASubmittersContextAJobStartsATraceOfItsOwn() throws {
        let sandbox = try Sandbox()
        let jobs = basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: plain
                containerProperties: {command: [sh, -c, 'echo "$TRACEPARENT"']}

            """
        #expect(try sandbox.drover("apply", try sandbox.write("jobs.yaml", jobs)).status == 0)
        let id = try sandbox.submit("--name", "plain", "--job-queue", "default", "--job-definition", "plain")
        try sandbox.serve()
        try eventually(within: 30, "the job to end") { try sandbox.store().job(id)?.status == .succeeded }
        let seen = try sandbox.drover("logs", id).stdout.trimmingCharacters(in: .newlines)
        let parsed = try #require(TraceParent(seen), "\(seen)")
        #expect(parsed.traceId == JobTrace(jobId: id, submitted: nil, state: nil).traceId)
        #expect(parsed.parentId == JobTrace(jobId: id, submitted: nil, state: nil).attemptSpanId(1))
    }

    @Test func aJobSubmittedThroughTheAPIJoinsTheTraceOfItsRequestsTraceparent() throws {
        let sandbox = try Sandbox()
        let jobs = basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: plain
                containerProperties: {command: [sh, -c, 'echo "$TRACEPARENT $TRACESTATE"']}

            """
        #expect(try sandbox.drover("apply", try sandbox.write("jobs.yaml", jobs)).status == 0)
        let (_, url) = try APIClientTests.startAPI(sandbox)
        let trace = "0af7651916cd43dd8448eb211c80319c"
        let code = """
            import boto3, os
            client = boto3.client("batch", endpoint_url=os.environ["DROVER_API_URL"], region_name="us-east-1")
            def carry(request, **kwargs):
                request.headers["traceparent"] = "00-\(trace)-b7ad6b7169203331-01"
                request.headers["tracestate"] = "vendor=api"
            client.meta.events.register("before-sign.batch.SubmitJob", carry)
            print(client.submit_job(jobName="viaapi", jobQueue="default", jobDefinition="plain")["jobId"])
            """
        var environment: [String: String?] = ["DROVER_API_URL": url, "AWS_ENDPOINT_URL": nil, "AWS_ENDPOINT_URL_BATCH": nil]
        for (key, value) in APIClientTests.keys { environment[key] = value }
        let submitted = try Python.run(["-c", code], environment: environment)
        #expect(submitted.status == 0, "\(submitted.output)")
        let id = submitted.output.trimmingCharacters(in: .whitespacesAndNewlines)
        try eventually(within: 30, "the job to end") { try sandbox.store().job(id)?.status == .succeeded }
        let seen = try sandbox.drover("logs", id).stdout.trimmingCharacters(in: .newlines)
        #expect(seen == "00-\(trace)-\(JobTrace(jobId: id, submitted: TraceParent("00-\(trace)-b7ad6b7169203331-01"), state: nil).attemptSpanId(1))-01 vendor=api")
    }

    @Test func aDefinitionsOwnTraceparentWinsWithoutTheSubmittersTracestate() throws {
        let sandbox = try Sandbox()
        let jobs = basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: own
                containerProperties:
                  command: [sh, -c, 'echo "$TRACEPARENT|${TRACESTATE-unset}"']
                  environment: [{name: TRACEPARENT, value: 00-11111111111111111111111111111111-2222222222222222-01}]

            """
        #expect(try sandbox.drover("apply", try sandbox.write("jobs.yaml", jobs)).status == 0)
        let submitted = try sandbox.drover(["submit", "--name", "own", "--job-queue", "default", "--job-definition", "own"],
                                           environment: ["TRACEPARENT": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "TRACESTATE": "vendor=abc"])
        let id = submitted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try sandbox.serve()
        try eventually(within: 30, "the job to end") { try sandbox.store().job(id)?.status == .succeeded }
        let seen = try sandbox.drover("logs", id).stdout.trimmingCharacters(in: .newlines)
        #expect(seen == "00-11111111111111111111111111111111-2222222222222222-01|unset", "the submitter's TRACESTATE is of another trace")
    }
}
