import DroverCore
import DroverStore
import Foundation
import Testing

/// `drover workflow run` of jobs/workflows/pipeline.json, real jobs on a real engine: pre-process, a Map of 50 items
/// as batch jobs (some fail once and are retried, one fails for good and is caught to a clean-up state), then
/// post-process. The history is checked event by event against what Step Functions records, written out by hand from
/// its documentation; then the same pipeline survives five SIGKILLs of its engine.
struct WorkflowPipelineTests {
    static let flaky: Set<Int> = [7, 23, 41]
    static let bad = 30

    static func item(_ index: Int) -> String {
        flaky.contains(index) ? "flaky-\(index)" : index == bad ? "bad-\(index)" : "ok-\(index)"
    }

    /// A sandbox with the pipeline's resources applied; each step first sleeps `pause` seconds.
    static func sandbox(pause: Double = 0) throws -> (Sandbox, definition: String, input: String) {
        let sandbox = try Sandbox()
        let folder = Sandbox.packageRoot.appendingPathComponent("jobs/workflows")
        var setup = try String(contentsOf: folder.appendingPathComponent("pipeline.yaml"), encoding: .utf8)
        if pause > 0 { setup = setup.replacingOccurrences(of: #"case \"$ITEM\""#, with: #"sleep \#(pause); case \"$ITEM\""#) }
        #expect(try sandbox.drover("apply", try sandbox.write("pipeline.yaml", setup)).status == 0)
        let definition = try sandbox.write("pipeline.json", try String(contentsOf: folder.appendingPathComponent("pipeline.json"), encoding: .utf8))
        let items: JSONValue = ["items": .array((0..<50).map { .string(item($0)) })]
        return (sandbox, definition, try sandbox.write("input.json", items.document))
    }

    /// The events of each thread, by following `previousEventId`: the chain that starts after `first`, stopping at
    /// the parent's own events.
    static func chain(after first: HistoryRecord, in history: [HistoryRecord]) -> [HistoryRecord] {
        var next: [Int: [HistoryRecord]] = [:]
        for event in history { next[event.previous, default: []].append(event) }
        var chain: [HistoryRecord] = []
        var current = first.id
        while let event = next[current]?.first(where: { !$0.type.hasPrefix("MapIteration") && !$0.type.hasPrefix("MapState") }) {
            chain.append(event)
            current = event.id
        }
        return chain
    }

    /// What Step Functions records for one try of a `batch:submitJob.sync` task that fails.
    static let failedTry = ["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskFailed"]
    /// ... and for the try that succeeds, and the state's exit.
    static let goodTry = ["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited"]

    /// Item `index`'s events, as Step Functions records them: each try of the task, the retries (the first retrier
    /// allows two), and the catch to `CleanUp` when the last try fails.
    static func expectedIteration(_ index: Int) -> [String] {
        if flaky.contains(index) { return ["TaskStateEntered"] + failedTry + goodTry }
        if index == bad {
            return ["TaskStateEntered"] + failedTry + failedTry + failedTry + ["TaskStateExited", "PassStateEntered", "PassStateExited"]
        }
        return ["TaskStateEntered"] + goodTry
    }

    /// The top level's events (those of no item).
    static let expectedTop = ["ExecutionStarted", "TaskStateEntered"] + goodTry + ["MapStateEntered", "MapStateStarted", "MapStateSucceeded",
                                                                                   "MapStateExited", "TaskStateEntered"] + goodTry + ["ExecutionSucceeded"]

    /// Checks the ended execution's history, output and jobs: what Step Functions would show, each job submitted once.
    static func check(_ store: Store, _ execution: ExecutionRecord) throws {
        #expect(execution.status == .succeeded, "\(execution.status) \(execution.error ?? "") \(execution.cause ?? "")")
        let history = try store.history(of: execution.number, limit: 100_000)
        #expect(history.map(\.id) == Array(1...history.count))
        // Every item started once and succeeded once (the bad one was caught inside), never more than 10 at once.
        var running = 0
        var most = 0
        var inIterations: Set<Int> = []
        for index in 0..<50 {
            let started = history.filter { $0.type == "MapIterationStarted" && $0.details?["index"]?.integer == index }
            let ended = history.filter { $0.type == "MapIterationSucceeded" && $0.details?["index"]?.integer == index }
            #expect(started.count == 1 && ended.count == 1, "item \(index): \(started.count) starts, \(ended.count) ends")
            guard let start = started.first, let end = ended.first else { continue }
            let events = chain(after: start, in: history)
            #expect(events.map(\.type) == expectedIteration(index), "item \(index)")
            #expect(end.previous == events.last?.id, "item \(index)'s MapIterationSucceeded follows its last event")
            #expect(events.first?.details?["input"]?.string.flatMap { try? JSONValue(parsing: $0) } == ["item": .string(item(index)), "index": .integer(index)])
            inIterations.formUnion(events.map(\.id))
        }
        for event in history {
            if event.type == "MapIterationStarted" { running += 1 }
            if event.type == "MapIterationSucceeded" { running -= 1 }
            most = max(most, running)
        }
        #expect(most <= 10, "MaxConcurrency 10: \(most) items ran at once")
        let top = history.filter { !inIterations.contains($0.id) && !$0.type.hasPrefix("MapIteration") }
        #expect(top.map(\.type) == expectedTop)
        // The output: the input, with each step's result where its ResultPath puts it.
        let output = try #require(execution.output)
        #expect(output["pre"] == ["Status": "SUCCEEDED"] && output["post"] == ["Status": "SUCCEEDED"])
        let results = try #require(output["results"]?.array)
        #expect(results.count == 50)
        for (index, result) in results.enumerated() {
            if index == bad {
                #expect(result == ["item": .string(item(index)), "status": "CLEANED_UP", "error": "States.TaskFailed"])
            } else {
                #expect(result["item"] == .string(item(index)) && result["index"] == .integer(index) && result["job"]?["Status"] == "SUCCEEDED",
                        "item \(index): \(result.document)")
            }
        }
        // Each job was submitted once: one per TaskSubmitted event, 1 + 50 + 3 retries + 2 retries + 1.
        let submitted = history.filter { $0.type == "TaskSubmitted" }.compactMap { $0.details?["output"]?.string.flatMap { try? JSONValue(parsing: $0) }?["JobId"]?.string }
        #expect(submitted.count == 57 && Set(submitted).count == 57)
        let jobs = try store.executionJobs(execution.number)
        #expect(Set(jobs) == Set(submitted) && jobs.count == 57, "\(jobs.count) jobs")
        let names = try store.jobs(JobFilter(all: true, limit: 10_000)).map(\.jobName)
        #expect(names.count == 57)
        for index in 0..<50 {
            let expected = index == bad ? 3 : flaky.contains(index) ? 2 : 1
            #expect(names.filter { $0 == "item-\(index)" }.count == expected, "item \(index)'s jobs")
        }
    }

    @Test func thePipelineRunsAsStepFunctionsWouldRunIt() throws {
        let (sandbox, definition, input) = try Self.sandbox()
        let result = try sandbox.drover("workflow", "run", definition, "--input", "@\(input)", "--name", "nightly")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("ProcessItems: 50/50 items succeeded") && result.stderr.contains("SUCCEEDED in"), "\(result.stderr)")
        let store = try sandbox.store()
        let execution = try #require(try store.execution("nightly"))
        #expect(try JSONValue(parsing: result.stdout) == execution.output)
        try Self.check(store, execution)
        // describe shows the history as Step Functions lists it.
        let described = try sandbox.drover("workflow", "describe", "nightly", "--output", "json")
        let events = try #require(try JSONValue(parsing: described.stdout)["events"]?.array)
        #expect(events.count == (try store.history(of: execution.number, limit: 100_000)).count)
        #expect(events.first?["executionStartedEventDetails"]?["input"] != nil)
        #expect(events.contains { $0["type"] == "TaskSubmitted" && $0["taskSubmittedEventDetails"]?["resourceType"] == "batch" })
        let listed = try sandbox.drover("workflow", "list", "--status", "succeeded")
        #expect(listed.stdout.contains("nightly") && listed.stdout.contains("pipeline"))
    }

    /// The engine is SIGKILLed at five random moments of the pipeline; each time `drover workflow run` with the same
    /// name follows the RUNNING execution on. It ends as it would have without the kills: same history shape, same
    /// output, no job submitted twice.
    @Test func thePipelineSurvivesFiveKills() throws {
        let (sandbox, definition, input) = try Self.sandbox(pause: 0.4)
        #expect(try sandbox.store().jobDefinitions().contains { $0.definition.containerProperties?.command?.first(where: { $0.contains("sleep 0.4") }) != nil })
        let store = try sandbox.store()
        var generator = SystemRandomNumberGenerator()
        let arguments = ["workflow", "run", definition, "--input", "@\(input)", "--name", "crashy", "--quiet"]
        for kill in 1...5 {
            let process = sandbox.process(arguments)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let wait = Double.random(in: 0.2...1.2, using: &generator)
            try eventually(within: 10, "the run \(kill) to start") { try store.execution("crashy") != nil || !process.isRunning }
            Thread.sleep(forTimeInterval: wait)
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(try store.execution("crashy")?.status == .running, "kill \(kill) after \(wait)s came before the end")
        }
        let result = try sandbox.drover(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        try Self.check(store, try #require(try store.execution("crashy")))
    }
}
