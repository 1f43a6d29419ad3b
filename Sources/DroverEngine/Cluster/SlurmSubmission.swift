import DroverCore
import Foundation

/// One `sbatch`: the attempts of one job (an array's children, or a plain job) that share an attempt number and an
/// environment, as one Slurm array (`--array=2,5,7`) whose batch script sets each task's identity and log.
struct SlurmSubmission {
    /// The attempts, all of one parent, attempt number and environment.
    var launches: [AttemptLaunch]
    /// Where they go.
    var cluster: ClusterLaunch
    /// What the comment records (its token is unique to this submission).
    var comment: SlurmComment

    /// The indices, or nil for a plain job.
    var indices: [Int]? {
        let list = launches.compactMap { JobID.split($0.key.jobId).index }
        return list.count == launches.count && !list.isEmpty ? list : nil
    }

    /// `sbatch`'s arguments (the script comes on standard input).
    var arguments: [String] {
        let first = launches[0]
        var arguments = ["--parsable", "--job-name=\(Self.oneLine(cluster.jobName))", "--comment=\(comment.text)",
                         "--partition=\(cluster.slurm.partition)", "--no-requeue", "--output=/dev/null", "--error=/dev/null",
                         "--chdir=\(first.workingDirectory)"]
        if let indices { arguments.append("--array=\(SlurmArrayIndices.compact(indices))") }
        if let account = cluster.slurm.account { arguments.append("--account=\(account)") }
        if let qos = cluster.slurm.qos { arguments.append("--qos=\(qos)") }
        if let constraint = cluster.slurm.constraint { arguments.append("--constraint=\(constraint)") }
        if first.need.vcpus > 0 { arguments.append("--cpus-per-task=\(Int(first.need.vcpus.rounded(.up)))") }
        if first.need.memory > 0 { arguments.append("--mem=\(first.need.memory)M") }
        if let timeout = first.timeoutSeconds {
            // Slurm counts in minutes and acts tens of seconds late: Drover enforces the limit itself, and Slurm's is a
            // backstop a minute and a grace period beyond it.
            arguments.append("--time=\(Int(((timeout + first.graceSeconds) / 60).rounded(.up)) + 1)")
        }
        arguments += cluster.slurm.options ?? []
        return arguments
    }

    /// The batch script: the job's identity and variables, its log, then the command itself (`exec`, so that Slurm
    /// sees the command's own exit code or signal).
    var script: String {
        let first = launches[0]
        let parent = JobID.split(first.key.jobId).parent
        var lines = ["#!/bin/sh", "# Drover job \(Self.oneLine(parent)), attempt \(first.key.attempt)"]
        if indices != nil {
            lines.append("i=\"${SLURM_ARRAY_TASK_ID:-}\"")
            lines.append("case \"$i\" in")
            for launch in launches {
                guard let index = JobID.split(launch.key.jobId).index else { continue }
                lines.append("\(index)) log=\(Self.quoted(launch.logPath)) ;;")
            }
            lines.append("*) echo \"drover: task $i is not one of this submission's\" >&2; exit 70 ;;")
            lines.append("esac")
            lines.append("export AWS_BATCH_JOB_ID=\(Self.quoted(parent + ":"))\"$i\"")
            lines.append("export AWS_BATCH_JOB_ARRAY_INDEX=\"$i\"")
        } else {
            lines.append("log=\(Self.quoted(first.logPath))")
            lines.append("export AWS_BATCH_JOB_ID=\(Self.quoted(parent))")
        }
        for variable in cluster.variables {
            lines.append("export \(variable.name)=\(Self.quoted(variable.value))")
        }
        lines.append("exec >>\"$log\" 2>&1 </dev/null")
        lines.append("exec " + first.command.map(Self.quoted).joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` in single quotes for sh.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `text` on one line (a job name or comment line).
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    /// Gathers launches into submissions: one per parent job, attempt number and environment, in the order given.
    static func group(_ launches: [AttemptLaunch], tag: String, token: () -> String) -> [SlurmSubmission] {
        var order: [String] = []
        var groups: [String: [AttemptLaunch]] = [:]
        for launch in launches {
            guard let cluster = launch.cluster else { continue }
            let key = "\(JobID.split(launch.key.jobId).parent)\u{0}\(launch.key.attempt)\u{0}\(cluster.environment)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(launch)
        }
        return order.compactMap { key in
            guard let members = groups[key], let first = members.first, let cluster = first.cluster else { return nil }
            let comment = SlurmComment(tag: tag, parent: JobID.split(first.key.jobId).parent, attempt: first.key.attempt,
                                       timeoutSeconds: first.timeoutSeconds, graceSeconds: first.graceSeconds, token: token())
            return SlurmSubmission(launches: members, cluster: cluster, comment: comment)
        }
    }
}
