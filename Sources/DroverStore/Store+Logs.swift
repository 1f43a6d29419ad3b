import DroverCore
import Foundation

extension Store {
    /// Folder of the logs of top-level job `id` (children included).
    public func logDirectory(ofJob id: String) -> String {
        logsRoot + "/" + JobID.split(id).parent
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
