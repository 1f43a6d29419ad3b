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

/// What happened to a process the engine asked for.
public enum ProcessEvent: Sendable {
    /// The process is running.
    case started(jobId: String, attempt: Int, pid: Int32, at: EpochMillis)
    /// The process ended, or could not be started.
    case exited(ProcessExit)
}

/// Starts job commands as local processes in their own process groups and reports what happens
/// to them through the inbox.
public struct ProcessLauncher: Sendable {
    let workers: ProcessWorkers

    /// Creates a launcher that reports to `inbox`.
    init(inbox: Inbox) {
        self.workers = ProcessWorkers(inbox: inbox)
    }

    /// Starts `command` on a worker thread; `started` (with the pid) and `exited` events follow.
    public func launch(jobId: String, attempt: Int, executable: String?, command: [String], environment: [String], logPath: String) {
        workers.launch(ProcessWorkers.Launch(jobId: jobId, attempt: attempt, executable: executable, command: command,
                                             environment: environment, logPath: logPath))
    }

    /// The first executable file named `name` in `searchPath` (a PATH value); nil when there is
    /// none or `name` holds a slash (then it is used as given).
    public static func resolve(_ name: String, searchPath: String) -> String? {
        guard !name.contains("/"), !name.isEmpty else { return nil }
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            var info = stat()
            if stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    /// The path of the running executable.
    public static let ownExecutable: String? = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
    }()

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
