import DroverCore
@testable import DroverEngine
import DroverStore
import Foundation
import Testing

/// Executions whose jobs hang until the test ends them, run by an in-process engine: timeouts, stops and failures
/// terminate the jobs they leave behind, and a Map keeps to its MaxConcurrency.
struct WorkflowStateTests {
    /// A value the engine's thread changes from a test's closures.
    final class Box<Value> {
        var value: Value
        init(_ value: Value) { self.value = value }
    }

    /// What a run left: the store, the execution as it ended, its history, and the executor (its launches and signals).
    struct Ran {
        var store: Store
        var execution: ExecutionRecord
        var history: [HistoryRecord]
        var executor: FakeExecutor

        /// The execution's jobs, oldest first.
        func jobs() throws -> [JobRecord] {
            try store.executionJobs(execution.number).map { try #require(try store.job($0)) }
        }

        var trace: String { history.map { "\($0.id) \($0.type) \($0.details?.document.prefix(200) ?? "")" }.joined(separator: "\n") }
    }

    /// Runs `machine` until the execution has ended and no job is left running. `script` says how each job ends
    /// (`.hang` by default); `tick` is called on the engine's thread whenever it looks at the run (to end hanging jobs,
    /// or to stop the execution).
    static func run(_ machine: StateMachine, input: JSONValue = [:], timeoutSeconds: Int? = nil, seconds: Double = 60,
                    script: @escaping (AttemptLaunch) -> FakeExecutor.Ending = { _ in .hang },
                    tick: @escaping (Store, Int64, FakeExecutor) throws -> Void = { _, _, _ in }) throws -> Ran {
        let (store, _) = try EngineTests.store(setup: basicEnvironment(maxvCpus: 16) + """
            jobDefinitions:
              - jobDefinitionName: work
                containerProperties: {command: [work], vcpus: 1}

            """)
        let start = ExecutionStart(machine: "test", name: "run-1", input: input, definition: "{}", timeoutSeconds: timeoutSeconds, region: "us-east-1",
                                   account: "000000000000", roleArn: "arn:aws:iam::000000000000:role/drover")
        let (execution, _) = try store.startExecution(start, startAt: machine.startAt)
        let executor = FakeExecutor()
        executor.script = script
        var options = EngineOptions()
        options.pollInterval = 0.02
        options.workflowMachine = { _ in machine }
        let engine = Engine(store: store, options: options, executor: executor)
        let deadline = Date().addingTimeInterval(seconds)
        try engine.run {
            try tick(store, execution.number, executor)
            let ended = try store.execution(number: execution.number)?.status.isTerminal == true
            let idle = try store.countActive() == 0
            return (ended && executor.running.isEmpty && idle) || Date() > deadline
        }
        let ended = try #require(try store.execution(number: execution.number))
        return Ran(store: store, execution: ended, history: try store.history(of: execution.number, limit: 100_000), executor: executor)
    }

    /// Ends a hanging job as if it exited with `code`.
    static func finish(_ executor: FakeExecutor, _ key: AttemptKey, code: Int32) {
        executor.finish(key, ProcessExit(key: key, exitCode: code, endedAt: nowMillis()))
    }

    static func task(_ name: String, timeoutSeconds: Int? = nil, next: String? = nil, retry: [Retrier] = [], catchers: [Catcher] = [],
                     parameters: JSONValue? = nil, resultSelector: JSONValue? = nil) -> WorkflowState {
        WorkflowState(name: name, kind: .task(TaskSpec(resource: "arn:aws:states:::batch:submitJob.sync", integration: .submitJobSync,
                                                       timeoutSeconds: timeoutSeconds)),
                      transition: next.map { .next($0) } ?? .end,
                      parameters: parameters ?? ["JobName": .string(name), "JobQueue": "default", "JobDefinition": "work",
                                                 "ContainerOverrides": ["Command": ["work", .string(name)]]],
                      resultSelector: resultSelector, retry: retry, catchers: catchers)
    }

    @Test func anExecutionPastItsTimeoutIsTimedOutAndItsJobTerminated() throws {
        let ran = try Self.run(WorkflowRuntimeTests.machine([Self.task("Hang")]), timeoutSeconds: 1)
        #expect(ran.execution.status == .timedOut, "\(ran.trace)")
        #expect(ran.execution.error == StatesError.timeout)
        let last = try #require(ran.history.last)
        #expect(last.type == "ExecutionTimedOut" && last.details?["error"]?.string == StatesError.timeout)
        let jobs = try ran.jobs()
        #expect(jobs.count == 1 && jobs.allSatisfy { $0.status == .failed }, "\(jobs.map(\.status))")
        #expect(ran.executor.signals.map(\.key.jobId) == jobs.map(\.jobId), "the running job is terminated")
    }

