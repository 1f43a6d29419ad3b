/// The job state machine, stated once: every change of a job's status, the states it may leave
/// and the states it may reach. The store applies these (each of its status updates names its
/// transition, and its `WHERE` clause is the transition's `from`); nothing else decides them.
///
/// ```
/// SUBMITTED → PENDING → RUNNABLE → STARTING → RUNNING → SUCCEEDED | FAILED
///               │ ↘ FAILED (dependency)  ↖──── retry / requeue ────┘
///               └─ held on a cluster ─→ STARTING (released) | RUNNING (the cluster started it)
/// ```
public enum JobTransition: String, CaseIterable, Sendable {
    /// Its dependencies are met: PENDING → RUNNABLE, or STARTING when an attempt was handed over ahead of them.
    case release
    /// Handed to a cluster ahead of its dependencies, which the cluster waits on (a Slurm `--dependency`): PENDING →
    /// PENDING with its next attempt held there. Its release then goes to STARTING and its start (the cluster found the
    /// dependencies met first) to RUNNING; a held attempt that ends before it starts, or whose job fails or is
    /// cancelled, leaves no trace: not counted, no attempt recorded.
    case handOver
    /// A job it depends on failed: PENDING → FAILED with `Dependent Job failed`.
    case dependencyFailed
    /// Placed on a compute environment: RUNNABLE → STARTING (RUNNING when its process is already
    /// known to run). The claim is written before the process starts.
    case claim
    /// Its process started: STARTING → RUNNING.
    case start
    /// An attempt ended and the retry rules decided: STARTING/RUNNING → SUCCEEDED, FAILED, or
    /// RUNNABLE for another attempt.
    case finish
    /// The engine itself stopped the attempt (shutdown, a start that failed for the machine's
    /// sake): STARTING/RUNNING → RUNNABLE, the attempt not counted.
    case requeue
    /// `CancelJob` (or `TerminateJob` before the job was placed): SUBMITTED/PENDING/RUNNABLE → FAILED.
    case cancel
    /// An array parent, once every child is done: PENDING → SUCCEEDED or FAILED.
    case arrayFinished
    /// `drover retry-failed`: a failed child of a finished array runs again, with a fresh retry budget, its earlier
    /// attempts kept: FAILED → PENDING (its dependencies decide at once), and its parent FAILED → PENDING. The one
    /// change a finished job may see, and only when a user asks.
    case rerun

    /// The states a job may be in for this transition to apply.
    public var from: Set<JobStatus> {
        switch self {
        case .release, .dependencyFailed, .arrayFinished, .handOver: [.pending]
        case .claim: [.runnable]
        case .start: [.starting, .pending]
        case .finish, .requeue: [.starting, .running]
        case .cancel: [.submitted, .pending, .runnable]
        case .rerun: [.failed]
        }
    }

    /// The states a job may reach by it.
    public var to: Set<JobStatus> {
        switch self {
        case .release: [.runnable, .starting]
        case .handOver: [.pending]
        case .dependencyFailed, .cancel: [.failed]
        case .claim: [.starting, .running]
        case .start: [.running]
        case .finish: [.succeeded, .failed, .runnable]
        case .requeue: [.runnable]
        case .arrayFinished: [.succeeded, .failed]
        case .rerun: [.pending]
        }
    }

    /// Whether this transition may move a job from `status` to `next`.
    public func allows(from status: JobStatus, to next: JobStatus) -> Bool {
        from.contains(status) && to.contains(next)
    }

    /// The transitions that may move a job from `status` to `next` (none: the change is not allowed).
    public static func between(_ status: JobStatus, _ next: JobStatus) -> [JobTransition] {
        allCases.filter { $0.allows(from: status, to: next) }
    }
}

extension JobStatus {
    /// States in which a process exists or is being started for the job (STARTING, RUNNING).
    public static let active: Set<JobStatus> = JobTransition.finish.from
    /// States a job waits in before it is placed.
    public static let waiting: Set<JobStatus> = JobTransition.cancel.from
}
