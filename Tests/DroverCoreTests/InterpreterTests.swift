import DroverCore
import Foundation
import Testing

/// A fake AWS Batch for ``Interpreter/step(_:on:in:environment:)``: it records the `SubmitJob` requests and answers
/// with `job-1`, `job-2`... or with the refusal it is given; it hands out thread ids from 1.
final class FakeBatch {
    var requests: [SubmitJobRequest] = []
    var refusal: StatesError?
    var nextThread = 1
}

/// One thread stepped by hand: a fixed clock (moved by the test), a fixed random number, no store.
final class SteppedThread {
    /// 2026-01-01T00:00:00Z.
    static let start: EpochMillis = 1_767_225_600_000
    static let info = ExecutionInfo(arn: "arn:aws:states:us-east-1:000000000000:execution:test:run-1", name: "run-1", input: ["from": "start"],
                                    startedAt: start - 1000, machineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:test",
                                    machineName: "test", roleArn: "arn:aws:iam::000000000000:role/drover", region: "us-east-1")

    let machine: StateMachine
    let batch = FakeBatch()
    var thread: WorkflowThread
    var now = SteppedThread.start
    var random = 0.5
    /// Every event recorded so far.
    var events: [HistoryEvent] = []

    /// A top-level thread about to enter `state` (the machine's `StartAt` by default).
    init(_ machine: StateMachine, input: JSONValue = [:], at state: String? = nil) {
        self.machine = machine
        self.thread = WorkflowThread(execution: 1, id: 0, parent: nil, slot: 0, path: .top, state: state ?? machine.startAt, input: input, lastEvent: 1)
    }

    convenience init(_ definition: String, input: JSONValue = [:], at state: String? = nil) throws {
        self.init(try WorkflowDefinition.parse(text: definition, path: "test.json").machine, input: input, at: state)
    }

    /// Steps the thread on `occurrence`; the step's result (the thread is kept).
    @discardableResult
    func step(_ occurrence: Occurrence) -> StepResult {
        let batch = self.batch
        let random = self.random
        let environment = StepEnvironment(
            now: now, execution: Self.info, random: { random },
            submit: { request in
                batch.requests.append(request)
                if let refusal = batch.refusal { return .failure(refusal) }
                let id = "job-\(batch.requests.count)"
                return .success(SubmittedTask(jobId: id, jobArn: "arn:aws:batch:us-east-1:000000000000:job/\(id)", jobName: request.jobName))
            },
            nextThreadId: { count in
                let first = batch.nextThread
                batch.nextThread += count
                return first
            })
        let result = Interpreter.step(thread, on: occurrence, in: machine, environment: environment)
        thread = result.thread
        events += result.events
        return result
    }

    /// Moves the clock to the thread's `wakeAt` and steps it on `.timer`.
    @discardableResult
    func wake() -> StepResult {
        now = thread.wakeAt ?? now
        return step(.timer)
    }
}

extension StepResult {
    var types: [String] { events.map(\.type) }
}

/// `{"StartAt": "S", "States": {"S": state}}` (plus `more` states).
func definition(_ state: String, more: String = "") -> String {
    #"{"StartAt": "S", "States": {"S": \#(state)\#(more.isEmpty ? "" : ", " + more)}}"#
}

/// A `.sync` Batch task's fields (`extra` added).
func syncTask(_ extra: String = "", parameters: String = #""JobName": "work""#) -> String {
    #"{"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob.sync", "Parameters": {\#(parameters), "JobQueue": "default", "JobDefinition": "work"}\#(extra.isEmpty ? "" : ", " + extra)}"#
}

/// Each state type stepped on its own: the thread's next step, its output or error, and the history events (with their
/// details) that Step Functions records.
struct InterpreterTests {
    // MARK: - Pass

