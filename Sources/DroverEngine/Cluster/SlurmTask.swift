import DroverCore
import Foundation

/// One task of a Slurm job as `squeue --json` shows it: a plain job, one task of an array, or (while they wait)
/// every pending task of an array in one record (`indices`). Read leniently: Slurm's JSON changes between versions
/// (22.05 gives `job_state` as a string and `exit_code` as a wait status; later versions give lists and objects).
struct SlurmTask: Equatable {
    /// Slurm's id of this task's own job record.
    var jobId: Int
    /// The array's id, for an array task.
    var arrayJobId: Int?
    /// The array index (nil for a plain job, or for a record of pending tasks).
    var arrayTaskId: Int?
    /// The pending tasks this record stands for (`array_task_string`), when it stands for several.
    var indices: [Int]
    /// `PENDING`, `RUNNING`, `COMPLETED`, `FAILED`, `NODE_FAIL`...
    var state: String
    /// The raw wait status (exit code in the high byte, signal in the low bits), when ended.
    var waitStatus: Int32?
    /// The nodes it holds or held.
    var nodes: String
    /// Slurm's reason for the state (`NonZeroExitCode`, `BeginTime`...).
    var reason: String
    /// `--comment`.
    var comment: String
    /// Epoch seconds it started (Slurm sets it for pending jobs too, as a forecast).
    var startTime: Int64
    /// Epoch seconds it ended (0 or a forecast while it runs).
    var endTime: Int64 = 0
    /// How many times Slurm requeued it.
    var restarts: Int

    /// The id Drover records and `scancel` takes: `ARRAYID_INDEX` for an array task, the job id otherwise.
    var clusterId: String { arrayTaskId.map { "\(arrayJobId ?? jobId)_\($0)" } ?? "\(jobId)" }

