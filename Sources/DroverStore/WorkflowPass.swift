import DroverCore
import Foundation
import GRDB

/// One pass over the running executions, inside one write transaction: every thread that has something to act on
/// (a state to enter, a time come, a job ended, a child ended) takes its step through the ``Interpreter``, and what
/// the step decided is written in the same transaction: history events, jobs submitted, threads started and gathered,
/// executions ended. A crash loses the whole pass or nothing: a task's job is never submitted twice.
final class WorkflowPass {
    /// An execution the pass works on.
    final class Loaded {
        var record: ExecutionRecord
        let machine: StateMachine?
        var nextEvent: Int
        var nextThread: Int

        init(record: ExecutionRecord, machine: StateMachine?, nextEvent: Int, nextThread: Int) {
            self.record = record
            self.machine = machine
            self.nextEvent = nextEvent
            self.nextThread = nextThread
        }
    }

    typealias Work = (execution: Int64, thread: Int, occurrence: Occurrence)

    let db: Database
    let store: Store
    let now: EpochMillis
    let hooks: WorkflowHooks
    /// Steps to take at most (children's results are always taken: nothing else would bring them back).
    let budget: Int
    var executions: [Int64: Loaded] = [:]
    var queue: [Work] = []
    var report = WorkflowPassReport()
    /// A store error met inside a step's effect (it fails the whole pass).
    var failure: (any Error)?

    init(db: Database, store: Store, now: EpochMillis, hooks: WorkflowHooks, budget: Int) {
        self.db = db
        self.store = store
        self.now = now
        self.hooks = hooks
        self.budget = budget
    }

    /// Takes the steps `work` asks for, and those they lead to.
    func run(_ work: [Work]) throws {
        queue = work
        var index = 0
        while index < queue.count {
            let next = queue[index]
            index += 1
            try process(next)
        }
        try flush()
    }

    /// The execution numbered `number`, loaded once per pass.
    func execution(_ number: Int64) throws -> Loaded? {
        if let loaded = executions[number] { return loaded }
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM workflow_execution WHERE id = ?", arguments: [number]) else { return nil }
        let record = try store.cachedExecutionRecord(row)
        let loaded = Loaded(record: record, machine: record.status == .running ? hooks.machine(record) : nil,
                            nextEvent: row["next_event"], nextThread: row["next_thread"])
        executions[number] = loaded
        return loaded
    }

    /// The thread `id` of `execution`; without its input (`null` in its place) when `withInput` is false.
    func thread(_ execution: Int64, _ id: Int, withInput: Bool = true) throws -> WorkflowThread? {
        let columns = withInput ? "*" : "execution, id, parent, slot, path, status, state, step, 'null' AS input, memo, wake_at, job_id, heartbeat, output, error, last_event"
        return try Row.fetchOne(db.cachedStatement(sql: "SELECT \(columns) FROM workflow_thread WHERE execution = ? AND id = ?"),
                                arguments: [execution, id]).map { try WorkflowThread(row: $0) }
    }

    func process(_ work: Work) throws {
        switch work.occurrence {
        case .childEnded, .childrenDone: break
        default:
            // Entering, waking and finished jobs are found again by the next pass.
            if report.steps >= budget {
                report.more = true
                return
            }
        }
        // A child that ended well only moves its parent's counters: the parent's input (a Map's every item) is neither
        // read nor written again for each of its children.
        var withInput = true
        if case .childEnded(_, nil, _) = work.occurrence { withInput = false }
        guard let loaded = try execution(work.execution), loaded.record.status == .running,
              let thread = try thread(work.execution, work.thread, withInput: withInput), thread.status == .active else { return }
        if case .timer = work.occurrence, (thread.wakeAt ?? .max) > now { return }
        guard let top = loaded.machine, let machine = top.machine(at: thread.path) else {
            try end(loaded, status: .failed, output: nil,
                    error: StatesError(StatesError.runtime, "The execution's definition cannot be read, or has no machine at '\(thread.path)'"),
                    previous: thread.lastEvent)
            return
        }
        report.steps += 1
        let environment = StepEnvironment(
            now: now, execution: loaded.record.info, random: hooks.random,
            submit: { [unowned self] request in self.submit(request, for: loaded) },
            nextThreadId: { count in
                let first = loaded.nextThread
                loaded.nextThread += count
                return first
            })
        let result = Interpreter.step(thread, on: work.occurrence, in: machine, environment: environment)
        if let failure { throw failure }
        try apply(result, original: thread, loaded: loaded, withInput: withInput)
    }

