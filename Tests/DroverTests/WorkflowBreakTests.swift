import DroverCore
import DroverStore
import Foundation
import Testing

/// Workflows under abuse: engines killed under a watching `drover workflow run`, hostile input.
struct WorkflowBreakTests {
    /// `drover workflow run` that watched a `drover serve` which was then killed runs the execution itself, rather than
    /// watch a RUNNING execution that no engine carries on.
    @Test func aWatchingRunCarriesTheExecutionOnWhenServeIsKilled() throws {
        let sandbox = try WorkflowCommandTests.sandbox()
        let serve = try sandbox.serve()
        let definition = try sandbox.write("nap.json", """
            {"StartAt": "Nap", "States": {"Nap": {"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob.sync",
              "Parameters": {"JobName": "nap", "JobQueue": "SpotQueue", "JobDefinition": "DataProcessor",
                             "ContainerOverrides": {"Command": ["sleep", "1"]}}, "End": true}}}
            """)
        let run = sandbox.process(["workflow", "run", definition, "--name", "orphan"])
        run.standardOutput = FileHandle.nullDevice
        run.standardError = FileHandle.nullDevice
        run.standardInput = FileHandle.nullDevice
        try run.run()
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        let store = try sandbox.store()
        try eventually(within: 30, "the task's job to be submitted") { try !store.jobs(JobFilter(all: true)).isEmpty }
        kill(serve.processIdentifier, SIGKILL)
        serve.waitUntilExit()
        try eventually(within: 30, "the watching run to end") { !run.isRunning }
        #expect(!run.isRunning && run.terminationStatus == 0)
        #expect(try store.execution("orphan")?.status == .succeeded)
        #expect(try store.jobs(JobFilter(all: true)).count == 1, "the job is submitted once")
    }

    /// A start refused because the execution's name is taken (with another definition) leaves the state machine's
    /// definition as it was: bad input changes nothing.
    @Test func aRefusedStartLeavesTheStateMachineAsItWas() throws {
        let sandbox = try WorkflowCommandTests.sandbox()
        let first = #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "first", "End": true}}}"#
        let file = try sandbox.write("flow.json", first)
        #expect(try sandbox.drover("workflow", "run", file, "--name", "once").status == 0)
        _ = try sandbox.write("flow.json", first.replacingOccurrences(of: "first", with: "second"))
        let again = try sandbox.drover("workflow", "run", file, "--name", "once")
        #expect(again.status == 2 && again.stderr.contains("already exists"), "\(again.stderr)")
        #expect(try sandbox.store().stateMachine("flow")?.definition == first)
    }

    /// An input nested deeper than a state's output may be is refused at the start, before anything runs.
    @Test func anInputNestedTooDeepIsRefusedAtTheStart() throws {
        let sandbox = try WorkflowCommandTests.sandbox()
        let file = try sandbox.write("flow.json", #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#)
        let deep = String(repeating: "[", count: 450) + String(repeating: "]", count: 450)
        let result = try sandbox.drover("workflow", "run", file, "--input", deep)
        #expect(result.status == 2 && result.stderr.contains("nests more than 400"), "\(result.stderr)")
        #expect(try sandbox.store().executions().isEmpty)
    }
}
