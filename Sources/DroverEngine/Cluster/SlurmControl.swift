import DroverCore
import Foundation

/// The operations ``SlurmExecutor`` needs from one Slurm cluster, whatever reaches it: the client commands on PATH
/// (``SlurmCommandControl``) or a slurmrestd (``SlurmRestControl``). Every call runs on the executor's own thread
/// and may block (for at most a time limit of its own).
protocol SlurmControl: AnyObject {
    /// What reaches the cluster, for messages: `the Slurm commands on PATH`, `slurmrestd http://...`.
    var name: String { get }

    /// Submits `submission` (its arguments, comment and batch script): Slurm's job id, or why not.
    func submit(_ submission: SlurmSubmission) -> SlurmSubmitResult

    /// This state directory's tasks (those whose comment starts with `commentPrefix`), every state, with their wait
    /// statuses; or why Slurm could not be asked.
    func tasks(commentPrefix: String) -> Result<[SlurmTask], SlurmControlError>

    /// The tasks of the Slurm jobs `jobs` (array or plain job ids) with `commentPrefix`, enough for a verdict on each
    /// (wait statuses where one matters), in any order and possibly more than once; or why Slurm could not be asked
    /// (then nothing is decided).
    func liveTasks(jobs: [String], commentPrefix: String) -> Result<[SlurmTask], SlurmControlError>

    /// Sends `signal` to the tasks `ids` (`ARRAYID_INDEX` or job ids) and every process of theirs; with no signal,
    /// cancels them (a queued task leaves the queue).
    func cancel(_ ids: [String], signal: Int32?)

    /// The cluster's `MaxArraySize` (array indices must be below it); Slurm's default, 1001, when it cannot be read.
    func maxArraySize() -> Int

    /// The nodes of `partition` and their states.
    func partitionNodes(_ partition: String) -> Result<SlurmPartitionNodes, DroverError>
}

/// What a submission came to.
enum SlurmSubmitResult: Equatable {
    /// Slurm took it, as job `id` (the array's id for an array).
    case submitted(Int)
    /// Slurm did not take it, or could not be reached (`unreachable`: the submission may have been made all the same).
    case failed(message: String, unreachable: Bool)
    /// It could not be made, and may be tried again later (a batch script that could not be written).
    case notMade(String)
}

/// Why a Slurm cluster could not be asked.
struct SlurmControlError: Error, Equatable {
    /// What happened, in one line.
    var message: String
    /// Whether asking again may help (an unreachable or unanswering controller), rather than a refusal that will
    /// stay (a token refused).
    var transient = true
}

extension SlurmControl {
    /// The Slurm job `id` of a submission whose request may have been lost, found by the token of its comment:
    /// found, known to be absent, or unknown while Slurm cannot say.
    func findSubmission(token: String, commentPrefix: String) -> SlurmExecutor.Lookup {
        guard case .success(let tasks) = self.tasks(commentPrefix: commentPrefix) else { return .unknown }
        return tasks.first { SlurmComment($0.comment)?.token == token }.map { .found($0.arrayJobId ?? $0.jobId) } ?? .absent
    }
}
