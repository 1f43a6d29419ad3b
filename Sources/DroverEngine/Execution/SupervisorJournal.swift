import DroverCore
import Foundation

/// What a job supervisor wrote down in its journal (`run/supervisor-PID.journal`): the attempts it
/// started, how they ended and which ends an engine has recorded. Read when the supervisor is gone.
struct SupervisorJournal {
    /// The supervisor's cgroup folder, when it used cgroups.
    var cgroupBase: String?
    /// Attempts it started, with pid and cgroup name.
    var started: [AttemptKey: (pid: Int32, cgroup: String?)] = [:]
    /// Attempts that ended and were not acknowledged.
    var exits: [AttemptKey: ProcessExit] = [:]

    /// Attempts started and never seen to end: the supervisor died with them.
    var unfinished: [AttemptKey] { started.keys.filter { exits[$0] == nil && !acknowledged.contains($0) } }
    private var acknowledged: Set<AttemptKey> = []

    /// Reads `path`; a missing or unreadable journal is empty.
    init(path: String) {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        for line in data.split(separator: UInt8(ascii: "\n")) {
            let fields = String(decoding: line, as: UTF8.self).split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard let kind = fields.first else { continue }
            switch (kind, fields.count) {
            case ("C", 2):
                cgroupBase = fields[1]
            case ("R", 6):
                guard let attempt = Int(fields[1]), let pid = Int32(fields[2]) else { continue }
                started[AttemptKey(jobId: fields[5], attempt: attempt)] = (pid, fields[4] == "-" ? nil : fields[4])
            case ("X", 6):
                guard let attempt = Int(fields[1]), let status = Int32(fields[2]) else { continue }
                let key = AttemptKey(jobId: fields[5], attempt: attempt)
                exits[key] = Self.exit(key: key, status: status, endedAt: Int64(fields[3]), cause: fields[4] == "-" ? "" : fields[4])
            case ("A", 3):
                guard let attempt = Int(fields[1]) else { continue }
                let key = AttemptKey(jobId: fields[2], attempt: attempt)
                acknowledged.insert(key)
                exits[key] = nil
            default:
                continue
            }
        }
    }

    /// An exit as the supervisor reports it: a raw wait status and a cause (see CDroverSpawn.h).
    static func exit(key: AttemptKey, status: Int32, endedAt: EpochMillis?, cause: String) -> ProcessExit {
        var exit = ProcessExit(key: key, waitStatus: status, endedAt: endedAt)
        let parts = cause.split(separator: ":", maxSplits: 1).map(String.init)
        let code = parts.count > 1 ? Int32(parts[1]) ?? 0 : 0
        switch parts.first ?? "" {
        case "timeout":
            exit.timedOut = true
        case "supervisor":
            exit.lost = true
        case "unstarted":
            exit = ProcessExit(key: key, launchError: "stopped before it started", endedAt: endedAt)
            exit.neverStarted = true
        case "refused":
            exit = ProcessExit(key: key, launchError: "another copy of this job is still running", endedAt: endedAt)
            exit.transient = true
        case "log":
            exit = ProcessExit(key: key, launchError: "cannot open the log file: \(String(cString: strerror(code)))", endedAt: endedAt)
            exit.transient = true
        case "exec":
            exit = ProcessExit(key: key, launchError: String(cString: strerror(code)), endedAt: endedAt)
            exit.transient = ![ENOENT, EACCES, ENOEXEC, ENOTDIR, E2BIG, ELOOP, ENAMETOOLONG, EPERM, EISDIR].contains(code)
        case "fork":
            exit = ProcessExit(key: key, launchError: "cannot start a process: \(String(cString: strerror(code)))", endedAt: endedAt)
            exit.transient = true
        default:
            break
        }
        return exit
    }
}
