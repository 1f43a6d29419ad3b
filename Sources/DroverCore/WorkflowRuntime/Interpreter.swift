/// What a thread's step needs from outside: the time, randomness, and the effects only the store can carry out
/// inside the step's transaction.
public struct StepEnvironment {
    /// The time of the step, epoch milliseconds.
    public var now: EpochMillis
    /// The execution the thread belongs to.
    public var execution: ExecutionInfo
    /// A number in [0, 1) (a retry's jitter).
    public var random: () -> Double
    /// Submits a batch job in the step's transaction: the job, or why it was refused.
    public var submit: (SubmitJobRequest) -> Result<SubmittedTask, StatesError>
    /// The id the next new thread of the execution gets (children take consecutive ids).
    public var nextThreadId: (_ count: Int) -> Int

    public init(now: EpochMillis, execution: ExecutionInfo, random: @escaping () -> Double,
                submit: @escaping (SubmitJobRequest) -> Result<SubmittedTask, StatesError>, nextThreadId: @escaping (Int) -> Int) {
        self.now = now
        self.execution = execution
        self.random = random
        self.submit = submit
        self.nextThreadId = nextThreadId
    }
}

/// A job a task submitted.
public struct SubmittedTask: Sendable, Equatable {
    public var jobId: String
    public var jobArn: String
    public var jobName: String

    public init(jobId: String, jobArn: String, jobName: String) {
        self.jobId = jobId
        self.jobArn = jobArn
        self.jobName = jobName
    }
}

/// What a step did: the thread as it is now, the history events it recorded (in order), and the effects for the store.
public struct StepResult: Sendable, Equatable {
    /// The thread after the step.
    public var thread: WorkflowThread
    /// Events recorded, oldest first.
    public var events: [HistoryEvent] = []
    /// Jobs to terminate (a task that timed out), with the reason.
    public var terminate: [(jobId: String, reason: String)] = []
    /// New child threads (a `Parallel`'s branches, a `Map`'s items), in slot order.
    public var spawned: [WorkflowThread] = []
    /// Waiting children to start now (a `Map` item whose turn came), by thread id.
    public var activate: [Int] = []
    /// For each child started (spawned active, or activated), the index in ``events`` of the event its own events
    /// follow (its `MapIterationStarted`, or the `ParallelStateStarted`).
    public var childStarts: [Int: Int] = [:]
    /// Every child of the thread (and theirs) is to be stopped: one failed, or the state is retried.
    public var abortChildren = false
    /// The children have all ended well: the store gathers their outputs and steps the thread with
    /// ``Occurrence/childrenDone(_:)``.
    public var gatherChildren = false
    /// The thread went on to its next state within this step and needs another step to enter it (a long run of
    /// states without a pause is cut in pieces so that one execution does not hold the others up).
    public var continues = false

    public init(thread: WorkflowThread) {
        self.thread = thread
    }

    public static func == (lhs: StepResult, rhs: StepResult) -> Bool {
        lhs.thread == rhs.thread && lhs.events == rhs.events && lhs.spawned == rhs.spawned && lhs.activate == rhs.activate
            && lhs.childStarts == rhs.childStarts && lhs.abortChildren == rhs.abortChildren && lhs.gatherChildren == rhs.gatherChildren && lhs.continues == rhs.continues
            && lhs.terminate.map(\.jobId) == rhs.terminate.map(\.jobId) && lhs.terminate.map(\.reason) == rhs.terminate.map(\.reason)
    }
}

/// Runs Amazon States Language: given a thread, the machine it runs, and what happened, decides what the thread does
/// next, with Step Functions' semantics and history. No I/O: the store applies the result in one transaction.
public enum Interpreter {
    /// States a thread may pass through in one step before it yields (``StepResult/continues``).
    static let transitionsPerStep = 200
    /// The deepest a state's output may nest: JSON text is read and written at most 512 levels deep, and a template
    /// (at most 64 levels) or the context object may put a value deeper than it was.
    public static let maxDepth = 400

    /// Steps `thread` (running `machine`) on `occurrence`.
    public static func step(_ thread: WorkflowThread, on occurrence: Occurrence, in machine: StateMachine,
                            environment: StepEnvironment) -> StepResult {
        var run = ThreadRun(result: StepResult(thread: thread), machine: machine, environment: environment)
        run.handle(occurrence)
        return run.result
    }
}

/// One step of one thread, as it is worked out.
struct ThreadRun {
    var result: StepResult
    let machine: StateMachine
    let environment: StepEnvironment
    var transitions = 0
    /// The context object at the thread's state, built once per state and retry.
    let contexts = ContextCache()

    var thread: WorkflowThread {
        get { result.thread }
        set { result.thread = newValue }
    }

    var now: EpochMillis { environment.now }

    init(result: StepResult, machine: StateMachine, environment: StepEnvironment) {
        self.result = result
        self.machine = machine
        self.environment = environment
    }