    /// Writes what a step decided.
    func apply(_ result: StepResult, original: WorkflowThread, loaded: Loaded, withInput: Bool = true) throws {
        var thread = result.thread
        // The items of a failed Map that were still running are aborted: their `MapIterationAborted` events come
        // before the Map's `MapStateFailed` (and so before the state is left, retried or caught).
        var aborted: [HistoryEvent] = []
        if result.abortChildren {
            let slots = try abortChildren(of: thread)
            if case .map? = loaded.machine?.machine(at: thread.path)?.states[original.state]?.kind {
                aborted = slots.map { HistoryEvent("MapIterationAborted", ["name": .string(original.state), "index": .integer($0)]) }
            }
        }
        let abortAt = aborted.isEmpty ? nil : (result.events.firstIndex { $0.type == "MapStateFailed" } ?? result.events.count)
        var ids: [Int] = []
        for (index, event) in result.events.enumerated() {
            if index == abortAt { try appendAborted(aborted, to: loaded, thread: &thread) }
            thread.lastEvent = try append(event, to: loaded, previous: event.previous ?? thread.lastEvent)
            ids.append(thread.lastEvent)
        }
        if abortAt == result.events.count { try appendAborted(aborted, to: loaded, thread: &thread) }
        let startEvent = { (child: Int) in result.childStarts[child].map { ids[$0] } ?? thread.lastEvent }
        for (job, reason) in result.terminate { try terminate(job, reason: reason) }
        for var child in result.spawned {
            child.lastEvent = startEvent(child.id)
            try child.save(db)
            if child.status == .active { queue.append((child.execution, child.id, .enter)) }
        }
        for id in result.activate {
            try db.execute(sql: "UPDATE workflow_thread SET status = ?, last_event = ? WHERE execution = ? AND id = ?",
                           arguments: [WorkflowThread.Status.active.rawValue, startEvent(id), thread.execution, id])
            queue.append((thread.execution, id, .enter))
        }
        try thread.save(db, input: withInput)
        if result.gatherChildren {
            let outputs = try String.fetchAll(db, sql: "SELECT output FROM workflow_thread WHERE execution = ? AND parent = ? ORDER BY slot",
                                              arguments: [thread.execution, thread.id]).map { try JSONValue.parse(document: $0) }
            try db.execute(sql: "DELETE FROM workflow_thread WHERE execution = ? AND parent = ?", arguments: [thread.execution, thread.id])
            try process((thread.execution, thread.id, .childrenDone(outputs)))
            return
        }
        guard thread.hasEnded else { return }
        if let parent = thread.parent {
            queue.append((thread.execution, parent, .childEnded(child: thread.id, error: thread.error, lastEvent: thread.lastEvent)))
        } else if let error = thread.error {
            try end(loaded, status: .failed, output: nil, error: error, previous: thread.lastEvent)
        } else {
            try end(loaded, status: .succeeded, output: thread.output ?? .null, error: nil, previous: thread.lastEvent)
        }
    }

    /// Appends the `MapIterationAborted` events of a failed Map, each following the thread's last event.
    func appendAborted(_ events: [HistoryEvent], to loaded: Loaded, thread: inout WorkflowThread) throws {
        for event in events { thread.lastEvent = try append(event, to: loaded, previous: thread.lastEvent) }
    }

