import DroverCore
import Foundation
import GRDB
import Synchronization

extension Store {
    /// Creates the state machine `name`, or replaces its definition.
    @discardableResult
    public func putStateMachine(name: String, definition: String, roleArn: String) throws(DroverError) -> StateMachineRecord {
        let now = nowMillis()
        return try write { db in
            try putStateMachine(db, name: name, definition: definition, roleArn: roleArn, now: now)
            return try stateMachine(db, name)!
        }
    }

    func putStateMachine(_ db: Database, name: String, definition: String, roleArn: String, now: EpochMillis) throws {
        try db.execute(sql: """
            INSERT INTO workflow_machine(name, definition, role_arn, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(name) DO UPDATE SET definition = excluded.definition, role_arn = excluded.role_arn, updated_at = excluded.updated_at
            """, arguments: [name, definition, roleArn, now, now])
    }

    /// The state machine `name`.
    public func stateMachine(_ name: String) throws(DroverError) -> StateMachineRecord? {
        try read { db in try stateMachine(db, name) }
    }

    func stateMachine(_ db: Database, _ name: String) throws -> StateMachineRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM workflow_machine WHERE name = ?", arguments: [name]).map {
            StateMachineRecord(name: $0["name"], definition: $0["definition"], roleArn: $0["role_arn"], createdAt: $0["created_at"],
                               updatedAt: $0["updated_at"])
        }
    }

    /// Every state machine, by name.
    public func stateMachines() throws(DroverError) -> [StateMachineRecord] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT name FROM workflow_machine ORDER BY name").compactMap { try stateMachine(db, $0) }
        }
    }

    /// Starts an execution at `startAt`: its `ExecutionStarted` event and its top-level thread, in one transaction.
    ///
    /// An execution of the same machine and name that is still RUNNING with the same input and definition is
    /// returned as it is (`resumed`), as Step Functions does for a repeated `StartExecution`; with `followEnded`, one
    /// that has ended too (`drover workflow run` shows its result); any other is refused. With `keepMachine`, the
    /// definition is kept as the state machine in the same transaction, once the start is not refused (a refused start
    /// changes nothing).
    public func startExecution(_ start: ExecutionStart, startAt: String, followEnded: Bool = false,
                               keepMachine: Bool = false) throws(DroverError) -> (execution: ExecutionRecord, resumed: Bool) {
        let now = nowMillis()
        return try write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM workflow_execution WHERE machine = ? AND name = ?", arguments: [start.machine, start.name]) {
                let existing = try Self.executionRecord(row)
                guard existing.status == .running || followEnded, existing.input == start.input, existing.definition == start.definition else {
                    throw DroverError("""
                        an execution named '\(start.name)' of '\(start.machine)' already exists (\(existing.status.rawValue)): \
                        give another --name (names are unique per state machine; the same name and input follow an execution)
                        """)
                }
                return (existing, true)
            }
            if keepMachine { try putStateMachine(db, name: start.machine, definition: start.definition, roleArn: start.roleArn, now: now) }
            try db.execute(sql: """
                INSERT INTO workflow_execution(machine, name, arn, machine_arn, region, account, role_arn, definition, input, status,
                    started_at, deadline_at, next_event, next_thread)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 2, 1)
                """, arguments: [start.machine, start.name, start.arn, start.machineArn, start.region, start.account, start.roleArn,
                                 start.definition, start.input.document, ExecutionStatus.running.rawValue, now,
                                 start.timeoutSeconds.map { now + EpochMillis($0) * 1000 }])
            let number = db.lastInsertedRowID
            let started = HistoryEvent("ExecutionStarted", ["input": .string(start.input.document), "inputDetails": ["truncated": false],
                                                            "roleArn": .string(start.roleArn)])
            try db.execute(sql: "INSERT INTO workflow_history(execution, id, previous, time, type, details) VALUES (?, 1, 0, ?, ?, ?)",
                           arguments: [number, now, started.type, started.details.document])
            try WorkflowThread(execution: number, id: 0, parent: nil, slot: 0, path: .top, state: startAt, input: start.input, lastEvent: 1).save(db)
            let row = try Row.fetchOne(db, sql: "SELECT * FROM workflow_execution WHERE id = ?", arguments: [number])!
            return (try Self.executionRecord(row), false)
        }
    }

    /// The execution an ARN, a `MACHINE:NAME` or a name (when only one machine has an execution of that name) names.
    public func execution(_ reference: String) throws(DroverError) -> ExecutionRecord? {
        try read { db in try execution(db, reference) }
    }

    func execution(_ db: Database, _ reference: String) throws -> ExecutionRecord? {
        if let row = try Row.fetchOne(db, sql: "SELECT * FROM workflow_execution WHERE arn = ?", arguments: [reference]) {
            return try Self.executionRecord(row)
        }
        let parts = reference.split(separator: ":", maxSplits: 1).map(String.init)
        if parts.count == 2,
           let row = try Row.fetchOne(db, sql: "SELECT * FROM workflow_execution WHERE machine = ? AND name = ?", arguments: [parts[0], parts[1]]) {
            return try Self.executionRecord(row)
        }
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM workflow_execution WHERE name = ? LIMIT 2", arguments: [reference])
        if rows.count > 1 {
            throw DroverError("several state machines have an execution named '\(reference)': name it as MACHINE:\(reference) or by its ARN")
        }
        return try rows.first.map { try Self.executionRecord($0) }
    }

    /// The execution numbered `number`.
    public func execution(number: Int64) throws(DroverError) -> ExecutionRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM workflow_execution WHERE id = ?", arguments: [number]).map { try Self.executionRecord($0) }
        }
    }

    /// Executions, most recent first: of one machine, in one status, older than `before` (an execution number),
    /// `limit` at most.
    public func executions(machine: String? = nil, status: ExecutionStatus? = nil, before: Int64? = nil, limit: Int = 100) throws(DroverError) -> [ExecutionRecord] {
        try read { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let machine {
                conditions.append("machine = ?")
                arguments.append(machine)
            }
            if let status {
                conditions.append("status = ?")
                arguments.append(status.rawValue)
            }
            if let before {
                conditions.append("id < ?")
                arguments.append(before)
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments.append(limit)
            return try Row.fetchAll(db, sql: "SELECT * FROM workflow_execution \(filter) ORDER BY id DESC LIMIT ?",
                                    arguments: StatementArguments(arguments)).map { try Self.executionRecord($0) }
        }
    }

    /// An execution's history events after event `after`, oldest first (`reverse`: newest first, before `after`
    /// when it is given), `limit` at most.
    public func history(of number: Int64, after: Int = 0, limit: Int = 1000, reverse: Bool = false) throws(DroverError) -> [HistoryRecord] {
        try read { db in
            let sql = reverse
                ? "SELECT * FROM workflow_history WHERE execution = ? AND id < ? ORDER BY id DESC LIMIT ?"
                : "SELECT * FROM workflow_history WHERE execution = ? AND id > ? ORDER BY id LIMIT ?"
            let bound = reverse && after == 0 ? Int.max : after
            return try Row.fetchAll(db, sql: sql, arguments: [number, bound, limit]).map { row in
                HistoryRecord(id: row["id"], previous: row["previous"], time: row["time"], type: row["type"],
                              details: try (row["details"] as String?).map { try JSONValue.parse(document: $0) })
            }
        }
    }

    /// Stops a RUNNING execution: it is ABORTED with `error` and `cause`, and the jobs of its running tasks are
    /// terminated. An execution that has ended is returned as it is.
    public func stopExecution(_ number: Int64, error: String?, cause: String?) throws(DroverError) -> ExecutionRecord {
        let now = nowMillis()
        return try write { db in
            let pass = WorkflowPass(db: db, store: self, now: now, hooks: WorkflowHooks(machine: { _ in nil }), budget: 0)
            guard let loaded = try pass.execution(number) else { throw DroverError("no execution numbered \(number)") }
            if loaded.record.status == .running {
                let stop: StatesError? = error == nil && cause == nil ? nil : StatesError(error ?? "", cause ?? "")
                try pass.end(loaded, status: .aborted, output: nil, error: stop, previous: loaded.nextEvent - 1)
            }
            return loaded.record
        }
    }

    /// Takes the steps the running executions are ready for: at most `budget` (the report says when work is left).
    ///
    /// Jobs that ended are described (through `hooks.describe`) before the write transaction; everything else is
    /// decided and written in it.
    public func advanceWorkflows(now: EpochMillis = nowMillis(), hooks: WorkflowHooks, budget: Int = 2000,
                                 cursor: inout WorkflowCursor) throws(DroverError) -> WorkflowPassReport {
        // What is ready is found without the write lock (most passes find nothing), and ended jobs are described
        // there too; the pass checks again, in its transaction, that each thread still waits for what woke it.
        let previous = cursor
        let (found, overdue, next) = try read { db in try readyWork(db, now: now, budget: budget, cursor: previous) }
        cursor = next
        guard !found.isEmpty || !overdue.isEmpty else { return WorkflowPassReport() }
        var work: [WorkflowPass.Work] = []
        for item in found {
            guard case .jobEnded(let end) = item.occurrence else {
                work.append(item)
                continue
            }
            var record = hooks.describe(end.jobId)
            if record == nil { record = try shortRecord(end.jobId) }
            work.append((item.execution, item.thread, .jobEnded(JobEnd(jobId: end.jobId, succeeded: end.succeeded,
                                                                       record: BatchTaskShapes.pascalCased(record ?? .null)))))
        }
        return try write { db in
            let pass = WorkflowPass(db: db, store: self, now: now, hooks: hooks, budget: budget)
            for number in overdue {
                if let loaded = try pass.execution(number), loaded.record.status == .running {
                    try pass.end(loaded, status: .timedOut, output: nil,
                                 error: StatesError(StatesError.timeout, "The execution ran longer than its TimeoutSeconds"),
                                 previous: loaded.nextEvent - 1)
                }
            }
            try pass.run(work)
            return pass.report
        }
    }

    /// The threads ready to act at `now` (ended jobs with a placeholder record), the executions past their deadline,
    /// and where to look for ended jobs next time.
    ///
    /// Ended jobs are found from the job events recorded since `cursor` (a few rows, whatever the number of tasks
    /// waiting), and by a look at every waiting task now and then (the first pass, and every
    /// ``WorkflowCursor/rescanMillis``), which also finds what a full pass's budget left.
    func readyWork(_ db: Database, now: EpochMillis, budget: Int, cursor: WorkflowCursor) throws
        -> (work: [WorkflowPass.Work], overdue: [Int64], cursor: WorkflowCursor) {
        let overdue = try Int64.fetchAll(db, sql: "SELECT id FROM workflow_execution WHERE deadline_at <= ? AND status = ?",
                                         arguments: [now, ExecutionStatus.running.rawValue])
        var work: [WorkflowPass.Work] = []
        let taskStep = WorkflowThread.Step.task.rawValue
        var next = cursor
        next.lastEvent = try Int64.fetchOne(db, sql: "SELECT max(id) FROM event") ?? 0
        let rescan = cursor.lastEvent == 0 || now - cursor.scannedAt >= WorkflowCursor.rescanMillis
        if rescan { next.scannedAt = now }
        let ended = rescan ? """
            SELECT t.execution, t.id, t.job_id, j.status FROM workflow_thread t JOIN job j ON j.id = t.job_id
            WHERE t.step = ?1 AND j.status IN (?2, ?3) LIMIT ?4
            """ : """
            SELECT DISTINCT t.execution, t.id, t.job_id, e.status FROM event e JOIN workflow_thread t ON t.job_id = e.job_id
            WHERE e.id > ?5 AND e.id <= ?6 AND e.kind = 'state' AND e.status IN (?2, ?3) AND t.step = ?1 LIMIT ?4
            """
        var arguments: StatementArguments = [taskStep, JobStatus.succeeded.rawValue, JobStatus.failed.rawValue, budget]
        if !rescan { arguments += [cursor.lastEvent, next.lastEvent] }
        let rows = try Row.fetchAll(db, sql: ended, arguments: arguments)
        // A pass that could not take every ended job looks at them all next time.
        if rows.count >= budget { next.scannedAt = 0 }
        for row in rows {
            let end = JobEnd(jobId: row["job_id"], succeeded: row["status"] == JobStatus.succeeded.rawValue, record: .null)
            work.append((row["execution"], row["id"], .jobEnded(end)))
        }
        for row in try Row.fetchAll(db, sql: "SELECT execution, id FROM workflow_thread WHERE step = 'enter' AND status = 'ACTIVE' LIMIT ?",
                                    arguments: [budget]) {
            work.append((row["execution"], row["id"], .enter))
        }
        for row in try Row.fetchAll(db, sql: "SELECT execution, id FROM workflow_thread WHERE wake_at <= ? LIMIT ?", arguments: [now, budget]) {
            work.append((row["execution"], row["id"], .timer))
        }
        for row in try Row.fetchAll(db, sql: "SELECT execution, id, job_id, heartbeat, memo FROM workflow_thread WHERE heartbeat IS NOT NULL AND step = ?",
                                    arguments: [taskStep]) {
            guard let job = row["job_id"] as String?, let seconds = row["heartbeat"] as Int? else { continue }
            let memo = try JSONDecoder().decode(ThreadMemo.self, from: Data((row["memo"] as String).utf8))
            // The job's last change of state (for an array, any child's).
            let changed = try EpochMillis.fetchOne(db, sql: """
                SELECT max(time) FROM event WHERE job_id = ?1 OR (job_id > ?1 || ':' AND job_id < ?1 || ';')
                """, arguments: [job]) ?? 0
            if now - max(changed, memo.triedAt ?? 0) > EpochMillis(seconds) * 1000 {
                work.append((row["execution"], row["id"], .heartbeatMissed))
            }
        }
        return (work, overdue, next)
    }

    /// When the running executions next need a step for time's sake (a `Wait`, a retry, a timeout), epoch
    /// milliseconds; nil when none waits for a time.
    public func nextWorkflowWake() throws(DroverError) -> EpochMillis? {
        try read { db in
            let thread = try EpochMillis.fetchOne(db, sql: "SELECT min(wake_at) FROM workflow_thread WHERE wake_at IS NOT NULL")
            let execution = try EpochMillis.fetchOne(db, sql: "SELECT min(deadline_at) FROM workflow_execution WHERE deadline_at IS NOT NULL AND status = ?",
                                                     arguments: [ExecutionStatus.running.rawValue])
            return [thread, execution].compactMap { $0 }.min()
        }
    }

    /// The jobs an execution submitted, oldest first.
    public func executionJobs(_ number: Int64) throws(DroverError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT w.job_id FROM workflow_job w JOIN job j ON j.id = w.job_id WHERE w.execution = ? ORDER BY j.seq
                """, arguments: [number])
        }
    }

    /// The jobs an execution's `.sync` tasks wait for now, with the state of each task (at most `limit`).
    public func executionWaitingJobs(_ number: Int64, limit: Int = 10) throws(DroverError) -> [(state: String, jobId: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT state, job_id FROM workflow_thread WHERE execution = ? AND step = ? AND job_id IS NOT NULL LIMIT ?",
                             arguments: [number, WorkflowThread.Step.task.rawValue, limit]).map { ($0["state"], $0["job_id"]) }
        }
    }

    /// Whether any execution is RUNNING.
    public func hasRunningExecutions() throws(DroverError) -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM workflow_execution WHERE status = ?)", arguments: [ExecutionStatus.running.rawValue]) ?? false
        }
    }

    /// A job's record when no fuller description is at hand: AWS Batch's main fields.
    func shortRecord(_ id: String) throws(DroverError) -> JSONValue {
        guard let job = try job(id) else { return ["jobId": .string(id)] }
        var record: JSONValue = ["jobId": .string(job.jobId), "jobName": .string(job.jobName), "jobQueue": .string(job.jobQueue),
                                 "jobDefinition": .string(job.jobDefinition), "status": .string(job.status.rawValue),
                                 "createdAt": .integer(Int(job.createdAt))]
        if let reason = job.statusReason { record["statusReason"] = .string(reason) }
        if let started = job.startedAt { record["startedAt"] = .integer(Int(started)) }
        if let stopped = job.stoppedAt { record["stoppedAt"] = .integer(Int(stopped)) }
        if let code = job.exitCode { record["container"] = ["exitCode": .integer(Int(code))] }
        return record
    }

    /// The status of the execution numbered `number` (cheaper than the whole record).
    public func executionStatus(_ number: Int64) throws(DroverError) -> ExecutionStatus? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT status FROM workflow_execution WHERE id = ?", arguments: [number]).flatMap(ExecutionStatus.init)
        }
    }

    /// ``executionRecord(_:input:)`` with the input read once per execution (it never changes).
    func cachedExecutionRecord(_ row: Row) throws -> ExecutionRecord {
        let number: Int64 = row["id"]
        if let input = executionInputs.withLock({ $0[number] }) { return try Self.executionRecord(row, input: input) }
        let text: String = row["input"]
        let input = try JSONValue.parse(document: text)
        executionInputs.withLock { $0.insert(input, for: number, cost: text.utf8.count) }
        return try Self.executionRecord(row, input: input)
    }

    static func executionRecord(_ row: Row, input: JSONValue? = nil) throws -> ExecutionRecord {
        ExecutionRecord(number: row["id"], arn: row["arn"], name: row["name"], machine: row["machine"], machineArn: row["machine_arn"],
                        region: row["region"], account: row["account"], roleArn: row["role_arn"], definition: row["definition"],
                        input: try input ?? JSONValue.parse(document: row["input"]), status: ExecutionStatus(rawValue: row["status"]) ?? .failed,
                        output: try (row["output"] as String?).map { try JSONValue.parse(document: $0) }, error: row["error"], cause: row["cause"],
                        startedAt: row["started_at"], stoppedAt: row["stopped_at"])
    }
}

extension Store {
    /// Which of `queues` (names or ARNs) name no job queue, and which of `definitions` (`name`, `name:revision` or
    /// ARN) no ACTIVE job definition.
    public func unknownResources(queues: [String], definitions: [String]) throws(DroverError) -> (queues: Set<String>, definitions: Set<String>) {
        try read { db in
            var missingQueues: Set<String> = []
            for queue in queues where try String.fetchOne(db, sql: "SELECT name FROM job_queue WHERE name = ?", arguments: [ResourceName.fromArn(queue)]) == nil {
                missingQueues.insert(queue)
            }
            var missingDefinitions: Set<String> = []
            for reference in definitions {
                guard let (_, _, active) = try definition(db, reference), active else {
                    missingDefinitions.insert(reference)
                    continue
                }
            }
            return (missingQueues, missingDefinitions)
        }
    }
}
