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
}
