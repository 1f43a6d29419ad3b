import DroverCore
import Foundation

/// The lock that makes one engine at a time run jobs from a state directory.
///
/// The lock is a `flock` on the state directory itself, which no one can delete from under a running engine
/// (a lock on a file would be lost with the file). Beside it, `engine.lock` holds the engine's pid and its
/// modification time is the engine's heartbeat (``beat()``), which `drover health` reads; a deleted
/// `engine.lock` is written again at the next beat.
///
/// Other `drover` commands (submit, jobs, cancel...) never need it; `drover run` without the lock
/// submits and watches while the engine that holds it does the work.
public final class EngineLock: Sendable {
    let descriptor: Int32
    let heartbeatPath: String

    /// Takes the lock, or returns nil when another live engine holds it.
    public init?(directory: URL) throws(DroverError) {
        let fd = try Self.openDirectory(directory)
        // A short retry: `isHeld` in another command takes the lock shared for an instant.
        var tries = 0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            tries += 1
            guard errno == EWOULDBLOCK || errno == EINTR, tries < 5 else {
                close(fd)
                return nil
            }
            usleep(20_000)
        }
        descriptor = fd
        heartbeatPath = Self.lockPath(in: directory)
        let file = open(heartbeatPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if file >= 0 { close(file) }
        beat()
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// The heartbeat file of a state directory.
    static func lockPath(in directory: URL) -> String {
        directory.appendingPathComponent("engine.lock").path
    }

    /// The state directory, opened for `flock`.
    static func openDirectory(_ directory: URL) throws(DroverError) -> Int32 {
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw DroverError("cannot open the state directory \(directory.path): \(String(cString: strerror(errno)))", exitCode: 1)
        }
        return fd
    }

    /// Marks the engine alive: writes its pid into `engine.lock` (again, if the file was deleted) and sets the
    /// file's modification time to now (see ``status(directory:)``).
    public func beat() {
        let file = open(heartbeatPath, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard file >= 0 else { return }
        defer { close(file) }
        let text = "\(getpid())\n"
        _ = text.withCString { pwrite(file, $0, strlen($0), 0) }
        futimens(file, nil)
    }

    /// What `drover health` reports about the engine of a state directory.
    public struct Status: Sendable, Equatable {
        /// The engine's process id, as it wrote it into the lock file.
        public var pid: Int32?
        /// Seconds since the engine last marked itself alive.
        public var heartbeatAge: Double
    }

    /// The engine holding the lock of `directory`, or nil when none does (or it has not yet written its
    /// heartbeat again after `engine.lock` was deleted).
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
        guard let fd = try? openDirectory(directory) else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return true
    }
}
