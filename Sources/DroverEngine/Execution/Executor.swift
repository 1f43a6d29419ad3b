import DroverCore

/// One attempt of one job: what the engine and its executor agree on.
public struct AttemptKey: Hashable, Sendable {
    /// Job id (`PARENT:INDEX` for a child).
    public var jobId: String
    /// Attempt number, from 1.
    public var attempt: Int

    /// Creates a key.
    public init(jobId: String, attempt: Int) {
        self.jobId = jobId
        self.attempt = attempt
    }
}

/// An attempt to start. Its claim is already recorded in the store when the engine hands it over.
public struct AttemptLaunch: Sendable {
    /// The attempt.
    public var key: AttemptKey
    /// The program resolved from PATH, or nil to let the executor search the job's PATH.
    public var executable: String?
    /// The command line (`Ref::` already substituted).
    public var command: [String]
    /// `NAME=value` pairs, the job's identity first.
    public var environment: [String]
    /// Where the process runs.
    public var workingDirectory: String
    /// Where its standard output and error go.
    public var logPath: String
    /// `timeout.attemptDurationSeconds`: SIGTERM then, SIGKILL a grace period later.
    public var timeoutSeconds: Double?
    /// Seconds between SIGTERM and SIGKILL.
    public var graceSeconds: Double
    /// The local compute environment it runs on, whose room the executor shares out: attempts of
    /// one environment start in the order handed over while they fit. Nil: start at once.
    public var room: (name: String, capacity: ResourceNeed)?
    /// What the attempt holds of its environment.
    public var need: ResourceNeed
    /// Set when the attempt runs on a cluster rather than as a local process.
    public var cluster: ClusterLaunch?

    /// Creates a launch request.
    public init(key: AttemptKey, executable: String?, command: [String], environment: [String], workingDirectory: String,
                logPath: String, timeoutSeconds: Double?, graceSeconds: Double,
                room: (name: String, capacity: ResourceNeed)? = nil, need: ResourceNeed = ResourceNeed(vcpus: 0, memory: 0)) {
        self.room = room
        self.need = need
        self.key = key
        self.executable = executable
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.logPath = logPath
        self.timeoutSeconds = timeoutSeconds
        self.graceSeconds = graceSeconds
    }
}

/// How an attempt's process ended, as its executor saw it.
public struct ProcessExit: Sendable, Equatable {
    /// The attempt.
    public var key: AttemptKey
    /// Exit code when it exited normally.
    public var exitCode: Int32?
    /// Signal number when a signal killed it.
    public var signal: Int32?
    /// Set when the process could not be started: what went wrong.
    public var launchError: String?
    /// The failure to start was the machine's trouble (a full disk, no memory), not the job's: the
    /// attempt does not count and the job is started again later.
    public var transient = false
    /// The executor stopped it at its timeout.
    public var timedOut = false
    /// Its supervisor is gone and took the process with it: nobody knows how it would have ended.
    public var lost = false
    /// It was stopped before it started (it waited for room): nothing ran.
    public var neverStarted = false
    /// The cluster node it ran on was lost (failed, cut off, preempted): how the process would have ended is not known.
    public var hostLost: String?
    /// Its cluster killed it for holding more memory than it asked for.
    public var outOfMemory = false
    /// When it ended, when known.
    public var endedAt: EpochMillis?
    /// When it started, the node it ran on and the cluster's id of it, for a cluster task that ran (an engine that
    /// learns of its end on restart may not have recorded its start).
    public var startedAt: EpochMillis?
    public var host: String?
    public var clusterJob: String?

    /// Creates an exit record.
    public init(key: AttemptKey, exitCode: Int32? = nil, signal: Int32? = nil, launchError: String? = nil, endedAt: EpochMillis? = nil) {
        self.key = key
        self.exitCode = exitCode
        self.signal = signal
        self.launchError = launchError
        self.endedAt = endedAt
    }

