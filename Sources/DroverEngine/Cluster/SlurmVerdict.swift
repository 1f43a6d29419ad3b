import DroverCore
import Glibc

/// What a Slurm task's record means for its Drover attempt, decided from the record alone (tested from a table).
enum SlurmVerdict: Equatable {
    /// Still queued in Slurm: nothing to report.
    case waiting
    /// Running on `host` since `startedAt` (epoch ms).
    case running(host: String, startedAt: EpochMillis)
    /// Slurm requeued it (after a node failure, or an administrator's `scontrol requeue`): the attempt ended with its
    /// host lost, and Drover, not Slurm, decides whether it runs again, so the requeued task is cancelled.
    case requeued(host: String?)
    /// Ended.
    case ended(SlurmEnd)

    /// How an ended task ended, in the terms of ``ProcessExit``.
    struct SlurmEnd: Equatable {
        var exitCode: Int32?
        var signal: Int32?
        var hostLost: String?
        var launchError: String?
        var neverStarted = false
        var timedOut = false
        var outOfMemory = false
    }

    /// Decides from a task's record. `host` is the node the engine saw it run on, if it did.
    static func decide(_ task: SlurmTask, host knownHost: String? = nil) -> SlurmVerdict {
        let host = task.nodes.isEmpty ? knownHost : task.nodes
        let ran = host != nil && task.startTime > 0 && (!task.nodes.isEmpty || knownHost != nil)
        switch task.state {
        case "PENDING", "CONFIGURING", "REQUEUE_FED":
            // Queued again after it was seen running, or with a restart count: Slurm requeued it.
            return task.restarts > 0 || knownHost != nil ? .requeued(host: host) : .waiting
        case "REQUEUED", "REQUEUE_HOLD":
            return .requeued(host: host)
        case "RUNNING", "COMPLETING", "SUSPENDED", "STOPPED", "SIGNALING", "STAGE_OUT", "RESIZING":
            guard let host else { return .waiting }
            return .running(host: host, startedAt: task.startTime * 1000)
        case "NODE_FAIL", "PREEMPTED", "BOOT_FAIL":
            guard ran, let host else {
                return .ended(SlurmEnd(launchError: "Slurm could not start it (\(task.state), \(task.reason))"))
            }
            return .ended(SlurmEnd(hostLost: host))
        case "CANCELLED":
            guard ran else { return .ended(SlurmEnd(neverStarted: true)) }
            return .ended(status(task.waitStatus, default: SIGTERM))
        case "TIMEOUT":
            var end = status(task.waitStatus, default: SIGTERM)
            end.timedOut = true
            return .ended(end)
        case "OUT_OF_MEMORY":
            var end = SlurmEnd(signal: SIGKILL)
            end.outOfMemory = true
            return .ended(end)
        case "COMPLETED", "FAILED", "SPECIAL_EXIT":
            guard ran || task.waitStatus != nil else {
                return .ended(SlurmEnd(launchError: "Slurm could not start it (\(task.state), \(task.reason))"))
            }
            return .ended(status(task.waitStatus, default: nil))
        case "DEADLINE", "REVOKED":
            return .ended(SlurmEnd(launchError: "Slurm ended it before it ran (\(task.state))"))
        default:
            guard let host else { return .waiting }
            return .running(host: host, startedAt: task.startTime * 1000)
        }
    }

    /// An end from a wait status: an exit code, or the signal that killed it (`default` when there is neither).
    static func status(_ status: Int32?, default signal: Int32?) -> SlurmEnd {
        guard let status, status != 0 || signal == nil else { return SlurmEnd(signal: signal) }
        if status & 0x7f == 0 { return SlurmEnd(exitCode: (status >> 8) & 0xff) }
        return SlurmEnd(signal: status & 0x7f)
    }
}