    /// Appends an event to the execution's history; its id.
    func append(_ event: HistoryEvent, to loaded: Loaded, previous: Int) throws -> Int {
        let id = loaded.nextEvent
        loaded.nextEvent += 1
        let details: String? = event.details == .object([:]) ? nil : event.details.document
        try db.cachedStatement(sql: "INSERT INTO workflow_history(execution, id, previous, time, type, details) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [loaded.record.number, id, previous, now, event.type, details])
        return id
    }

    /// Stops the children (and theirs) of `thread`: their jobs are terminated and their rows go. The slots of the
    /// direct children that were running.
    func abortChildren(of thread: WorkflowThread) throws -> [Int] {
        let rows = try Row.fetchAll(db, sql: """
            WITH RECURSIVE below(id) AS (
                SELECT id FROM workflow_thread WHERE execution = ?1 AND parent = ?2
                UNION ALL
                SELECT t.id FROM workflow_thread t JOIN below ON t.execution = ?1 AND t.parent = below.id)
            SELECT t.id, t.parent, t.slot, t.status, t.step, t.job_id FROM workflow_thread t JOIN below ON t.execution = ?1 AND t.id = below.id
            """, arguments: [thread.execution, thread.id])
        var running: [Int] = []
        for row in rows {
            if let job = row["job_id"] as String?, row["step"] == WorkflowThread.Step.task.rawValue {
                try terminate(job, reason: "Terminated by the workflow: another branch or item failed")
            }
            if row["parent"] == thread.id, row["status"] == WorkflowThread.Status.active.rawValue { running.append(row["slot"]) }
            try db.execute(sql: "DELETE FROM workflow_thread WHERE execution = ? AND id = ?", arguments: [thread.execution, row["id"] as Int])
        }
        return running.sorted()
    }

    /// Asks a task's job to stop (it fails as terminated).
    func terminate(_ job: String, reason: String) throws {
        do {
            _ = try store.stop(db, job, reason: reason, terminateRunning: true, now: now)
            report.terminated += 1
        } catch let error as DroverError where error.exitCode == 2 {
            // Gone from the store: nothing to stop.
        }
    }

    /// Submits a task's job in the pass's transaction.
    func submit(_ request: SubmitJobRequest, for loaded: Loaded) -> Result<SubmittedTask, StatesError> {
        do {
            guard let job = try store.submit(db, ordered: [request], runKey: nil).first else {
                return .failure(StatesError("Batch.ServerException", "the job was not stored"))
            }
            report.submitted += 1
            try db.cachedStatement(sql: "INSERT INTO workflow_job(execution, job_id) VALUES (?, ?)").execute(arguments: [loaded.record.number, job.jobId])
            let arn = "arn:aws:batch:\(loaded.record.region):\(loaded.record.account):job/\(job.jobId)"
            return .success(SubmittedTask(jobId: job.jobId, jobArn: arn, jobName: job.jobName))
        } catch let error as DroverError {
            return .failure(StatesError("Batch.ClientException", error.message))
        } catch {
            failure = error
            return .failure(StatesError("Batch.ServerException", "\(error)"))
        }
    }

    /// Ends an execution: its last event, its result, its threads gone and their jobs stopped.
    func end(_ loaded: Loaded, status: ExecutionStatus, output: JSONValue?, error: StatesError?, previous: Int) throws {
        let number = loaded.record.number
        let jobs = try String.fetchAll(db, sql: "SELECT job_id FROM workflow_thread WHERE execution = ? AND step = ? AND job_id IS NOT NULL",
                                       arguments: [number, WorkflowThread.Step.task.rawValue])
        for job in jobs { try terminate(job, reason: "Terminated by the workflow: the execution ended (\(status.rawValue))") }
        try db.execute(sql: "DELETE FROM workflow_thread WHERE execution = ?", arguments: [number])
        let event: HistoryEvent
        switch status {
        case .succeeded:
            event = HistoryEvent("ExecutionSucceeded", ["output": .string((output ?? .null).document), "outputDetails": ["truncated": false]])
        case .failed, .timedOut, .aborted:
            var details: [String: JSONValue] = [:]
            if let error {
                details["error"] = .string(error.error)
                details["cause"] = .string(error.cause)
            }
            let type = ["FAILED": "ExecutionFailed", "TIMED_OUT": "ExecutionTimedOut", "ABORTED": "ExecutionAborted"][status.rawValue] ?? "ExecutionFailed"
            event = HistoryEvent(type, .object(details))
        case .running:
            return
        }
        _ = try append(event, to: loaded, previous: previous)
        try db.execute(sql: """
            UPDATE workflow_execution SET status = ?, output = ?, error = ?, cause = ?, stopped_at = ?, deadline_at = NULL, next_event = ?, next_thread = ?
            WHERE id = ?
            """, arguments: [status.rawValue, output?.document, error?.error, error?.cause, now, loaded.nextEvent, loaded.nextThread, number])
        loaded.record.status = status
        loaded.record.output = output
        loaded.record.error = error?.error
        loaded.record.cause = error?.cause
        loaded.record.stoppedAt = now
        report.ended += 1
    }

    /// Writes the executions' counters.
    func flush() throws {
        for loaded in executions.values where loaded.record.status == .running {
            try db.execute(sql: "UPDATE workflow_execution SET next_event = ?, next_thread = ? WHERE id = ?",
                           arguments: [loaded.nextEvent, loaded.nextThread, loaded.record.number])
        }
    }
}
