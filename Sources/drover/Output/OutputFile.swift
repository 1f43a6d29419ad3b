import DroverCore
import Foundation
import Synchronization

/// A file descriptor drover writes output to (standard output, standard error, a report file), with every
/// write(2) checked.
///
/// A failed write throws a ``DroverError`` that names the output and the reason: a closed pipe
/// (SIGPIPE is ignored, so it is EPIPE), a full disk. The first failure is also remembered and every later
/// write throws it again, so output written where an error cannot be thrown (a progress line from a
/// background thread) still fails the command at its end (``checkStandardStreams()``).
final class OutputFile: Sendable {
    /// Standard output.
    static let standardOutput = OutputFile(descriptor: STDOUT_FILENO, name: "standard output")
    /// Standard error.
    static let standardError = OutputFile(descriptor: STDERR_FILENO, name: "standard error")

    /// The descriptor written to.
    let descriptor: Int32
    /// What error messages call it: `standard output`, `--report out/report.jsonl`.
    let name: String
    private let failure = Mutex<DroverError?>(nil)

    /// Wraps an open descriptor; the caller keeps ownership (see ``close()``).
    init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
    }

    /// Writes all of `text` as UTF-8.
    func write(_ text: String) throws(DroverError) {
        let code = Array(text.utf8).withUnsafeBytes { writeAll($0) }
        if let code { throw failed(code) }
    }

    /// Writes all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws(DroverError) {
        if let code = writeAll(bytes) { throw failed(code) }
    }

    /// The first failed write, if any.
    var error: DroverError? { failure.withLock { $0 } }

    /// Closes the descriptor, reporting a failed write or close (on some file systems a full disk shows only there).
    func close() throws(DroverError) {
        let result = Foundation.close(descriptor)
        if let error { throw error }
        if result != 0 { throw failed(errno) }
    }

    /// Throws the first failed write to standard output or standard error, and checks what went through stdio.
    static func checkStandardStreams() throws(DroverError) {
        if let error = standardOutput.error ?? standardError.error { throw error }
        if fflush(nil) != 0 { throw standardOutput.failed(errno) }
    }

    /// write(2) until every byte is out: nil, or the errno of the failure (EINTR is retried; a non-blocking
    /// descriptor that is full is waited for).
    private func writeAll(_ bytes: UnsafeRawBufferPointer) -> Int32? {
        if error != nil { return 0 }
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {
                    var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&ready, 1, -1)
                    continue
                }
                return errno
            }
            offset += written
        }
        return nil
    }

    /// Records (once) and returns the error for `code`: 0 repeats the recorded one.
    private func failed(_ code: Int32) -> DroverError {
        failure.withLock { recorded in
            if let recorded { return recorded }
            let reason = code == EPIPE ? "\(name) closed (broken pipe)" : "\(name): \(String(cString: strerror(code)))"
            let error = DroverError(reason, exitCode: 1)
            recorded = error
            return error
        }
    }
}
