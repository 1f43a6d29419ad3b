import DroverCore
import Foundation

extension Store {
    /// Folder of the logs of top-level job `id` (children included).
    public func logDirectory(ofJob id: String) -> String {
        logsRoot + "/" + JobID.split(id).parent
    }

    /// Creates the log folder of top-level job `id` (children included) if needed, private (0700), and returns its path.
    @discardableResult
    public func makeLogDirectory(ofJob id: String) throws(DroverError) -> String {
        let path = logDirectory(ofJob: id)
        try PrivateFiles.makeFolder(path)
        return path
    }

    /// The log file of one attempt: `logs/JOB/attempt-N.log`, or `logs/PARENT/INDEX-attempt-N.log` for a child.
    ///
    /// Standard output and error go to this file while the attempt runs; a file that stayed empty
    /// is removed when the attempt ends.
    public func logPath(ofJob id: String, attempt: Int) -> String {
        let (_, index) = JobID.split(id)
        let name = index.map { "\($0)-attempt-\(attempt).log" } ?? "attempt-\(attempt).log"
        return logDirectory(ofJob: id) + "/" + name
    }

    /// Reads an attempt's log from byte `offset` to its current end, handing it to `body` 64 KiB at a time, and
    /// returns the offset reached: memory stays the same whatever the log's size. A log not written yet reads as
    /// empty.
    public func readLog(
        ofJob id: String, attempt: Int, from offset: Int64, _ body: (UnsafeRawBufferPointer) throws(DroverError) -> Void
    ) throws(DroverError) -> Int64 {
        let path = logPath(ofJob: id, attempt: attempt)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return offset }
        defer { close(descriptor) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 1)
        defer { buffer.deallocate() }
        var offset = offset
        while true {
            let count = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
            if count == 0 { return offset }
            guard count > 0 else {
                if errno == EINTR { continue }
                throw DroverError("cannot read \(path): \(String(cString: strerror(errno)))", exitCode: 1)
            }
            try body(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            offset += Int64(count)
        }
    }

    /// The last non-blank line of an attempt's log (read from its last 4 KiB), or nil.
    public func lastLogLine(ofJob id: String, attempt: Int) -> String? {
        guard let handle = FileHandle(forReadingAtPath: logPath(ofJob: id, attempt: attempt)) else { return nil }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 4096 ? size - 4096 : 0)
        let text = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).last(where: { !$0.allSatisfy(\.isWhitespace) }).map(String.init)
    }
}
