import CDroverSpawn
import DroverCore
import Foundation
import Synchronization

/// One connection from the engine to a job supervisor (see `supervisor.c`): frames out from the
/// engine's thread, frames in on a reader thread of its own that posts them to the inbox.
final class SupervisorConnection: Sendable {
    /// A decoded frame: its type and fields.
    struct Frame: Sendable {
        var type: UInt8
        var fields: [String]
    }

    /// The supervisor's process id.
    let pid: Int32
    let fd: Int32
    private let closing = Atomic<Bool>(false)
    private let readerDone = DispatchSemaphore(value: 0)
    private let reading = Atomic<Bool>(false)

    init(fd: Int32, pid: Int32) {
        self.fd = fd
        self.pid = pid
    }

    // MARK: - Sending

    /// Sends one frame; a supervisor that is gone is noticed by the reader.
    func send(_ type: UInt8, _ fields: [String]) {
        var payload: [UInt8] = [type]
        for field in fields {
            payload.append(contentsOf: field.utf8.filter { $0 != 0 })
            payload.append(0)
        }
        var frame = withUnsafeBytes(of: UInt32(payload.count).littleEndian) { Array($0) }
        frame += payload
        frame.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let sent = Glibc.send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += sent
            }
        }
    }

    // MARK: - Receiving

    /// Reads frames until `until` returns true for one (that frame included), or `timeout` passes.
    /// Used before the reader thread starts, for the hello exchange.
    func receive(timeout: Double, until: (Frame) -> Bool) throws(DroverError) -> [Frame] {
        var buffer: [UInt8] = []
        var frames: [Frame] = []
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            var offset = 0
            while let frame = Self.frame(in: buffer, at: &offset) {
                frames.append(frame)
                if until(frame) { return frames }
            }
            buffer.removeFirst(offset)
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw DroverError("the job supervisor (pid \(pid)) did not answer within \(Int(timeout)) s", exitCode: 1) }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, 1) * 1000))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            guard readAvailable(into: &buffer) else {
                throw DroverError("the job supervisor (pid \(pid)) closed its connection", exitCode: 1)
            }
        }
    }

    /// Starts the reader thread: every frame goes to `handle`; at the end (the supervisor died, or
    /// ``close()``) `ended` runs unless the engine closed the connection itself.
    func startReading(handle: @escaping @Sendable (Frame) -> Void, ended: @escaping @Sendable () -> Void) {
        reading.store(true, ordering: .relaxed)
        Thread.detachNewThread { [self] in
            var buffer: [UInt8] = []
            while readAvailable(into: &buffer) {
                var offset = 0
                while let frame = Self.frame(in: buffer, at: &offset) { handle(frame) }
                buffer.removeFirst(offset)
            }
            if !closing.load(ordering: .relaxed) { ended() }
            readerDone.signal()
        }
    }

    /// Closes the connection and waits for the reader thread to end.
    func close() {
        closing.store(true, ordering: .relaxed)
        shutdown(fd, Int32(SHUT_RDWR))
        if reading.load(ordering: .relaxed) { readerDone.wait() }
        Glibc.close(fd)
    }

    /// Appends what can be read now (blocking until something comes); false at the end.
    private func readAvailable(into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
    }

    /// Decodes the whole frame that starts at `offset` in `buffer` and moves `offset` past it.
    static func frame(in buffer: [UInt8], at offset: inout Int) -> Frame? {
        guard buffer.count - offset >= 4 else { return nil }
        let size = (0..<4).reduce(0) { $0 | Int(buffer[offset + $1]) << (8 * $1) }
        guard buffer.count - offset >= 4 + size else { return nil }
        defer { offset += 4 + size }
        guard size >= 1 else { return Frame(type: 0, fields: []) }
        let payload = buffer[(offset + 5)..<(offset + 4 + size)]
        var fields = payload.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if fields.last == "" { fields.removeLast() }
        return Frame(type: buffer[offset + 4], fields: fields)
    }
}