    @Test func aStoppedExecutionIsAbortedItsJobTerminatedAndNothingFollows() throws {
        let stopped = Box(false)
        let ran = try Self.run(WorkflowRuntimeTests.machine([Self.task("Hang", next: "After"), Self.task("After")]), tick: { store, number, executor in
            guard !executor.launches.isEmpty, !stopped.value else { return }
            stopped.value = true
            _ = try store.stopExecution(number, error: "User.Stopped", cause: "by the test")
        })
        #expect(ran.execution.status == .aborted, "\(ran.trace)")
        #expect(ran.execution.error == "User.Stopped" && ran.execution.cause == "by the test")
        #expect(ran.history.last?.type == "ExecutionAborted")
        #expect(ran.history.last?.details == ["error": "User.Stopped", "cause": "by the test"])
        let jobs = try ran.jobs()
        #expect(jobs.count == 1 && jobs[0].status == .failed, "only the first task's job, terminated")
        #expect(ran.executor.launches.count == 1)
        // The job's end, and later passes, add nothing.
        var cursor = WorkflowCursor()
        let report = try ran.store.advanceWorkflows(hooks: WorkflowHooks(machine: { _ in WorkflowRuntimeTests.machine([Self.task("Hang")]) }),
                                                    cursor: &cursor)
        #expect(report.steps == 0)
        #expect(try ran.store.history(of: ran.execution.number).count == ran.history.count)
    }

    @Test func aFailingBranchTerminatesTheOtherBranchsJobAndTheParallelsCatchGoesOn() throws {
        let branch = { (name: String) in WorkflowRuntimeTests.machine([Self.task(name)]) }
        let parallel = WorkflowState(name: "Both", kind: .parallel(branches: [branch("Failing"), branch("Running")]), transition: .end,
                                     catchers: [Catcher(errorEquals: [StatesError.all], next: "Recover", resultPath: .path("$.error"))])
        let recover = WorkflowState(name: "Recover", kind: .pass(result: nil), transition: .end)
        let failed = Box(false)
        let ran = try Self.run(WorkflowRuntimeTests.machine([parallel, recover]), input: ["keep": 1], tick: { _, _, executor in
            // Once both jobs run, the first branch's fails.
            guard executor.running.count == 2, !failed.value,
                  let failing = executor.launches.first(where: { $0.command.last == "Failing" }) else { return }
            failed.value = true
            Self.finish(executor, failing.key, code: 3)
        })
        #expect(ran.execution.status == .succeeded, "\(ran.trace)")
        #expect(ran.execution.output?["keep"] == 1)
        #expect(ran.execution.output?["error"]?["Error"]?.string == StatesError.taskFailed)
        let jobs = try ran.jobs()
        #expect(jobs.count == 2 && jobs.allSatisfy { $0.status == .failed })
        let running = try #require(ran.executor.launches.first { $0.command.last == "Running" })
        #expect(ran.executor.signals.map(\.key) == [running.key], "the running branch's job is terminated")
        let types = ran.history.map(\.type)
        let tail = Array(types.drop { $0 != "ParallelStateFailed" })
        #expect(tail == ["ParallelStateFailed", "ParallelStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"], "\(ran.trace)")
    }