    static let passCases: [(state: String, input: JSONValue, output: JSONValue)] = [
        // Result, placed by ResultPath into the raw input.
        (#"{"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.r", "End": true}"#, ["a": 1], ["a": 1, "r": ["x": 1]]),
        // Result alone replaces the input.
        (#"{"Type": "Pass", "Result": "done", "End": true}"#, ["a": 1], "done"),
        // Parameters with paths, the context object and an intrinsic function.
        (#"{"Type": "Pass", "Parameters": {"v.$": "$.a", "s.$": "States.Format('n={}', $.a)", "name.$": "$$.Execution.Name", "fixed": "k"}, "End": true}"#,
         ["a": 1], ["v": 1, "s": "n=1", "name": "run-1", "fixed": "k"]),
        // InputPath and OutputPath.
        (#"{"Type": "Pass", "InputPath": "$.inner", "OutputPath": "$.b", "End": true}"#, ["inner": ["b": 2], "c": 3], 2),
        // InputPath null: the effective input is {} (and that is the result, placed into the raw input).
        (#"{"Type": "Pass", "InputPath": null, "ResultPath": "$.r", "End": true}"#, ["a": 1], ["a": 1, "r": [:]]),
        // ResultPath null: the input goes on as it was.
        (#"{"Type": "Pass", "Result": 5, "ResultPath": null, "End": true}"#, ["a": 1], ["a": 1]),
        // OutputPath null: {}.
        (#"{"Type": "Pass", "OutputPath": null, "End": true}"#, ["a": 1], [:]),
        // ResultPath into a nested member that does not exist yet.
        (#"{"Type": "Pass", "Result": true, "ResultPath": "$.deep.er", "End": true}"#, ["a": 1], ["a": 1, "deep": ["er": true]]),
    ]

    @Test(arguments: passCases.indices)
    func pass(_ index: Int) throws {
        let (state, input, output) = Self.passCases[index]
        let run = try SteppedThread(definition(state), input: input)
        let result = run.step(.enter)
        #expect(result.types == ["PassStateEntered", "PassStateExited"])
        #expect(run.thread.status == .succeeded && run.thread.step == .done)
        #expect(run.thread.output == output, "\(state)")
        #expect(result.events[0].details == ["name": "S", "input": .string(input.document), "inputDetails": ["truncated": false]])
        #expect(result.events[1].details == ["name": "S", "output": .string(output.document), "outputDetails": ["truncated": false]])
    }

    @Test func aPassStateMovesOnToItsNextStateInTheSameStep() throws {
        let run = try SteppedThread(definition(#"{"Type": "Pass", "Result": 1, "ResultPath": "$.one", "Next": "T"}"#,
                                               more: #""T": {"Type": "Pass", "Result": 2, "ResultPath": "$.two", "End": true}"#))
        let result = run.step(.enter)
        #expect(result.types == ["PassStateEntered", "PassStateExited", "PassStateEntered", "PassStateExited"])
        #expect(run.thread.output == ["one": 1, "two": 2])
        #expect(run.thread.state == "T")
    }

    @Test func aPathToNothingIsStatesRuntime() throws {
        let run = try SteppedThread(definition(#"{"Type": "Pass", "InputPath": "$.missing", "End": true}"#), input: ["a": 1])
        run.step(.enter)
        #expect(run.thread.status == .failed)
        #expect(run.thread.error?.error == StatesError.runtime)
    }

    /// Output nested deeper than JSON is read and written back (a loop that wraps its input) is
    /// States.DataLimitExceeded, not a silent `null` in the store.
    @Test(arguments: [(398, false), (399, true)])
    func outputNestedTooDeepIsDataLimitExceeded(depth: Int, exceeded: Bool) throws {
        var input: JSONValue = 1
        for _ in 0..<depth { input = [input] }
        let run = try SteppedThread(definition(#"{"Type": "Pass", "Parameters": {"x": {"y.$": "$"}}, "End": true}"#), input: input)
        let result = run.step(.enter)
        if exceeded {
            #expect(run.thread.status == .failed && run.thread.error?.error == StatesError.dataLimitExceeded)
            #expect(result.types == ["PassStateEntered"])
        } else {
            #expect(run.thread.status == .succeeded && run.thread.output?["x"]?["y"] == input)
        }
    }

    // MARK: - Wait

    static let waitCases: [(field: String, input: JSONValue, seconds: Int)] = [
        (#""Seconds": 10"#, [:], 10),
        (#""Timestamp": "2026-01-01T00:01:00Z""#, [:], 60),
        // Another offset, and a fraction: half a second from now (checked apart below).
        (#""Timestamp": "2026-01-01T01:00:00.500+01:00""#, [:], 0),
        (#""SecondsPath": "$.delay""#, ["delay": 5], 5),
        (#""TimestampPath": "$.until""#, ["until": "2026-01-01T00:00:30.000Z"], 30),
        // A time already past: no wait.
        (#""Timestamp": "2025-12-31T00:00:00Z""#, [:], 0),
    ]

    @Test(arguments: waitCases.indices)
    func wait(_ index: Int) throws {
        let (field, input, seconds) = Self.waitCases[index]
        let run = try SteppedThread(definition(#"{"Type": "Wait", \#(field), "End": true}"#), input: input)
        let entered = run.step(.enter)
        #expect(entered.types == ["WaitStateEntered"])
        #expect(run.thread.step == .wait && run.thread.status == .active)
        let expected = index == 2 ? SteppedThread.start + 500 : SteppedThread.start + EpochMillis(seconds) * 1000
        #expect(run.thread.wakeAt == expected, "\(field)")
        let woken = run.wake()
        #expect(woken.types == ["WaitStateExited"])
        #expect(run.thread.status == .succeeded && run.thread.output == input)
    }

    @Test func aWaitExitsWithItsEffectiveInputThroughOutputPath() throws {
        let run = try SteppedThread(definition(#"{"Type": "Wait", "InputPath": "$.inner", "SecondsPath": "$.delay", "OutputPath": "$.keep", "End": true}"#),
                                    input: ["inner": ["delay": 3, "keep": ["k": 1]], "other": 2])
        run.step(.enter)
        #expect(run.thread.wakeAt == SteppedThread.start + 3000)
        run.wake()
        #expect(run.thread.output == ["k": 1])
    }

    @Test func aWaitOnABadSecondsPathIsStatesRuntime() throws {
        for input: JSONValue in [["delay": "soon"], ["delay": -1], [:]] {
            let run = try SteppedThread(definition(#"{"Type": "Wait", "SecondsPath": "$.delay", "End": true}"#), input: input)
            run.step(.enter)
            #expect(run.thread.error?.error == StatesError.runtime, "\(input.document)")
        }
    }

    // MARK: - Choice, Succeed, Fail

    static let choice = definition(#"""
        {"Type": "Choice", "Choices": [
            {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"},
            {"And": [{"Variable": "$.n", "NumericLessThan": 0}, {"Variable": "$.sign", "IsPresent": true}], "Next": "Negative"}],
         "Default": "Other", "OutputPath": "$.n"}
        """#, more: #"""
        "Big": {"Type": "Pass", "Result": "big", "End": true},
        "Negative": {"Type": "Pass", "Parameters": {"was.$": "$"}, "End": true},
        "Other": {"Type": "Succeed"}
        """#)

    static let choiceCases: [(input: JSONValue, next: String, output: JSONValue)] = [
        (["n": 11], "Big", "big"), (["n": -1, "sign": "-"], "Negative", ["was": -1]), (["n": -1], "Other", -1), (["n": 5], "Other", 5),
    ]

    @Test(arguments: choiceCases.indices)
    func choice(_ index: Int) throws {
        let (input, next, output) = Self.choiceCases[index]
        let run = try SteppedThread(Self.choice, input: input)
        let result = run.step(.enter)
        let nextType = next == "Other" ? "Succeed" : "Pass"
        #expect(result.types == ["ChoiceStateEntered", "ChoiceStateExited", nextType + "StateEntered", nextType + "StateExited"])
        #expect(run.thread.state == next)
        // The Choice's output is its effective input through OutputPath: the next state's input.
        #expect(result.events[1].details["output"]?.string == input["n"]?.document)
        #expect(run.thread.output == output)
    }

    @Test func aChoiceWithoutMatchNorDefaultFailsWithNoChoiceMatched() throws {
        let run = try SteppedThread(definition(#"{"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "T"}]}"#,
                                               more: #""T": {"Type": "Succeed"}"#), input: ["n": 2])
        let result = run.step(.enter)
        #expect(result.types == ["ChoiceStateEntered"])
        #expect(run.thread.status == .failed && run.thread.step == .done)
        #expect(run.thread.error?.error == StatesError.noChoiceMatched)
    }

    @Test func succeedGivesItsEffectiveInputThroughOutputPath() throws {
        let run = try SteppedThread(definition(#"{"Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b"}"#), input: ["a": ["b": [1, 2]]])
        let result = run.step(.enter)
        #expect(result.types == ["SucceedStateEntered", "SucceedStateExited"])
        #expect(run.thread.status == .succeeded && run.thread.output == [1, 2])
    }

    static let failCases: [(fields: String, input: JSONValue, error: String, cause: String)] = [
        (#""Error": "Custom.Broken", "Cause": "it broke""#, [:], "Custom.Broken", "it broke"),
        (#""Error": "OnlyError""#, [:], "OnlyError", ""),
        (#""ErrorPath": "$.why.name", "CausePath": "$.why.text""#, ["why": ["name": "E1", "text": "from the input"]], "E1", "from the input"),
        (#""ErrorPath": "States.Format('Err.{}', $.n)", "CausePath": "States.Format('{} of {}', $.n, $$.Execution.Name)""#, ["n": 3], "Err.3", "3 of run-1"),
    ]

    @Test(arguments: failCases.indices)
    func fail(_ index: Int) throws {
        let (fields, input, error, cause) = Self.failCases[index]
        let run = try SteppedThread(definition(#"{"Type": "Fail", \#(fields)}"#), input: input)
        let result = run.step(.enter)
        #expect(result.types == ["FailStateEntered"])
        #expect(run.thread.status == .failed && run.thread.step == .done)
        #expect(run.thread.error == StatesError(error, cause))
    }

    // MARK: - Task

    @Test func submitJobGoesOnWithTheSubmitJobResponse() throws {
        let run = try SteppedThread(definition(#"""
            {"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob", "Parameters": {"JobName.$": "$.name", "JobQueue": "default",
             "JobDefinition": "work", "ContainerOverrides": {"Command": ["echo", "hi"]}}, "ResultPath": "$.job", "End": true}
            """#), input: ["name": "render"])
        let result = run.step(.enter)
        #expect(result.types == ["TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited"])
        #expect(run.batch.requests.count == 1)
        let request = try #require(run.batch.requests.first)
        #expect(request.jobName == "render" && request.jobQueue == "default" && request.jobDefinition == "work")
        #expect(request.containerOverrides?.command == ["echo", "hi"])
        let response: JSONValue = ["JobArn": "arn:aws:batch:us-east-1:000000000000:job/job-1", "JobId": "job-1", "JobName": "render"]
        #expect(run.thread.output == ["name": "render", "job": response])
        #expect(run.thread.status == .succeeded)
        let scheduled = result.events[1].details
        #expect(scheduled["resourceType"] == "batch" && scheduled["resource"] == "submitJob" && scheduled["region"] == "us-east-1")
        let parameters = try JSONValue(parsing: scheduled["parameters"]?.string ?? "")
        #expect(parameters == ["JobName": "render", "JobQueue": "default", "JobDefinition": "work", "ContainerOverrides": ["Command": ["echo", "hi"]]])
        #expect(result.events[2].details == ["resourceType": "batch", "resource": "submitJob"])
        #expect(try JSONValue(parsing: result.events[3].details["output"]?.string ?? "") == response)
    }

    static let jobRecord: JSONValue = ["JobId": "job-1", "JobName": "work", "Status": "SUCCEEDED", "Container": ["ExitCode": 0]]

    @Test func submitJobSyncWaitsForTheJobAndItsRecordIsTheResult() throws {
        let run = try SteppedThread(definition(syncTask(#""TimeoutSeconds": 30, "HeartbeatSeconds": 10, "ResultSelector": {"status.$": "$.Status", "id.$": "$.JobId"}, "ResultPath": "$.out", "OutputPath": "$.out", "End": true"#)),
                                    input: ["in": 1])
        let entered = run.step(.enter)
        #expect(entered.types == ["TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted"])
        #expect(run.thread.step == .task && run.thread.jobId == "job-1" && run.thread.status == .active)
        #expect(run.thread.wakeAt == SteppedThread.start + 30_000)
        let scheduled = entered.events[1].details
        #expect(scheduled["resource"] == "submitJob.sync" && scheduled["timeoutInSeconds"] == 30 && scheduled["heartbeatInSeconds"] == 10)
        #expect(try JSONValue(parsing: entered.events[3].details["output"]?.string ?? "")["JobId"] == "job-1")
        // Another job's end is not this task's.
        #expect(run.step(.jobEnded(JobEnd(jobId: "job-9", succeeded: true, record: Self.jobRecord))).events.isEmpty)
        #expect(run.thread.step == .task)
        run.now += 5000
        let ended = run.step(.jobEnded(JobEnd(jobId: "job-1", succeeded: true, record: Self.jobRecord)))
        #expect(ended.types == ["TaskSucceeded", "TaskStateExited"])
        #expect(try JSONValue(parsing: ended.events[0].details["output"]?.string ?? "") == Self.jobRecord)
        #expect(run.thread.output == ["status": "SUCCEEDED", "id": "job-1"])
        #expect(run.thread.status == .succeeded && run.thread.wakeAt == nil && run.thread.jobId == nil)
    }

    @Test func aFailedJobIsStatesTaskFailedWithItsRecordAsCause() throws {
        let run = try SteppedThread(definition(syncTask(#""End": true"#)))
        run.step(.enter)
        var record = Self.jobRecord
        record["Status"] = "FAILED"
        let ended = run.step(.jobEnded(JobEnd(jobId: "job-1", succeeded: false, record: record)))
        #expect(ended.types == ["TaskFailed"])
        #expect(ended.events[0].details == ["resourceType": "batch", "resource": "submitJob.sync", "error": "States.TaskFailed",
                                            "cause": .string(record.document)])
        #expect(run.thread.status == .failed && run.thread.error == StatesError(StatesError.taskFailed, record.document))
    }

    @Test func aRefusedSubmitIsABatchClientExceptionFailure() throws {
        let run = try SteppedThread(definition(syncTask(#""End": true"#)))
        run.batch.refusal = StatesError("Batch.ClientException", "no job queue named 'default'")
        let result = run.step(.enter)
        #expect(result.types == ["TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed"])
        #expect(result.events[3].details["error"] == "Batch.ClientException")
        #expect(run.thread.error == StatesError("Batch.ClientException", "no job queue named 'default'"))
    }

    @Test func parametersThatAreNotASubmitJobRequestAreRefusedWithoutSubmitting() throws {
        let run = try SteppedThread(definition(syncTask(#""End": true"#, parameters: #""JobName": "w", "Unknown": 1"#)))
        run.step(.enter)
        #expect(run.batch.requests.isEmpty)
        #expect(run.thread.error?.error == "Batch.ClientException")
    }

    @Test func aTaskPastItsTimeoutIsTimedOutAndItsJobTerminated() throws {
        let run = try SteppedThread(definition(syncTask(#""TimeoutSeconds": 30, "End": true"#)))
        run.step(.enter)
        let woken = run.wake()
        #expect(run.now == SteppedThread.start + 30_000)
        #expect(woken.types == ["TaskTimedOut"])
        #expect(woken.events[0].details["error"] == "States.Timeout")
        #expect(woken.terminate.map(\.jobId) == ["job-1"])
        #expect(run.thread.status == .failed && run.thread.error?.error == StatesError.timeout)
    }

    @Test func aMissedHeartbeatIsStatesHeartbeatTimeout() throws {
        let run = try SteppedThread(definition(syncTask(#""HeartbeatSeconds": 10, "End": true"#)))
        run.step(.enter)
        #expect(run.thread.wakeAt == nil)
        let missed = run.step(.heartbeatMissed)
        #expect(missed.types == ["TaskTimedOut"])
        #expect(missed.events[0].details["error"] == "States.HeartbeatTimeout")
        #expect(missed.terminate.map(\.jobId) == ["job-1"])
        #expect(run.thread.error?.error == StatesError.heartbeatTimeout)
    }

    @Test func aTimerOrAJobEndThatCameLateChangesNothing() throws {
        let run = try SteppedThread(definition(syncTask(#""TimeoutSeconds": 30, "End": true"#)))
        run.step(.enter)
        run.step(.jobEnded(JobEnd(jobId: "job-1", succeeded: true, record: Self.jobRecord)))
        let before = run.thread
        #expect(run.step(.timer).events.isEmpty)
        #expect(run.step(.heartbeatMissed).events.isEmpty)
        #expect(run.step(.jobEnded(JobEnd(jobId: "job-1", succeeded: false, record: Self.jobRecord))).events.isEmpty)
        #expect(run.thread == before)
    }

    // MARK: - Parallel

    static let parallel = definition(#"""
        {"Type": "Parallel", "InputPath": "$.in", "ResultPath": "$.out", "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
            {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}],
         "Catch": [{"ErrorEquals": ["Custom.Error"], "ResultPath": "$.error", "Next": "Handled"}], "End": true}
        """#, more: #""Handled": {"Type": "Pass", "End": true}"#)

    @Test func aParallelSpawnsABranchPerChildOnTheSameInputAndGathersTheirOutputsInOrder() throws {
        let run = try SteppedThread(Self.parallel, input: ["in": ["x": 1], "keep": true])
        let started = run.step(.enter)
        #expect(started.types == ["ParallelStateEntered", "ParallelStateStarted"])
        #expect(started.events[1].details == [:])
        #expect(run.thread.step == .children)
        #expect(started.spawned.map(\.id) == [1, 2])
        #expect(started.spawned.map(\.slot) == [0, 1])
        #expect(started.spawned.map(\.state) == ["A", "B"])
        #expect(started.spawned.allSatisfy { $0.parent == 0 && $0.input == ["x": 1] && $0.status == .active && $0.step == .enter })
        #expect(started.spawned.map(\.path) == [MachinePath.top.appending(state: "S", branch: 0), MachinePath.top.appending(state: "S", branch: 1)])
        #expect(started.childStarts == [1: 1, 2: 1], "each branch's events follow ParallelStateStarted")
        // The second branch ends first: nothing is gathered until both have.
        let second = run.step(.childEnded(child: 2, error: nil, lastEvent: 9))
        #expect(second.events.isEmpty && !second.gatherChildren)
        let first = run.step(.childEnded(child: 1, error: nil, lastEvent: 10))
        #expect(first.events.isEmpty && first.gatherChildren)
        let done = run.step(.childrenDone([["a": 1], ["b": 2]]))
        #expect(done.types == ["ParallelStateSucceeded", "ParallelStateExited"])
        #expect(run.thread.output == ["in": ["x": 1], "keep": true, "out": [["a": 1], ["b": 2]]])
    }

    @Test func aFailingBranchAbortsTheOthersAndFailsTheParallelWithItsError() throws {
        let run = try SteppedThread(Self.parallel, input: ["in": [:]])
        run.step(.enter)
        let failed = run.step(.childEnded(child: 2, error: StatesError("Other.Error", "why"), lastEvent: 7))
        #expect(failed.types == ["ParallelStateFailed"])
        #expect(failed.abortChildren)
        #expect(run.thread.status == .failed && run.thread.error == StatesError("Other.Error", "why"))
        // The other branch's end, afterwards, is not waited for.
        #expect(run.step(.childEnded(child: 1, error: nil, lastEvent: 8)).events.isEmpty)
    }

    @Test func aCaughtBranchFailureLeavesTheParallelForTheCatchersNext() throws {
        let run = try SteppedThread(Self.parallel, input: ["in": [:]])
        run.step(.enter)
        let caught = run.step(.childEnded(child: 1, error: StatesError("Custom.Error", "why"), lastEvent: 7))
        #expect(caught.types == ["ParallelStateFailed", "ParallelStateExited", "PassStateEntered", "PassStateExited"])
        #expect(caught.abortChildren)
        #expect(run.thread.status == .succeeded)
        #expect(run.thread.output == ["in": [:], "error": ["Error": "Custom.Error", "Cause": "why"]])
    }

    @Test func aChildOfAnotherStateIsNotWaitedFor() throws {
        let run = try SteppedThread(Self.parallel, input: ["in": [:]])
        run.step(.enter)
        #expect(run.step(.childEnded(child: 3, error: StatesError("Custom.Error", ""), lastEvent: 7)).events.isEmpty)
        #expect(run.step(.childEnded(child: 0, error: nil, lastEvent: 7)).events.isEmpty)
        #expect(run.thread.step == .children && run.thread.status == .active)
    }

    // MARK: - Map

    static func map(_ fields: String) -> String {
        definition(#"""
            {"Type": "Map", \#(fields), "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Item",
             "States": {"Item": {"Type": "Pass", "End": true}}}, "End": true}
            """#)
    }

    @Test func aMapStartsAChildPerItemAtMostMaxConcurrencyAtOnceAndGathersInItemOrder() throws {
        let run = try SteppedThread(Self.map(#""ItemsPath": "$.items", "MaxConcurrency": 2, "ItemSelector": {"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value", "k.$": "$.k"}"#),
                                    input: ["items": ["a", "b", "c"], "k": 7])
        let started = run.step(.enter)
        #expect(started.types == ["MapStateEntered", "MapStateStarted", "MapIterationStarted", "MapIterationStarted"])
        #expect(started.events[1].details == ["length": 3])
        #expect(started.events[2].details == ["name": "S", "index": 0] && started.events[3].details == ["name": "S", "index": 1])
        #expect(started.spawned.map(\.input) == [["index": 0, "value": "a", "k": 7], ["index": 1, "value": "b", "k": 7], ["index": 2, "value": "c", "k": 7]])
        #expect(started.spawned.map(\.status) == [.active, .active, .waiting])
        #expect(started.spawned.map(\.slot) == [0, 1, 2] && started.spawned.allSatisfy { $0.state == "Item" && $0.parent == 0 })
        #expect(started.childStarts == [1: 2, 2: 3])
        // Item 1 ends first: item 2 starts.
        let one = run.step(.childEnded(child: 2, error: nil, lastEvent: 20))
        #expect(one.types == ["MapIterationSucceeded", "MapIterationStarted"])
        #expect(one.events[0].details == ["name": "S", "index": 1] && one.events[0].previous == 20)
        #expect(one.events[1].details == ["name": "S", "index": 2])
        #expect(one.activate == [3] && one.childStarts == [3: 1])
        #expect(!one.gatherChildren)
        let zero = run.step(.childEnded(child: 1, error: nil, lastEvent: 21))
        #expect(zero.types == ["MapIterationSucceeded"] && zero.activate.isEmpty && !zero.gatherChildren)
        let two = run.step(.childEnded(child: 3, error: nil, lastEvent: 22))
        #expect(two.types == ["MapIterationSucceeded"] && two.gatherChildren)
        let done = run.step(.childrenDone(["A", "B", "C"]))
        #expect(done.types == ["MapStateSucceeded", "MapStateExited"])
        #expect(run.thread.output == ["A", "B", "C"])
    }

    @Test func aMapWithoutMaxConcurrencyStartsEveryItem() throws {
        let run = try SteppedThread(Self.map(#""MaxConcurrency": 0"#), input: [1, 2, 3, 4])
        let started = run.step(.enter)
        #expect(started.spawned.count == 4 && started.spawned.allSatisfy { $0.status == .active })
        #expect(started.types.filter { $0 == "MapIterationStarted" }.count == 4)
        #expect(started.spawned.map(\.input) == [1, 2, 3, 4])
    }

    @Test func aMapOfNoItemsGivesAnEmptyArray() throws {
        let run = try SteppedThread(Self.map(#""ItemsPath": "$.items", "ResultPath": "$.results""#), input: ["items": []])
        let result = run.step(.enter)
        #expect(result.types == ["MapStateEntered", "MapStateStarted", "MapStateSucceeded", "MapStateExited"])
        #expect(result.spawned.isEmpty)
        #expect(run.thread.status == .succeeded && run.thread.output == ["items": [], "results": []])
    }

    @Test func anItemsPathThatIsNotAnArrayIsStatesRuntimeEvenWithACatch() throws {
        let run = try SteppedThread(definition(#"""
            {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}},
             "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handled"}], "End": true}
            """#, more: #""Handled": {"Type": "Pass", "End": true}"#), input: ["items": ["not": "an array"]])
        let result = run.step(.enter)
        #expect(result.types == ["MapStateEntered"])
        #expect(result.spawned.isEmpty)
        #expect(run.thread.status == .failed && run.thread.error?.error == StatesError.runtime)
    }

    @Test func aFailingItemFailsTheMapAndAbortsTheOthers() throws {
        let run = try SteppedThread(Self.map(#""MaxConcurrency": 2"#), input: [1, 2, 3])
        run.step(.enter)
        let failed = run.step(.childEnded(child: 2, error: StatesError("Item.Error", "bad"), lastEvent: 30))
        #expect(failed.types.first == "MapIterationFailed")
        #expect(failed.types.last == "MapStateFailed")
        #expect(failed.events[0].details == ["name": "S", "index": 1] && failed.events[0].previous == 30)
        #expect(failed.abortChildren && failed.activate.isEmpty)
        #expect(run.thread.error == StatesError("Item.Error", "bad"))
    }

    // MARK: - Retry and Catch

    /// A task failing with `error` (its submit refused) under `retry` and `catchers`: what happens.
    enum Outcome: Sendable, Equatable, CustomStringConvertible {
        case retried(afterMillis: EpochMillis)
        case caught(next: String)
        case failed

        var description: String {
            switch self {
            case .retried(let millis): "retried after \(millis) ms"
            case .caught(let next): "caught to \(next)"
            case .failed: "failed"
            }
        }
    }

    struct RetryCase: Sendable, CustomTestStringConvertible {
        var name: String
        var error: String
        var retry: String
        var catchers: String
        var outcome: Outcome

        var testDescription: String { name }
    }

    static let retryCases: [RetryCase] = [
        RetryCase(name: "a retrier naming the error retries after IntervalSeconds", error: "Custom.Error",
                  retry: #"[{"ErrorEquals": ["Custom.Error"], "IntervalSeconds": 3}]"#, catchers: "[]", outcome: .retried(afterMillis: 3000)),
        RetryCase(name: "the defaults: 1 s", error: "Custom.Error", retry: #"[{"ErrorEquals": ["Custom.Error"]}]"#, catchers: "[]",
                  outcome: .retried(afterMillis: 1000)),
        RetryCase(name: "the first matching retrier decides", error: "Custom.Error",
                  retry: #"[{"ErrorEquals": ["Other"], "IntervalSeconds": 7}, {"ErrorEquals": ["Custom.Error"], "IntervalSeconds": 5}, {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 9}]"#,
                  catchers: "[]", outcome: .retried(afterMillis: 5000)),
        RetryCase(name: "an exhausted retrier goes to Catch, not to a later retrier", error: "Custom.Error",
                  retry: #"[{"ErrorEquals": ["Custom.Error"], "MaxAttempts": 0}, {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 9}]"#,
                  catchers: #"[{"ErrorEquals": ["States.ALL"], "Next": "Handled"}]"#, outcome: .caught(next: "Handled")),
        RetryCase(name: "an exhausted retrier without a catcher fails", error: "Custom.Error",
                  retry: #"[{"ErrorEquals": ["Custom.Error"], "MaxAttempts": 0}, {"ErrorEquals": ["States.ALL"]}]"#, catchers: "[]", outcome: .failed),
        RetryCase(name: "States.ALL retries any error", error: "Anything", retry: #"[{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2}]"#,
                  catchers: "[]", outcome: .retried(afterMillis: 2000)),
        RetryCase(name: "States.TaskFailed retries a named error", error: "Batch.ClientException",
                  retry: #"[{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2}]"#, catchers: "[]", outcome: .retried(afterMillis: 2000)),
        RetryCase(name: "States.TaskFailed does not retry States.Timeout", error: StatesError.timeout,
                  retry: #"[{"ErrorEquals": ["States.TaskFailed"]}]"#, catchers: #"[{"ErrorEquals": ["States.Timeout"], "Next": "Handled"}]"#,
                  outcome: .caught(next: "Handled")),
        RetryCase(name: "States.TaskFailed does not catch States.Timeout", error: StatesError.timeout, retry: "[]",
                  catchers: #"[{"ErrorEquals": ["States.TaskFailed"], "Next": "Handled"}]"#, outcome: .failed),
        RetryCase(name: "States.ALL catches States.Timeout", error: StatesError.timeout, retry: "[]",
                  catchers: #"[{"ErrorEquals": ["States.TaskFailed"], "Next": "Wrong"}, {"ErrorEquals": ["States.ALL"], "Next": "Handled"}]"#,
                  outcome: .caught(next: "Handled")),
        RetryCase(name: "States.Timeout retries a missed heartbeat", error: StatesError.heartbeatTimeout,
                  retry: #"[{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 4}]"#, catchers: "[]", outcome: .retried(afterMillis: 4000)),
        RetryCase(name: "States.TaskFailed does not catch a missed heartbeat", error: StatesError.heartbeatTimeout, retry: "[]",
                  catchers: #"[{"ErrorEquals": ["States.TaskFailed"], "Next": "Wrong"}, {"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "Handled"}]"#,
                  outcome: .caught(next: "Handled")),
        RetryCase(name: "States.HeartbeatTimeout does not name States.Timeout", error: StatesError.timeout, retry: "[]",
                  catchers: #"[{"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "Wrong"}]"#, outcome: .failed),
        RetryCase(name: "States.Runtime is never retried", error: StatesError.runtime, retry: #"[{"ErrorEquals": ["States.ALL"]}]"#,
                  catchers: "[]", outcome: .failed),
        RetryCase(name: "States.Runtime is never caught", error: StatesError.runtime, retry: #"[{"ErrorEquals": ["States.ALL"]}]"#,
                  catchers: #"[{"ErrorEquals": ["States.ALL"], "Next": "Handled"}]"#, outcome: .failed),
        RetryCase(name: "States.DataLimitExceeded is never caught", error: StatesError.dataLimitExceeded, retry: "[]",
                  catchers: #"[{"ErrorEquals": ["States.ALL"], "Next": "Handled"}]"#, outcome: .failed),
        RetryCase(name: "the first matching catcher decides", error: "Custom.Error", retry: "[]",
                  catchers: #"[{"ErrorEquals": ["Other"], "Next": "Wrong"}, {"ErrorEquals": ["Custom.Error", "More"], "Next": "Handled"}, {"ErrorEquals": ["States.ALL"], "Next": "Wrong"}]"#,
                  outcome: .caught(next: "Handled")),
        RetryCase(name: "an error no rule names fails", error: "Custom.Error", retry: #"[{"ErrorEquals": ["Other"]}]"#,
                  catchers: #"[{"ErrorEquals": ["Other"], "Next": "Wrong"}]"#, outcome: .failed),
    ]

    /// A machine whose state `T` is a `.sync` task with `retry` and `catchers` that may go to `Handled` or `Wrong` (a
    /// `Choice` at `StartAt` makes every state reachable; the tests start their thread at `T`).
    static func retrying(retry: String, catchers: String, extra: String = "", parameters: String = #""JobName": "work""#) -> String {
        #"""
        {"StartAt": "Route", "States": {
          "Route": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "Handled"},
                                                  {"Variable": "$.b", "IsPresent": true, "Next": "Wrong"}], "Default": "T"},
          "T": \#(syncTask(#""Retry": \#(retry), "Catch": \#(catchers), \#(extra.isEmpty ? "" : extra + ", ")"End": true"#, parameters: parameters)),
          "Handled": {"Type": "Pass", "End": true}, "Wrong": {"Type": "Pass", "End": true}}}
        """#
    }

    @Test(arguments: retryCases)
    func retryAndCatch(_ test: RetryCase) throws {
        let run = try SteppedThread(Self.retrying(retry: test.retry, catchers: test.catchers), input: ["in": 1], at: "T")
        run.batch.refusal = StatesError(test.error, "the cause")
        let result = run.step(.enter)
        switch test.outcome {
        case .retried(let millis):
            #expect(result.types == ["TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed"])
            #expect(run.thread.status == .active && run.thread.step == .retry && run.thread.state == "T")
            #expect(run.thread.wakeAt == SteppedThread.start + millis)
        case .caught(let next):
            #expect(result.types == ["TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "TaskStateExited", "PassStateEntered",
                                     "PassStateExited"])
            #expect(run.thread.state == next && run.thread.status == .succeeded)
            #expect(run.thread.output == ["Error": .string(test.error), "Cause": "the cause"])
        case .failed:
            #expect(result.types == ["TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed"])
            #expect(run.thread.status == .failed && run.thread.error == StatesError(test.error, "the cause"))
        }
    }

    @Test func retryDelaysGrowByBackoffRateUpToMaxDelayThenTheCatcherTakesTheErrorIntoTheRawInput() throws {
        let run = try SteppedThread(Self.retrying(
            retry: #"[{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxDelaySeconds": 10, "MaxAttempts": 3}]"#,
            catchers: #"[{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handled"}]"#,
            parameters: #""JobName.$": "States.Format('try-{}', $$.State.RetryCount)""#), input: ["in": 1], at: "T")
        var record = Self.jobRecord
        record["Status"] = "FAILED"
        run.step(.enter)
        var waits: [EpochMillis] = []
        for attempt in 1...3 {
            let failed = run.step(.jobEnded(JobEnd(jobId: "job-\(attempt)", succeeded: false, record: record)))
            #expect(failed.types == ["TaskFailed"])
            #expect(run.thread.step == .retry && run.thread.jobId == nil)
            waits.append((run.thread.wakeAt ?? 0) - run.now)
            let retried = run.wake()
            // A retry stays in the state: no new TaskStateEntered.
            #expect(retried.types == ["TaskScheduled", "TaskStarted", "TaskSubmitted"])
            #expect(run.thread.jobId == "job-\(attempt + 1)")
        }
        #expect(waits == [2000, 6000, 10_000])
        #expect(run.batch.requests.map(\.jobName) == ["try-0", "try-1", "try-2", "try-3"], "$$.State.RetryCount counts the retries")
        let caught = run.step(.jobEnded(JobEnd(jobId: "job-4", succeeded: false, record: record)))
        #expect(caught.types == ["TaskFailed", "TaskStateExited", "PassStateEntered", "PassStateExited"])
        let error: JSONValue = ["Error": "States.TaskFailed", "Cause": .string(record.document)]
        #expect(caught.events[1].details["output"]?.string == (["in": 1, "error": error] as JSONValue).document)
        #expect(run.thread.output == ["in": 1, "error": error])
    }

    @Test func fullJitterScalesTheDelayByTheRandomNumber() throws {
        let run = try SteppedThread(Self.retrying(retry: #"[{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 4, "JitterStrategy": "FULL"}]"#,
                                                  catchers: "[]"), at: "T")
        run.random = 0.5
        run.batch.refusal = StatesError("Custom.Error", "")
        run.step(.enter)
        #expect(run.thread.wakeAt == SteppedThread.start + 2000)
    }

    @Test func aTimedOutTaskIsRetriedWithANewJobAndANewTimeout() throws {
        let run = try SteppedThread(Self.retrying(retry: #"[{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1}]"#, catchers: "[]",
                                                  extra: #""TimeoutSeconds": 30"#), at: "T")
        run.step(.enter)
        let timedOut = run.wake()
        #expect(timedOut.types == ["TaskTimedOut"] && timedOut.terminate.map(\.jobId) == ["job-1"])
        #expect(run.thread.step == .retry && run.thread.wakeAt == run.now + 1000)
        let retried = run.wake()
        #expect(retried.types == ["TaskScheduled", "TaskStarted", "TaskSubmitted"])
        #expect(run.thread.jobId == "job-2" && run.thread.wakeAt == run.now + 30_000)
    }

    @Test func aRetriedParallelStartsItsBranchesAgain() throws {
        let run = try SteppedThread(definition(#"""
            {"Type": "Parallel", "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}],
             "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1}], "End": true}
            """#))
        run.step(.enter)
        let failed = run.step(.childEnded(child: 1, error: StatesError("E", ""), lastEvent: 4))
        #expect(failed.abortChildren && run.thread.step == .retry)
        let again = run.wake()
        #expect(again.types == ["ParallelStateStarted"])
        #expect(again.spawned.map(\.id) == [2])
        // The first try's branch is no longer waited for.
        #expect(run.step(.childEnded(child: 1, error: nil, lastEvent: 5)).events.isEmpty)
        #expect(run.step(.childEnded(child: 2, error: nil, lastEvent: 6)).gatherChildren)
    }
}

/// Times are written as Step Functions writes them, whatever the date.
struct TimestampTests {
    @Test(arguments: [
        (EpochMillis(0), "1970-01-01T00:00:00.000Z"),
        (EpochMillis(1_796_103_236_644), "2026-12-01T05:33:56.644Z"),
        (EpochMillis(951_782_400_007), "2000-02-29T00:00:00.007Z"),
        (EpochMillis(-1), "1969-12-31T23:59:59.999Z"),
    ])
    func text(millis: EpochMillis, expected: String) {
        #expect(Timestamp.text(millis) == expected)
        #expect(Timestamp.millis(expected) == millis)
    }
}
