/// One line of work of an execution: the top level, a `Parallel` branch, or one item of a `Map`. It is at one state of
/// its machine at a time; the store keeps it, so an execution continues where it was after the engine stops.
public struct WorkflowThread: Sendable, Equatable {
    /// Where a thread is in its life.
    public enum Status: String, Sendable, Codable {
        /// A `Map` item beyond `MaxConcurrency`, not started yet.
        case waiting = "WAITING"
        case active = "ACTIVE"
        case succeeded = "SUCCEEDED"
        case failed = "FAILED"
        case aborted = "ABORTED"
    }

    /// What an active thread waits for at its state.
    public enum Step: String, Sendable, Codable {
        /// To enter its state (just created, or moved on to the next state).
        case enter
        /// A task's batch job to end, or its timeout.
        case task
        /// The delay before a retry.
        case retry
        /// A `Wait` state's time.
        case wait
        /// The branches or items of a `Parallel` or `Map` state.
        case children
        /// Nothing: the thread has ended.
        case done
    }

    /// The execution's number in the store.
    public var execution: Int64
    /// The thread's number in its execution (0: the top level).
    public var id: Int
    /// The thread whose `Parallel` or `Map` state started this one (nil at the top level).
    public var parent: Int?
    /// The branch or item index in the parent's state.
    public var slot: Int
    /// The machine the thread runs, inside the definition.
    public var path: MachinePath
    public var status: Status
    /// The state it is at.
    public var state: String
    public var step: Step
    /// The state's raw input.
    public var input: JSONValue
    /// What the state has done so far.
    public var memo: ThreadMemo
    /// When the thread next needs to act (a retry's delay, a `Wait`, a task's timeout), epoch milliseconds.
    public var wakeAt: EpochMillis?
    /// The batch job a task waits for.
    public var jobId: String?
    /// The thread's output, once it succeeded.
    public var output: JSONValue?
    /// The thread's error, once it failed.
    public var error: StatesError?
    /// The id of the last history event this thread recorded (the next one's `previousEventId`).
    public var lastEvent: Int

    /// Creates a thread about to enter `state` with `input`.
    public init(execution: Int64, id: Int, parent: Int?, slot: Int, path: MachinePath, status: Status = .active, state: String,
                input: JSONValue, lastEvent: Int) {
        self.execution = execution
        self.id = id
        self.parent = parent
        self.slot = slot
        self.path = path
        self.status = status
        self.state = state
        self.step = .enter
        self.input = input
        self.memo = ThreadMemo()
        self.lastEvent = lastEvent
    }

    /// True once the thread has ended one way or another.
    public var hasEnded: Bool { status == .succeeded || status == .failed || status == .aborted }
}

/// What a thread's current state has done so far: kept with the thread.
public struct ThreadMemo: Sendable, Equatable, Codable {
    /// When the state was entered (`$$.State.EnteredTime`).
    public var enteredAt: EpochMillis = 0
    /// Retries made by each retrier of the state.
    public var retries: [Int] = []
    /// A task's timeout and heartbeat limits in seconds, once read.
    public var timeoutSeconds: Int?
    public var heartbeatSeconds: Int?
    /// When the running try started (a task's timeout counts from there).
    public var triedAt: EpochMillis?
    /// The first child thread's id; children have consecutive ids, in slot order.
    public var firstChild: Int?
    /// Children in all.
    public var children = 0
    /// Children started so far (a `Map` starts at most `MaxConcurrency` at once).
    public var started = 0
    /// Children not ended yet among those started.
    public var open = 0
    /// How many children may run at once (0: all).
    public var limit = 0

    public init() {}

    /// Retries made so far, all retriers together (`$$.State.RetryCount`).
    public var retryCount: Int { retries.reduce(0, +) }
}