    mutating func handle(_ occurrence: Occurrence) {
        guard thread.status == .active, let state = machine.states[thread.state] else {
            if thread.status == .active {
                fail(StatesError(StatesError.runtime, "the state '\(thread.state)' is not in the machine"))
            }
            return
        }
        switch occurrence {
        case .enter:
            guard thread.step == .enter else { return }
            enter(state)
        case .timer:
            switch thread.step {
            case .retry: begin(state)
            case .wait: waited(state)
            case .task: timedOut(state, StatesError(StatesError.timeout, "The task ran longer than its TimeoutSeconds"))
            default: return
            }
        case .heartbeatMissed:
            guard thread.step == .task else { return }
            timedOut(state, StatesError(StatesError.heartbeatTimeout, "The job did not change state for longer than the task's HeartbeatSeconds"))
        case .jobEnded(let end):
            guard thread.step == .task, thread.jobId == end.jobId else { return }
            jobEnded(state, end)
        case .childEnded(let child, let error, let lastEvent):
            // (A child of an earlier try of the state, or of a state left since, is no longer waited for.)
            guard thread.step == .children, let first = thread.memo.firstChild, child >= first, child < first + thread.memo.children else {
                return
            }
            childEnded(state, slot: child - first, error: error, lastEvent: lastEvent)
        case .childrenDone(let outputs):
            guard thread.step == .children else { return }
            childrenDone(state, outputs)
        }
        continueOn()
    }

    /// Enters the states a thread moved on to, until one waits or ``Interpreter/transitionsPerStep`` have passed.
    mutating func continueOn() {
        while thread.status == .active, thread.step == .enter, let state = machine.states[thread.state] {
            if transitions >= Interpreter.transitionsPerStep {
                result.continues = true
                return
            }
            enter(state)
        }
        if thread.status == .active, thread.step == .enter {
            fail(StatesError(StatesError.runtime, "the state '\(thread.state)' is not in the machine"))
        }
    }

    // MARK: - Entering and leaving states

    mutating func enter(_ state: WorkflowState) {
        transitions += 1
        record(HistoryEvent.entered(state, input: thread.input))
        thread.memo = ThreadMemo()
        thread.memo.enteredAt = now
        thread.memo.retries = Array(repeating: 0, count: state.retry.count)
        begin(state)
    }

    /// The context object at the thread's state.
    func context(_ item: (index: Int, value: JSONValue)? = nil) -> JSONValue {
        let key = ContextCache.Key(state: thread.state, enteredAt: thread.memo.enteredAt, retryCount: thread.memo.retryCount)
        if item == nil, let cached = contexts.value, contexts.key == key { return cached }
        let context = environment.execution.context(state: thread.state, enteredAt: thread.memo.enteredAt, retryCount: thread.memo.retryCount, item: item)
        if item == nil {
            contexts.key = key
            contexts.value = context
        }
        return context
    }

    /// The state's effective input: `InputPath` over the raw input.
    func effectiveInput(_ state: WorkflowState) throws(StatesError) -> JSONValue {
        try DataFlow.select(thread.input, path: state.inputPath, context: context())
    }

    /// Does the state's work (again, when retried).
    mutating func begin(_ state: WorkflowState) {
        thread.wakeAt = nil
        do throws(StatesError) {
            switch state.kind {
            case .pass(let fixed):
                let effective = try effectiveInput(state)
                var value = effective
                if let parameters = state.parameters { value = try PayloadTemplate.evaluate(parameters, input: effective, context: context()) }
                try finish(state, result: fixed ?? value)
            case .task(let task):
                try submit(state, task)
            case .choice(let choices, let defaultState):
                let effective = try effectiveInput(state)
                var next = defaultState
                for choice in choices {
                    if try choice.rule.matches(effective, context: context()) {
                        next = choice.next
                        break
                    }
                }
                guard let next else {
                    throw StatesError(StatesError.noChoiceMatched, "No Choice Rules matched the input of '\(state.name)' and it has no Default")
                }
                let output = try DataFlow.select(effective, path: state.outputPath, context: context())
                try exited(state, output: output)
                moveOn(to: next, input: output)
            case .wait(let wait):
                try startWaiting(state, wait)
            case .succeed:
                let output = try DataFlow.select(try effectiveInput(state), path: state.outputPath, context: context())
                try exited(state, output: output)
                succeed(output)
            case .fail(let spec):
                fail(try failure(spec))
            case .parallel(let branches):
                try startBranches(state, branches)
            case .map(let map):
                try startItems(state, map)
            }
        } catch {
            failed(state, error)
        }
    }

    /// A task's, `Parallel`'s or `Map`'s result (a `Pass` state's too) goes through `ResultSelector`, `ResultPath`
    /// and `OutputPath`; the state is left for the next.
    mutating func finish(_ state: WorkflowState, result raw: JSONValue) throws(StatesError) {
        var value = raw
        if let selector = state.resultSelector { value = try PayloadTemplate.evaluate(selector, input: raw, context: context()) }
        let placed = try DataFlow.place(value, into: thread.input, at: state.resultPath)
        let output = try DataFlow.select(placed, path: state.outputPath, context: context())
        try exited(state, output: output)
        leave(state, output: output)
    }