    /// Decodes a raw `waitpid` status.
    public init(key: AttemptKey, waitStatus status: Int32, endedAt: EpochMillis?) {
        self.init(key: key, endedAt: endedAt)
        if status & 0x7f == 0 {
            exitCode = (status >> 8) & 0xff
        } else {
            signal = status & 0x7f
        }
    }
}

/// What happened to an attempt the engine handed to its executor.
public enum ProcessEvent: Sendable {
    /// The process is running: a local process with its id, or a cluster task on `host` with the cluster's id.
    case started(AttemptKey, pid: Int32?, at: EpochMillis, host: String? = nil, clusterJob: String? = nil)
    /// The process ended, or could not be started.
    case exited(ProcessExit)
    /// The executor lost contact with the part that runs processes (its supervisor died): the engine
    /// asks it what became of the attempts it held (``Executor/lost(_:)``).
    case connectionLost(Int32)
}

/// An attempt an executor still runs (or, on a cluster, still has queued) when an engine attaches.
public struct InheritedProcess: Sendable, Equatable {
    /// The local process id.
    public var pid: Int32?
    /// When it started running; nil while a cluster still has it queued.
    public var startedAt: EpochMillis?
    /// The cluster node it runs on.
    public var host: String?
    /// The cluster's id of it.
    public var clusterJob: String?

    /// Creates a record.
    public init(pid: Int32?, startedAt: EpochMillis?, host: String? = nil, clusterJob: String? = nil) {
        self.pid = pid
        self.startedAt = startedAt
        self.host = host
        self.clusterJob = clusterJob
    }
}

/// Attempts of earlier engines that an executor still knows of when an engine attaches.
public struct InheritedAttempts: Sendable {
    /// Still running (or queued on a cluster): the new engine adopts them.
    public var running: [AttemptKey: InheritedProcess] = [:]
    /// Ended while no engine recorded it (or before the record was acknowledged).
    public var exits: [AttemptKey: ProcessExit] = [:]

    /// Creates an empty set.
    public init() {}

    /// Adds what `other` holds.
    public mutating func merge(_ other: InheritedAttempts) {
        running.merge(other.running) { $1 }
        exits.merge(other.exits) { $1 }
    }
}

/// Runs attempts for the engine: local processes under a supervisor that outlives the engine today,
/// a cluster later. Called from the engine's thread only; events arrive through the ``Inbox``.
///
/// The engine hands an attempt over only once its claim is recorded, acknowledges each exit once
/// the store holds it, and on start adopts what the executor inherited from earlier engines.
public protocol Executor: AnyObject {
    /// Connects (starting what runs processes when needed) and reports the attempts that earlier
    /// engines left running or that ended unrecorded.
    func attach(inbox: Inbox) throws(DroverError) -> InheritedAttempts
    /// Starts an attempt, at once or (with an environment) when its environment has room;
    /// `started` and `exited` events follow. An attempt stopped before it started ends `neverStarted`.
    func launch(_ launch: AttemptLaunch)
    /// Sends `signal` to the attempt's processes; with `killAfter`, SIGKILL follows that many
    /// seconds later unless it has ended.
    func signal(_ key: AttemptKey, _ signal: Int32, killAfter: Double?)
    /// The store now holds these exits: the executor may forget them.
    func acknowledge(_ keys: [AttemptKey])
    /// Makes sure nothing of an attempt nobody supervises is still running (the engine and its
    /// supervisor both died): kills what is left of it.
    func reclaim(_ key: AttemptKey, pid: Int32?)
    /// After ``ProcessEvent/connectionLost(_:)``: how each attempt that was running there ended
    /// (from what was written down), or `lost`.
    func lost(_ connection: Int32) -> [ProcessExit]
    /// Lets go: running attempts go on without the engine.
    func detach()
    /// The launches handed over since the last call are complete: an executor that gathers them (a cluster submits
    /// an array's children together) sends them now.
    func flush()
}

extension Executor {
    public func flush() {}
}