    @Test func aTaskPastItsTimeoutIsStatesTimeoutItsJobTerminatedAndTheRetryRunsANewJob() throws {
        let launches = Box(0)
        let retry = [Retrier(errorEquals: [StatesError.timeout], intervalSeconds: 1, maxAttempts: 1)]
        let ran = try Self.run(WorkflowRuntimeTests.machine([Self.task("Slow", timeoutSeconds: 1, retry: retry)])) { _ in
            launches.value += 1
            return launches.value == 1 ? .hang : .exit(0)
        }
        #expect(ran.execution.status == .succeeded, "\(ran.trace)")
        let types = ran.history.map(\.type)
        #expect(types == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskTimedOut",
                          "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"], "\(ran.trace)")
        let timedOut = try #require(ran.history.first { $0.type == "TaskTimedOut" })
        #expect(timedOut.details?["error"]?.string == StatesError.timeout)
        let jobs = try ran.jobs()
        #expect(jobs.map(\.status) == [.failed, .succeeded])
        #expect(ran.executor.signals.map(\.key.jobId) == [jobs[0].jobId], "the hanging job is terminated")
        #expect(ran.execution.output?["JobId"]?.string == jobs[1].jobId)
    }

    /// A job that stays in one state longer than the task's HeartbeatSeconds (here: RUNNING, hanging) is a missed
    /// heartbeat: `States.HeartbeatTimeout`, which `States.Timeout` catches, and the job is terminated.
    @Test func aJobSilentForLongerThanHeartbeatSecondsFailsTheTaskAndIsTerminated() throws {
        var silent = Self.task("Silent", catchers: [Catcher(errorEquals: [StatesError.timeout], next: "Recover", resultPath: .path("$.error"))])
        silent.kind = .task(TaskSpec(resource: "arn:aws:states:::batch:submitJob.sync", integration: .submitJobSync, heartbeatSeconds: 1))
        let recover = WorkflowState(name: "Recover", kind: .pass(result: nil), transition: .end)
        let started = Date()
        let ran = try Self.run(WorkflowRuntimeTests.machine([silent, recover]))
        #expect(ran.execution.status == .succeeded, "\(ran.trace)")
        #expect(Date().timeIntervalSince(started) >= 1, "not before the heartbeat was missed")
        let timedOut = try #require(ran.history.first { $0.type == "TaskTimedOut" })
        #expect(timedOut.details?["error"]?.string == StatesError.heartbeatTimeout)
        #expect(ran.execution.output?["error"]?["Error"]?.string == StatesError.heartbeatTimeout)
        let jobs = try ran.jobs()
        #expect(jobs.count == 1 && jobs[0].status == .failed)
        #expect(ran.executor.signals.map(\.key.jobId) == [jobs[0].jobId], "the silent job is terminated")
        let scheduled = try #require(ran.history.first { $0.type == "TaskScheduled" })
        #expect(scheduled.details?["heartbeatInSeconds"] == 1)
    }

    @Test func aMapOf200ItemsNeverRunsMoreThanMaxConcurrencyJobsAndKeepsItemOrder() throws {
        let item = Self.task("Item", parameters: ["JobName.$": "States.Format('item-{}', $.n)", "JobQueue": "default", "JobDefinition": "work",
                                                  "ContainerOverrides": ["Command": ["work", "item"]]],
                             resultSelector: ["name.$": "$.JobName"])
        let map = WorkflowState(name: "Each", kind: .map(MapSpec(processor: WorkflowRuntimeTests.machine([item]), itemsPath: .path("$.items"),
                                                                 itemSelector: ["n.$": "$$.Map.Item.Value"], maxConcurrency: 5)),
                                transition: .end)
        let most = Box(0)
        let ran = try Self.run(WorkflowRuntimeTests.machine([map]), input: ["items": .array((0..<200).map { .integer($0) })], seconds: 120, tick: { store, _, executor in
            let active = try store.countActive()
            most.value = max(most.value, active, executor.running.count)
            // End the running jobs, the newest first (so items end out of order).
            for launch in executor.launches.reversed() where executor.running.contains(launch.key) {
                Self.finish(executor, launch.key, code: 0)
            }
        })
        #expect(ran.execution.status == .succeeded, "\(ran.execution.error ?? "") \(ran.execution.cause ?? "")")
        #expect(ran.executor.launches.count == 200)
        #expect(most.value <= 5)
        #expect(most.value >= 2, "items do run together")
        let outputs = try #require(ran.execution.output?.array)
        #expect(outputs == (0..<200).map { ["name": .string("item-\($0)")] })
        let types = ran.history.map(\.type)
        #expect(types.filter { $0 == "MapIterationStarted" }.count == 200)
        #expect(types.filter { $0 == "MapIterationSucceeded" }.count == 200)
        #expect(types.filter { $0 == "TaskSucceeded" }.count == 200, "\(Dictionary(types.map { ($0, 1) }, uniquingKeysWith: +))")
    }

    @Test func aFailingItemAbortsTheRunningOnesBeforeTheMapIsLeft() throws {
        let map = WorkflowState(name: "Each", kind: .map(MapSpec(processor: WorkflowRuntimeTests.machine([Self.task("Item")]), itemsPath: .path("$.items"),
                                                                 maxConcurrency: 3)),
                                transition: .end,
                                catchers: [Catcher(errorEquals: [StatesError.all], next: "Recover", resultPath: .path("$.error"))])
        let recover = WorkflowState(name: "Recover", kind: .pass(result: nil), transition: .end)
        let failed = Box(false)
        let ran = try Self.run(WorkflowRuntimeTests.machine([map, recover]), input: ["items": [1, 2, 3, 4]], tick: { _, _, executor in
            guard executor.running.count == 3, !failed.value, let first = executor.launches.first else { return }
            failed.value = true
            Self.finish(executor, first.key, code: 3)
        })
        #expect(ran.execution.status == .succeeded, "\(ran.trace)")
        let types = ran.history.map(\.type)
        let failedAt = try #require(types.firstIndex(of: "MapIterationFailed"), "\(ran.trace)")
        let exitedAt = try #require(types.firstIndex(of: "MapStateExited"), "\(ran.trace)")
        let aborted = types.indices.filter { types[$0] == "MapIterationAborted" }
        #expect(aborted.count == 2, "\(ran.trace)")
        #expect(aborted.allSatisfy { $0 > failedAt && $0 < exitedAt }, "the aborted iterations come before the Map is left:\n\(ran.trace)")
        let ids = ran.history.map(\.id)
        #expect(ids == Array(1...ran.history.count))
        // Each event follows one that came before it.
        #expect(ran.history.allSatisfy { $0.previous < $0.id })
        #expect(try ran.jobs().count == 3, "the fourth item never started")
    }
}