    /// Leaves `state` with `output` by its `Next` or `End`.
    mutating func leave(_ state: WorkflowState, output: JSONValue) {
        switch state.transition {
        case .next(let next): moveOn(to: next, input: output)
        case .end, .none: succeed(output)
        }
    }

    /// Records that `state` was left with `output`; a value nested deeper than ``Interpreter/maxDepth`` is
    /// `States.DataLimitExceeded` (JSON that deep can neither be stored nor read back).
    mutating func exited(_ state: WorkflowState, output: JSONValue) throws(StatesError) {
        if output.nests(deeperThan: Interpreter.maxDepth) {
            throw StatesError(StatesError.dataLimitExceeded,
                              "The output of '\(state.name)' nests more than \(Interpreter.maxDepth) arrays and objects deep")
        }
        record(HistoryEvent.exited(state, output: output))
    }

    mutating func moveOn(to next: String, input: JSONValue) {
        thread.state = next
        thread.input = input
        thread.step = .enter
        thread.wakeAt = nil
        thread.jobId = nil
    }

    mutating func succeed(_ output: JSONValue) {
        thread.status = .succeeded
        thread.step = .done
        thread.output = output
        thread.wakeAt = nil
        thread.jobId = nil
    }

    /// The thread fails with `error`: its parent, or the execution, deals with it.
    mutating func fail(_ error: StatesError) {
        thread.status = .failed
        thread.step = .done
        thread.error = error
        thread.wakeAt = nil
        thread.jobId = nil
    }

    mutating func record(_ event: HistoryEvent) {
        result.events.append(event)
    }

    /// A `Fail` state's error and cause.
    func failure(_ spec: FailSpec) throws(StatesError) -> StatesError {
        var error = spec.error ?? ""
        var cause = spec.cause ?? ""
        if let path = spec.errorPath { error = try text(of: path) }
        if let path = spec.causePath { cause = try text(of: path) }
        return StatesError(error, cause)
    }

    /// The string a `Fail` state's `ErrorPath` or `CausePath` gives (a path, or an intrinsic function).
    func text(of path: String) throws(StatesError) -> String {
        let template: JSONValue = ["value.$": .string(path)]
        let value = try PayloadTemplate.evaluate(template, input: thread.input, context: context())
        guard let text = value["value"]?.string else {
            throw StatesError(StatesError.runtime, "The path '\(path)' must give a string")
        }
        return text
    }

    // MARK: - Wait

    mutating func startWaiting(_ state: WorkflowState, _ wait: WaitSpec) throws(StatesError) {
        let effective = try effectiveInput(state)
        var until: EpochMillis
        switch wait {
        case .seconds(let seconds):
            until = now + EpochMillis(seconds) * 1000
        case .timestamp(let text):
            until = try Self.timestamp(text, field: "Timestamp")
        case .secondsPath(let path):
            let value = try JSONPath.value(of: path, in: effective, context: context())
            guard let seconds = Self.wholeNumber(value), seconds >= 0 else {
                throw StatesError(StatesError.runtime, "The SecondsPath '\(path)' must give a number of seconds of 0 or more (got \(value.document))")
            }
            until = now + EpochMillis(seconds) * 1000
        case .timestampPath(let path):
            let value = try JSONPath.value(of: path, in: effective, context: context())
            guard let text = value.string else {
                throw StatesError(StatesError.runtime, "The TimestampPath '\(path)' must give a timestamp (got \(value.document))")
            }
            until = try Self.timestamp(text, field: "TimestampPath")
        }
        thread.step = .wait
        thread.wakeAt = max(until, now)
    }

    mutating func waited(_ state: WorkflowState) {
        do {
            let output = try DataFlow.select(try effectiveInput(state), path: state.outputPath, context: context())
            try exited(state, output: output)
            leave(state, output: output)
        } catch {
            failed(state, error)
        }
    }

    static func timestamp(_ text: String, field: String) throws(StatesError) -> EpochMillis {
        guard let millis = Timestamp.millis(text) else {
            throw StatesError(StatesError.runtime, "The \(field) '\(text)' is not an RFC 3339 timestamp")
        }
        return millis
    }

    /// A JSON number that is a whole number, as an integer.
    static func wholeNumber(_ value: JSONValue) -> Int? {
        switch value {
        case .integer(let whole): return whole
        case .number(let number) where number.rounded() == number && abs(number) < 1e15: return Int(number)
        default: return nil
        }
    }
}

/// The context object a step last built, and what it was built for.
final class ContextCache {
    struct Key: Equatable {
        var state: String
        var enteredAt: EpochMillis
        var retryCount: Int
    }

    var key: Key?
    var value: JSONValue?
}

extension JSONValue {
    /// Whether arrays and objects nest more than `levels` deep in the value (a scalar: 0, `[]`: 1, `[[1]]`: 2).
    public func nests(deeperThan levels: Int) -> Bool {
        switch self {
        case .array(let items): levels < 1 || items.contains { $0.nests(deeperThan: levels - 1) }
        case .object(let members): levels < 1 || members.values.contains { $0.nests(deeperThan: levels - 1) }
        default: false
        }
    }
}
