import DroverCore
import Foundation

/// The lock that makes one engine at a time run jobs from a state directory.
///
/// Other `drover` commands (submit, jobs, cancel...) never need it; `drover run` without the lock
/// submits and watches while the engine that holds it does the work.
public final class EngineLock {
    let descriptor: Int32

    /// Takes the lock, or returns nil when another live engine holds it.
    public init?(directory: URL) throws(DroverError) {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = Self.lockPath(in: directory)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DroverError("cannot open \(path): \(String(cString: strerror(errno)))", exitCode: 1) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        ftruncate(fd, 0)
        let text = "\(getpid())\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// The lock file of a state directory.
    static func lockPath(in directory: URL) -> String {
        directory.appendingPathComponent("engine.lock").path
    }

    /// Marks the engine alive: sets the lock file's modification time to now (see ``status(directory:)``).
    public func beat() {
        futimens(descriptor, nil)
    }

    /// What `drover health` reports about the engine of a state directory.
    public struct Status: Sendable, Equatable {
        /// The engine's process id, as it wrote it into the lock file.
        public var pid: Int32?
        /// Seconds since the engine last marked itself alive.
        public var heartbeatAge: Double
    }

    /// The engine holding the lock of `directory`, or nil when none does.
    public static func status(directory: URL) -> Status? {
        guard isHeld(directory: directory) else { return nil }
        let path = lockPath(in: directory)
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let pid = Int32(text.split(separator: "\n").first.map(String.init) ?? "")
        return Status(pid: pid, heartbeatAge: max(0, Date().timeIntervalSince1970 - modified))
    }

    /// Whether some engine holds the lock of `directory` right now.
    public static func isHeld(directory: URL) -> Bool {
        let path = lockPath(in: directory)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return true
    }
}