    /// Parses `squeue --json` output, keeping the records whose comment starts with `prefix`.
    ///
    /// Throws rather than return a partial picture: when squeue reports an error (it exits 0 with an `errors` list and
    /// no jobs when the controller does not answer), and when it cut a list of pending tasks short (`1,4,11,...`, at
    /// `SLURM_BITSTR_LEN` characters): read as they are, both would make tasks that still wait look gone.
    static func parse(_ data: Data, commentPrefix prefix: String) throws -> [SlurmTask] {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any], let jobs = object["jobs"] as? [[String: Any]] else {
            throw DroverError("squeue --json printed no jobs list")
        }
        if let errors = object["errors"] as? [[String: Any]], !errors.isEmpty {
            let said = errors.map { error in
                [error["description"], error["error"]].compactMap { $0 as? String }.filter { !$0.isEmpty }.joined(separator: ": ")
            }
            throw DroverError("squeue reported an error: \(said.joined(separator: "; "))", exitCode: 1)
        }
        return try jobs.compactMap { job in
            let comment = job["comment"] as? String ?? ""
            guard comment.hasPrefix(prefix), let id = number(job["job_id"]) else { return nil }
            let array = number(job["array_job_id"]).flatMap { $0 > 0 ? $0 : nil }
            let task = array == nil ? nil : number(job["array_task_id"])
            let list = job["array_task_string"] as? String ?? ""
            if list.hasSuffix("...") {
                throw DroverError("squeue cut the list of job \(id)'s pending tasks short (\(list)): set SLURM_BITSTR_LEN=0", exitCode: 1)
            }
            let pending = array != nil && task == nil ? SlurmArrayIndices.expand(list) : []
            return SlurmTask(jobId: id, arrayJobId: array, arrayTaskId: task, indices: pending, state: state(job["job_state"]),
                             waitStatus: waitStatus(job["exit_code"]), nodes: job["nodes"] as? String ?? "",
                             reason: job["state_reason"] as? String ?? "", comment: comment,
                             startTime: Int64(number(job["start_time"]) ?? 0), endTime: Int64(number(job["end_time"]) ?? 0),
                             restarts: number(job["restart_cnt"]) ?? 0)
        }
    }

    /// The `squeue -o` format ``parse(lines:commentPrefix:)`` reads (with `SLURM_TIME_FORMAT=%s`, times in epoch
    /// seconds): much less for the controller to send than `--json`, and it honours `-j`.
    static let lineFormat = "%A|%F|%K|%T|%N|%r|%S|%e|%k"

    /// Parses `squeue -h -r -o` ``lineFormat`` output, keeping the records whose comment starts with `prefix`. The
    /// wait status is known only for COMPLETED tasks (0); `--json` gives the others'.
    static func parse(lines text: String, commentPrefix prefix: String) -> [SlurmTask] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: "|", maxSplits: 8, omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 9, fields[8].hasPrefix(prefix), let id = Int(fields[0]) else { return nil }
            let isArray = fields[2] != "N/A"
            let task = Int(fields[2])
            let array = isArray ? Int(fields[1]) : nil
            let state = fields[3].split(separator: " ").first.map(String.init) ?? fields[3]
            return SlurmTask(jobId: id, arrayJobId: array, arrayTaskId: task, indices: isArray && task == nil ? SlurmArrayIndices.expand(fields[2]) : [],
                             state: state, waitStatus: state == "COMPLETED" ? 0 : nil, nodes: fields[4] == "(null)" ? "" : fields[4],
                             reason: fields[5], comment: fields[8], startTime: Int64(fields[6]) ?? 0, endTime: Int64(fields[7]) ?? 0, restarts: 0)
        }
    }

    /// Whether the verdict on this record needs its wait status, which the short format does not give.
    var needsWaitStatus: Bool {
        waitStatus == nil && ["FAILED", "CANCELLED", "TIMEOUT", "SPECIAL_EXIT"].contains(state)
    }

    /// An integer, whether given plain or as Slurm's `{"set": true, "number": N}`.
    static func number(_ value: Any?) -> Int? {
        switch value {
        case let number as NSNumber: return number.intValue
        case let object as [String: Any]:
            if let set = object["set"] as? Bool, !set { return nil }
            return number(object["number"])
        default: return nil
        }
    }

    static func state(_ value: Any?) -> String {
        if let text = value as? String { return text }
        if let list = value as? [Any], let first = list.first as? String { return first }
        return "UNKNOWN"
    }

    /// The wait status from 22.05's plain number, or from the `{return_code, signal}` object of later versions.
    static func waitStatus(_ value: Any?) -> Int32? {
        if let object = value as? [String: Any] {
            if let signal = object["signal"] as? [String: Any], let id = number(signal["id"] ?? signal["signal_id"]), id > 0 {
                return Int32(id & 0x7f)
            }
            return number(object["return_code"]).map { Int32(($0 & 0xff) << 8) }
        }
        return number(value).map { Int32(truncatingIfNeeded: $0) }
    }
}

/// Slurm's array index lists: `0-9`, `2,5,7`, `1-9:2`, with an optional `%N` limit.
enum SlurmArrayIndices {
    /// The indices of a list (empty when it cannot be read).
    static func expand(_ text: String) -> [Int] {
        let list = text.split(separator: "%").first.map(String.init) ?? ""
        var indices: [Int] = []
        for part in list.split(separator: ",") {
            let stepParts = part.split(separator: ":")
            let step = stepParts.count > 1 ? max(1, Int(stepParts[1]) ?? 1) : 1
            let bounds = stepParts[0].split(separator: "-").compactMap { Int($0) }
            guard let low = bounds.first else { continue }
            let high = bounds.count > 1 ? bounds[1] : low
            guard high >= low, high - low <= 4_000_000 else { continue }
            indices += stride(from: low, through: high, by: step)
        }
        return indices
    }

    /// A compact list of `indices` for `sbatch --array`: runs of consecutive indices as ranges (`0-9,12,15-20`).
    static func compact(_ indices: [Int]) -> String {
        let sorted = Array(Set(indices)).sorted()
        var parts: [String] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }
}
