import DroverCore
import Foundation

/// Reaches a Slurm cluster through its client commands on the engine's PATH: `sbatch` (the script on standard
/// input), `squeue --json` and `squeue -o`, `scancel`, `scontrol show config` and `sinfo`, with the cluster that
/// `SLURM_CONF` (or Slurm's default configuration) names.
final class SlurmCommandControl: SlurmControl {
    let name = "the Slurm commands on PATH"
    private let command: SlurmCommand
    /// Where batch scripts are written for `sbatch` to read (the engine's `STATE/slurm`).
    private let directory: String
    private var knownMaxArraySize: Int?

    /// A control whose commands run with `environment` and write their output and scripts in `directory`.
    init(directory: String, environment: [String: String]) {
        self.directory = directory
        var environment = environment
        environment["SLURM_TIME_FORMAT"] = "%s"
        // squeue cuts lists of pending array tasks at 64 characters unless told not to: the whole list, always.
        environment["SLURM_BITSTR_LEN"] = "0"
        command = SlurmCommand(scratch: directory, environment: environment)
    }

    func submit(_ submission: SlurmSubmission) -> SlurmSubmitResult {
        let script = "\(directory)/submit-\(submission.comment.token).sh"
        guard FileManager.default.createFile(atPath: script, contents: Data(submission.script.utf8)) else {
            return .notMade("cannot write \(script): \(String(cString: strerror(errno)))")
        }
        defer { unlink(script) }
        let result = command.run("sbatch", submission.arguments, input: script)
        if result.succeeded, let id = Self.submittedId(result.output) { return .submitted(id) }
        let message = result.message.hasPrefix("sbatch:") ? result.message : "sbatch: \(result.message)"
        return .failed(message: message, unreachable: result.unreachable)
    }

    func tasks(commentPrefix: String) -> Result<[SlurmTask], SlurmControlError> {
        let result = command.run("squeue", ["--json", "--states=all"])
        guard result.succeeded else { return .failure(SlurmControlError(message: "squeue: \(result.message)")) }
        do {
            return .success(try SlurmTask.parse(result.output, commentPrefix: commentPrefix))
        } catch {
            return .failure(SlurmControlError(message: "squeue --json printed something unreadable (\((error as? DroverError)?.message ?? "\(error)"))"))
        }
    }

    /// The short `squeue -j` listing of `jobs`, and `squeue --json` only when a task ended in a way whose exit code
    /// or signal matters.
    func liveTasks(jobs: [String], commentPrefix: String) -> Result<[SlurmTask], SlurmControlError> {
        var found: [SlurmTask] = []
        for chunk in jobs.chunked(500) {
            let result = command.run("squeue", ["-h", "-r", "--states=all", "-j", chunk.joined(separator: ","), "-o", SlurmTask.lineFormat])
            if !result.succeeded && !result.error.contains("Invalid job id") {
                return .failure(SlurmControlError(message: "squeue: \(result.message)"))
            }
            let output = result.succeeded ? String(decoding: result.output, as: UTF8.self) : ""
            found += SlurmTask.parse(lines: output, commentPrefix: commentPrefix)
        }
        guard found.contains(where: \.needsWaitStatus) else { return .success(found) }
        return tasks(commentPrefix: commentPrefix).map { found + $0 }
    }

    func cancel(_ ids: [String], signal: Int32?) {
        let options = signal.map { ["--signal=\($0)", "--full"] } ?? []
        for chunk in ids.chunked(200) { _ = command.run("scancel", options + chunk) }
    }

    /// Read once from `scontrol show config`.
    func maxArraySize() -> Int {
        if let known = knownMaxArraySize { return known }
        let result = command.run("scontrol", ["show", "config"])
        let size = result.succeeded ? Self.maxArraySize(in: String(decoding: result.output, as: UTF8.self)) : nil
        if result.succeeded { knownMaxArraySize = size ?? 1001 }
        return size ?? 1001
    }

    func partitionNodes(_ partition: String) -> Result<SlurmPartitionNodes, DroverError> {
        let result = command.run("sinfo", ["-h", "-N", "-p", partition, "-o", "%N %t"], timeout: 10)
        guard result.succeeded else { return .failure(DroverError("sinfo: \(result.message)", exitCode: 1)) }
        return .success(SlurmPartitionNodes.parse(String(decoding: result.output, as: UTF8.self)))
    }

    /// `MaxArraySize` from `scontrol show config` output.
    static func maxArraySize(in text: String) -> Int? {
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("MaxArraySize") {
            return line.split(separator: "=").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        }
        return nil
    }

    /// The job id `sbatch --parsable` printed (`ID` or `ID;CLUSTER`).
    static func submittedId(_ output: Data) -> Int? {
        let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int(text.split(separator: ";").first ?? "")
    }
}
