import DroverCore
import Foundation

/// What goes to slurmrestd (REST API v0.0.38, Slurm 22.05) and what comes back, as pure functions: the body of
/// `POST /slurm/v0.0.38/job/submit` for a submission, and the reading of its answers (a job id or Slurm's errors, the
/// nodes of a partition).
enum SlurmRestMapping {
    /// The API version every path starts with.
    static let base = "/slurm/v0.0.38"

    /// The body of `POST /job/submit` for `submission`: the batch script and the job's properties, which say what
    /// `sbatch`'s arguments say (``SlurmSubmission/arguments``). `environment` is what the job gets besides what its
    /// script exports (the engine's environment: sbatch passes it the same way); slurmrestd requires one.
    static func submitBody(_ submission: SlurmSubmission, environment: [String: String]) -> [String: Any] {
        let first = submission.launches[0]
        let slurm = submission.cluster.slurm
        var job: [String: Any] = [
            "name": SlurmSubmission.oneLine(submission.cluster.jobName),
            "comment": submission.comment.text,
            "partition": slurm.partition,
            "requeue": false,
            "standard_output": "/dev/null",
            "standard_error": "/dev/null",
            "current_working_directory": first.workingDirectory,
            "environment": environment.isEmpty ? ["PATH": "/usr/bin:/bin"] : environment,
        ]
        if let indices = submission.indices { job["array"] = SlurmArrayIndices.compact(indices.map(submission.taskId)) }
        if let account = slurm.account { job["account"] = account }
        if let qos = slurm.qos { job["qos"] = qos }
        if let constraint = slurm.constraint { job["constraints"] = constraint }
        if first.need.vcpus > 0 { job["cpus_per_task"] = Int(first.need.vcpus.rounded(.up)) }
        if first.need.memory > 0 { job["memory_per_node"] = first.need.memory }
        if let timeout = first.timeoutSeconds {
            // As for sbatch: Drover enforces the limit; Slurm's, in minutes, is a backstop a minute beyond the grace.
            job["time_limit"] = Int(((timeout + first.graceSeconds) / 60).rounded(.up)) + 1
        }
        if let dependency = submission.dependency {
            // As `--dependency` with `--kill-on-invalid-dep=yes`: a task whose partner failed ends CANCELLED
            // (DependencyNeverSatisfied), unstarted.
            job["dependency"] = dependency
            job["kill_on_invalid_dependency"] = true
        }
        return ["script": submission.script, "job": job]
    }

    /// The job id of a `POST /job/submit` answer with HTTP status `status`, or Slurm's refusal (unreachable when
    /// slurmrestd says the controller could not be contacted).
    static func submitted(_ data: Data, status: Int) -> SlurmSubmitResult {
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        let errors = errors(in: object)
        if (200..<300).contains(status), errors.isEmpty, let id = SlurmTask.number(object?["job_id"]) { return .submitted(id) }
        let said = errors.isEmpty ? "HTTP \(status)" + (object == nil ? ": \(snippet(data))" : "") : errors.joined(separator: "; ")
        return .failed(message: "slurmrestd: \(said)", unreachable: SlurmCommand.saysUnreachable(said) || [502, 503, 504].contains(status))
    }

    /// Slurm's error messages in an answer: each entry's `description`, else its `error`.
    static func errors(in object: [String: Any]?) -> [String] {
        (object?["errors"] as? [[String: Any]] ?? []).compactMap { entry in
            let text = [entry["description"], entry["error"]].compactMap { $0 as? String }.first { !$0.isEmpty }
            return text ?? SlurmTask.number(entry["error_code"] ?? entry["errno"] ?? entry["error_number"]).map { "error \($0)" }
        }
    }

    /// The nodes of `partition` in a `GET /nodes` answer (each node lists its partitions), with sinfo's short states.
    static func partitionNodes(_ data: Data, partition: String) throws(DroverError) -> SlurmPartitionNodes {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], let nodes = object["nodes"] as? [[String: Any]] else {
            throw DroverError("slurmrestd gave no nodes list", exitCode: 1)
        }
        if let error = errors(in: object).first { throw DroverError("slurmrestd: \(error)", exitCode: 1) }
        return SlurmPartitionNodes(nodes: nodes.compactMap { node in
            guard let name = node["name"] as? String, (node["partitions"] as? [String] ?? []).contains(partition) else { return nil }
            return (name, shortState(node["state"] as? String ?? "unknown", flags: node["state_flags"] as? [String] ?? []))
        })
    }

    /// sinfo's short state (`%t`) for a node's v0.0.38 `state` and `state_flags`: `idle`, `alloc`, `mix`, `down*`,
    /// `drain`, `drng`...
    static func shortState(_ state: String, flags: [String]) -> String {
        let base = state.lowercased()
        let flags = Set(flags.map { $0.uppercased() })
        var short = ["allocated": "alloc", "mixed": "mix", "unknown": "unk", "future": "futr", "error": "err"][base] ?? base
        if flags.contains("DRAIN") {
            short = ["alloc", "mix"].contains(short) ? "drng" : "drain"
        } else if flags.contains("FAIL") {
            short = "fail"
        } else if flags.contains("MAINTENANCE") {
            short = "maint"
        }
        if flags.contains("POWERED_DOWN") { short += "~" }
        if flags.contains("NOT_RESPONDING") { short += "*" }
        return short
    }

    /// The start of an unreadable answer, on one line.
    static func snippet(_ data: Data) -> String {
        SlurmSubmission.oneLine(String(decoding: data.prefix(120), as: UTF8.self)).trimmingCharacters(in: .whitespaces)
    }
}
