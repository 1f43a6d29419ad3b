import DroverCore
import DroverStore
import Foundation
import Testing

/// `drover workflow` as a user types it: the Step Functions + Batch example unchanged, validation that names the file,
/// line and state, hand-off to a running `drover serve`, start and stop.
struct WorkflowCommandTests {
    static func sandbox() throws -> Sandbox {
        let sandbox = try Sandbox()
        let folder = Sandbox.packageRoot.appendingPathComponent("jobs/workflows")
        let setup = try String(contentsOf: folder.appendingPathComponent("pipeline.yaml"), encoding: .utf8)
        #expect(try sandbox.drover("apply", try sandbox.write("pipeline.yaml", setup)).status == 0)
        return sandbox
    }

    static func example(_ sandbox: Sandbox) throws -> String {
        let text = try String(contentsOf: Sandbox.packageRoot.appendingPathComponent("jobs/workflows/example.json"), encoding: .utf8)
        return try sandbox.write("example.json", text)
    }

    /// The example of the issue, as AWS's documentation writes it (its Parallel state has neither Next nor End).
    @Test func theStepFunctionsBatchExampleRunsUnchanged() throws {
        let sandbox = try Self.sandbox()
        let result = try sandbox.drover("workflow", "run", try Self.example(sandbox))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("example.json:4: States.ProcessBatch: Parallel state 'ProcessBatch' has neither Next nor End"),
                "the warning names the file, line and state: \(result.stderr)")
        let output = try #require(try JSONValue(parsing: result.stdout).array)
        #expect(output.count == 1 && output[0]["JobName"] == "ProcessDataSet1" && output[0]["JobArn"]?.string?.hasPrefix("arn:aws:batch:") == true)
        // batch:submitJob does not wait for its job; `workflow run` with its own engine still runs it to its end.
        let jobs = try sandbox.store().jobs(JobFilter(all: true))
        #expect(jobs.count == 1 && jobs[0].status == .succeeded && jobs[0].jobQueue == "SpotQueue")
    }

    @Test func everyProblemIsNamedWithItsLineAndStateAndNothingRuns() throws {
        let sandbox = try Self.sandbox()
        let file = try sandbox.write("bad.json", """
            {
              "StartAt": "First",
              "States": {
                "First": {
                  "Type": "Task",
                  "Resource": "arn:aws:states:::batch:submitJob.sync",
                  "Parameters": {"JobName": "a", "JobQueue": "NoSuchQueue", "JobDefinition": "NoSuchDefinition"},
                  "Next": "Second"
                },
                "Second": {"Type": "Wait", "Seconds": 1, "Next": "Nowhere"},
                "Lonely": {"Type": "Succeed"}
              }
            }
            """)
        let structure = try sandbox.drover("workflow", "run", file)
        #expect(structure.status == 2)
        for expected in ["bad.json:10: States.Second.Next", "'Nowhere'", "bad.json:11: States.Lonely", "cannot be reached from StartAt"] {
            #expect(structure.stderr.contains(expected), "\(expected) in \(structure.stderr)")
        }
        let fixed = try sandbox.write("bad2.json", try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "\"Nowhere\"", with: "\"Lonely\""))
        let resources = try sandbox.drover("workflow", "run", fixed)
        #expect(resources.status == 2)
        for expected in ["bad2.json:7: States.First.Parameters.JobQueue", "Task state 'First': no job queue 'NoSuchQueue'",
                         "States.First.Parameters.JobDefinition", "no ACTIVE job definition 'NoSuchDefinition'"] {
            #expect(resources.stderr.contains(expected), "\(expected) in \(resources.stderr)")
        }
        let validate = try sandbox.drover("workflow", "validate", fixed)
        #expect(validate.status == 2 && validate.stderr.contains("NoSuchQueue"))
        #expect(try sandbox.store().executions().isEmpty && sandbox.store().jobs(JobFilter(all: true)).isEmpty, "nothing ran")
        let input = try sandbox.drover("workflow", "run", try Self.example(sandbox), "--input", "{not json")
        #expect(input.status == 2 && input.stderr.contains("--input: the input is not valid JSON"), "\(input.stderr)")
    }

    @Test func aRunningServeRunsTheExecutionAndTheCommandWatches() throws {
        let sandbox = try Self.sandbox()
        try sandbox.serve()
        let folder = Sandbox.packageRoot.appendingPathComponent("jobs/workflows")
        let definition = try sandbox.write("pipeline.json", try String(contentsOf: folder.appendingPathComponent("pipeline.json"), encoding: .utf8))
        let input = try sandbox.write("input.json", #"{"items": ["ok-0", "flaky-1", "ok-2"]}"#)
        let result = try sandbox.drover("workflow", "run", definition, "--input", "@\(input)", "--name", "handed")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("an engine is already running") && result.stderr.contains("ProcessItems: 3/3 items succeeded"), "\(result.stderr)")
        #expect(try JSONValue(parsing: result.stdout)["results"]?.array?.count == 3)
    }

    @Test func startReturnsAtOnceAndStopAbortsTheExecutionAndItsJob() throws {
        let sandbox = try Self.sandbox()
        try sandbox.serve()
        let definition = try sandbox.write("sleepy.json", """
            {"StartAt": "Sleep", "States": {"Sleep": {"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob.sync",
              "Parameters": {"JobName": "sleepy", "JobQueue": "SpotQueue", "JobDefinition": "DataProcessor",
                             "ContainerOverrides": {"Command": ["sleep", "60"]}}, "End": true}}}
            """)
        let started = try sandbox.drover("workflow", "start", definition, "--name", "sleepy")
        #expect(started.status == 0 && started.stdout.hasPrefix("arn:aws:states:us-east-1:000000000000:execution:sleepy:sleepy"), "\(started.stdout)")
        let store = try sandbox.store()
        try eventually(within: 30, "the job to run") { try store.jobs(JobFilter(all: true)).first?.status == .running }
        let stopped = try sandbox.drover("workflow", "stop", "sleepy", "--error", "Operator", "--cause", "not needed")
        #expect(stopped.status == 0, "\(stopped.stderr)")
        let execution = try #require(try store.execution("sleepy"))
        #expect(execution.status == .aborted && execution.error == "Operator" && execution.cause == "not needed")
        try eventually(within: 30, "the job to be terminated") { try store.jobs(JobFilter(all: true)).first?.status == .failed }
        let described = try sandbox.drover("workflow", "describe", "sleepy")
        #expect(described.stdout.contains("ABORTED") && described.stdout.contains("ExecutionAborted"), "\(described.stdout)")
        let again = try sandbox.drover("workflow", "stop", "sleepy")
        #expect(again.status == 0 && again.stderr.contains("had already ended (ABORTED)"))
        let unknown = try sandbox.drover("workflow", "describe", "nope")
        #expect(unknown.status == 2 && unknown.stderr.contains("no execution 'nope'"))
    }
}
