import DroverCore
import GRDB

/// How a `drover run` started: by resuming an unfinished run of the same file, or by submitting it.
public enum RunStart: Sendable {
    /// The top-level jobs of the unfinished run with the same key.
    case resumed([JobRecord])
    /// What applying the file changed, and the jobs submitted.
    case submitted(ApplyResult, [SubmittedJob])
}

extension Store {
    /// Resumes the unfinished run keyed `runKey`, or applies `file` and submits `requests` under that key, all in
    /// one write transaction (BEGIN IMMEDIATE): two `drover run` of the same file at once submit it once, and the
    /// second resumes (watches) the first's jobs.
    ///
    /// - Parameter resume: false to submit afresh even when an unfinished run exists (`drover run --new`).
    public func startRun(_ file: ResourceFile, requests: [SubmitJobRequest], runKey: String, resume: Bool) throws(DroverError) -> RunStart {
        let ordered = try Self.dependencyOrder(requests)
        return try write { db in
            if resume {
                let previous = try unfinishedRun(db, runKey)
                if !previous.isEmpty { return .resumed(previous) }
            }
            let applied = try apply(db, file)
            return .submitted(applied, try submit(db, ordered: ordered, runKey: runKey))
        }
    }
}
