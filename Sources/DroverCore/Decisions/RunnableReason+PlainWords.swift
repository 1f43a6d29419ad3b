import Foundation

/// A RUNNABLE job's reason told to a person who does not know AWS's codes (the dashboard's queue board).
extension RunnableReason {
    /// What the code means, in a sentence that says what to change.
    public var plainWords: String {
        switch self {
        case .computeEnvironmentMaxResource:
            "It needs more vCPUs than the maxvCpus of every compute environment of its queue: raise maxvCpus or ask for fewer vCPUs."
        case .jobResourceRequirement:
            "No compute environment of its queue can ever hold it (vCPUs, memory or GPUs): change the job's resources or the environments."
        case .insufficientInstanceCapacity:
            "Every environment that could hold it is a spot fleet short of capacity: it waits for instances."
        }
    }

    /// `statusReason` in plain words: for one of AWS's codes, its meaning and then Drover's detail (what comes after
    /// AWS's text); Drover's own reasons are sentences already and are kept as they are.
    public static func plainWords(_ statusReason: String) -> String {
        guard let code = code(of: statusReason), let reason = RunnableReason(rawValue: code) else { return statusReason }
        let prefix = "\(code) - \(reason.awsText)"
        let detail = statusReason.hasPrefix(prefix) ? statusReason.dropFirst(prefix.count).trimmingCharacters(in: [" ", "."]) : ""
        return detail.isEmpty ? reason.plainWords : "\(reason.plainWords) (\(detail))"
    }
}
