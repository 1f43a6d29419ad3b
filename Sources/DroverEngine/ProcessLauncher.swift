import CDroverSpawn
import DroverCore
import Foundation

/// How a process ended.
public struct ProcessExit: Sendable {
    /// Job id.
    public var jobId: String
    /// Attempt number.
    public var attempt: Int
    /// Exit code when it exited normally.
    public var exitCode: Int32?
    /// Signal number when a signal killed it.
    public var signal: Int32?
    /// Set when the process could not be started: the errno text.
    public var launchError: String?
}

/// Starts job commands as local processes in their own process groups and reports their exits.
public struct ProcessLauncher: Sendable {
    /// Where exits are delivered.
    let inbox: Inbox
    let watcher: ExitWatcher

    /// Creates a launcher that reports to `inbox`.
    init(inbox: Inbox) {
        self.inbox = inbox
        self.watcher = ExitWatcher(inbox: inbox)
    }

    /// Starts `command`; on success a background thread waits for it and posts its exit to the inbox.
    /// - Returns: the pid, or nil when the command could not be started (the failure is posted too).
    public func launch(jobId: String, attempt: Int, command: [String], environment: [String], logPath: String) -> Int32? {
        var spawned: pid_t = 0
        let rc = withCStrings(command) { argv in
            withCStrings(environment) { envp in
                drover_spawn(argv, envp, logPath, &spawned)
            }
        }
        guard rc == 0 else {
            let text = String(cString: strerror(rc))
            inbox.post(ProcessExit(jobId: jobId, attempt: attempt, exitCode: nil, signal: nil,
                                   launchError: "cannot run '\(command.first ?? "")': \(text)"))
            return nil
        }
        watcher.watch(ExitWatcher.Watch(pid: spawned, jobId: jobId, attempt: attempt, logPath: logPath))
        return spawned
    }

    /// Deletes a log file that received no output, to keep large arrays' state directories small.
    static func removeIfEmpty(_ path: String) {
        var info = stat()
        if stat(path, &info) == 0, info.st_size == 0 { unlink(path) }
    }

    /// Sends `signal` to the process group led by `pid`.
    public static func signalGroup(_ pid: Int32, _ signal: Int32) {
        if kill(-pid, signal) != 0 { kill(pid, signal) }
    }
}

extension ProcessExit {
    init(jobId: String, attempt: Int) {
        self.init(jobId: jobId, attempt: attempt, exitCode: nil, signal: nil, launchError: nil)
    }
}

/// Calls `body` with a NULL-terminated C array of copies of `strings`.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// Names of the signals a job is usually stopped by.
enum SignalName {
    static func of(_ signal: Int32) -> String {
        switch signal {
        case SIGHUP: return "SIGHUP"
        case SIGINT: return "SIGINT"
        case SIGQUIT: return "SIGQUIT"
        case SIGILL: return "SIGILL"
        case SIGABRT: return "SIGABRT"
        case SIGBUS: return "SIGBUS"
        case SIGFPE: return "SIGFPE"
        case SIGKILL: return "SIGKILL"
        case SIGSEGV: return "SIGSEGV"
        case SIGPIPE: return "SIGPIPE"
        case SIGALRM: return "SIGALRM"
        case SIGTERM: return "SIGTERM"
        case SIGUSR1: return "SIGUSR1"
        case SIGUSR2: return "SIGUSR2"
        default: return "signal \(signal)"
        }
    }
}
