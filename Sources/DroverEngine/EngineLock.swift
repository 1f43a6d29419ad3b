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
        let path = directory.appendingPathComponent("engine.lock").path
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

    /// Whether some engine holds the lock of `directory` right now.
    public static func isHeld(directory: URL) -> Bool {
        let path = directory.appendingPathComponent("engine.lock").path
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
