import DroverCore
@testable import DroverEngine
import DroverStore
import Foundation
import Synchronization
import Testing

/// Executions run by an in-process engine (fake executor: a job's command says how it ends): the store keeps every
/// step, history events are Step Functions', and Parallel, Map, Retry and Catch behave as documented.
struct WorkflowRuntimeTests {
    static func task(_ name: String, command: [String], next: String? = nil, sync: Bool = true, retry: [Retrier] = [],
                     catchers: [Catcher] = [], resultSelector: JSONValue? = nil, resultPath: PathField = .whole) -> WorkflowState {
        WorkflowState(name: name, kind: .task(TaskSpec(resource: "arn:aws:states:::batch:submitJob\(sync ? ".sync" : "")",
                                                       integration: sync ? .submitJobSync : .submitJob)),
                      transition: next.map { .next($0) } ?? .end, resultPath: resultPath,
                      parameters: ["JobName": .string(name), "JobQueue": "default", "JobDefinition": "work",
                                   "ContainerOverrides": ["Command": .array(command.map { .string($0) })]],
                      resultSelector: resultSelector, retry: retry, catchers: catchers)
    }

    static func machine(_ states: [WorkflowState], startAt: String? = nil) -> StateMachine {
        StateMachine(startAt: startAt ?? states[0].name, states: Dictionary(uniqueKeysWithValues: states.map { ($0.name, $0) }),
                     order: states.map(\.name))
    }

    /// Runs `machine` on `input` to its end with an engine whose jobs end as their command's second word says
    /// (`ok`, `fail`, `flaky` fails its first attempt of each job... ).
    static func run(_ machine: StateMachine, input: JSONValue = [:], seconds: Double = 60,
                    script: @escaping (AttemptLaunch) -> FakeExecutor.Ending = { Self.byCommand($0) }) throws -> (Store, ExecutionRecord, [HistoryRecord]) {
        let (store, _) = try EngineTests.store(setup: basicEnvironment(maxvCpus: 4) + """
            jobDefinitions:
              - jobDefinitionName: work
                containerProperties: {command: [work], vcpus: 1}

            """)
        let start = ExecutionStart(machine: "test", name: "run-1", input: input, definition: "{}", timeoutSeconds: nil, region: "us-east-1",
                                   account: "000000000000", roleArn: "arn:aws:iam::000000000000:role/drover")
        let (execution, _) = try store.startExecution(start, startAt: machine.startAt)
        let executor = FakeExecutor()
        executor.script = script
        var options = EngineOptions()
        options.pollInterval = 0.02
        options.workflowMachine = { _ in machine }
        let engine = Engine(store: store, options: options, executor: executor)
        let deadline = Date().addingTimeInterval(seconds)
        try engine.run { try store.execution(number: execution.number)?.status.isTerminal == true || Date() > deadline }
        let ended = try #require(try store.execution(number: execution.number))
        return (store, ended, try store.history(of: execution.number))
    }

    /// Ends a job as its command's second word says: `fail` exits 3, `flaky` exits 4 the first time a job of its
    /// command's third word runs, anything else 0.
    static func byCommand(_ launch: AttemptLaunch) -> FakeExecutor.Ending {
        switch launch.command.dropFirst().first {
        case "fail": return .exit(3)
        case "flaky":
            let first = flakySeen.withLock { $0.insert(launch.command.last ?? "").inserted }
            return first ? .exit(4) : .exit(0)
        default: return .exit(0)
        }
    }

    static let flakySeen = Mutex(Set<String>())

    @Test func aParallelOfSyncTasksGivesTheirJobRecordsInBranchOrder() throws {
        let branch = { (name: String) in Self.machine([Self.task(name, command: ["work", "ok"])]) }
        let parallel = WorkflowState(name: "ProcessBatch", kind: .parallel(branches: [branch("One"), branch("Two")]), transition: .end)
        let (_, execution, history) = try Self.run(Self.machine([parallel]))
        #expect(execution.status == .succeeded, "\(execution.error ?? "") \(execution.cause ?? "")")
        let outputs = try #require(execution.output?.array)
        #expect(outputs.count == 2)
        #expect(outputs.map { $0["JobName"]?.string } == ["One", "Two"])
        #expect(outputs.allSatisfy { $0["Status"]?.string == "SUCCEEDED" && $0["JobId"]?.string != nil })
        let types = history.map(\.type)
        #expect(types.first == "ExecutionStarted" && types.last == "ExecutionSucceeded")
        #expect(types.filter { $0 == "TaskSubmitted" }.count == 2)
        for expected in ["ParallelStateEntered", "ParallelStateStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted",
                         "TaskSucceeded", "TaskStateExited", "ParallelStateSucceeded", "ParallelStateExited"] {
            #expect(types.contains(expected), "\(expected) in \(types)")
        }
        #expect(history.map(\.id) == Array(1...history.count), "ids count up from 1")
        #expect(history.allSatisfy { $0.previous < $0.id })
    }

    @Test func aRetriedTaskSubmitsANewJobAndACaughtFailureGoesOn() throws {
        let retry = [Retrier(errorEquals: [StatesError.taskFailed], intervalSeconds: 1, maxAttempts: 1)]
        let flaky = Self.task("Flaky", command: ["work", "flaky", UUID().uuidString], next: "Doomed", retry: retry)
        let doomed = Self.task("Doomed", command: ["work", "fail"], retry: retry,
                               catchers: [Catcher(errorEquals: [StatesError.all], next: "CleanUp", resultPath: .path("$.error"))])
        let cleanUp = WorkflowState(name: "CleanUp", kind: .pass(result: "cleaned"), transition: .end, resultPath: .null)
        let (store, execution, history) = try Self.run(Self.machine([flaky, doomed, cleanUp]))
        #expect(execution.status == .succeeded, "\(execution.error ?? "") \(execution.cause ?? "")")
        let types = history.map(\.type)
        #expect(types.filter { $0 == "TaskSubmitted" }.count == 4, "two tries each: \(history.map { "\($0.type) \($0.details?.document.prefix(300) ?? "")" }.joined(separator: "\n"))")
        #expect(types.filter { $0 == "TaskFailed" }.count == 3)
        #expect(types.contains("PassStateEntered"))
        let failed = try #require(history.last { $0.type == "TaskFailed" })
        #expect(failed.details?["error"]?.string == StatesError.taskFailed)
        let cause = try JSONValue(parsing: failed.details?["cause"]?.string ?? "")
        #expect(cause["Status"]?.string == "FAILED" && cause["JobName"]?.string == "Doomed")
        #expect(try store.jobs(JobFilter(all: true)).count == 4, "a job per try, each submitted once")
    }
}
