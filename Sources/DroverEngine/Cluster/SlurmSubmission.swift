import DroverCore
import Foundation

/// One `sbatch`: the attempts of one job (an array's children, or a plain job) that share an attempt number and an
/// environment, as one Slurm array (`--array=2,5,7`) whose batch script sets each task's identity and log.
///
/// Slurm's task ids are the array indices, less `comment.offset` for indices at or beyond the cluster's
/// `MaxArraySize` (default 1001): a 5,000-child array goes as five submissions of up to 1,001 tasks.
struct SlurmSubmission {
    /// The attempts, all of one parent, attempt number and environment.
    var launches: [AttemptLaunch]
    /// Where they go.
    var cluster: ClusterLaunch
    /// What the comment records (its token is unique to this submission).
    var comment: SlurmComment
    /// Slurm's `--dependency` for its tasks, when they wait on other tasks in the cluster (``SlurmDependency``).
    var dependency: String?

    /// The indices, or nil for a plain job.
    var indices: [Int]? {
        let list = launches.compactMap { JobID.split($0.key.jobId).index }
        return list.count == launches.count && !list.isEmpty ? list : nil
    }

    /// Slurm's task id of array index `index`.
    func taskId(_ index: Int) -> Int { index - comment.offset }

    /// `sbatch`'s arguments (the script comes on standard input).
    var arguments: [String] {
        let first = launches[0]
        var arguments = ["--parsable", "--job-name=\(Self.oneLine(cluster.jobName))", "--comment=\(comment.text)",
                         "--partition=\(cluster.slurm.partition)", "--no-requeue", "--output=/dev/null", "--error=/dev/null",
                         "--chdir=\(first.workingDirectory)"]
        if let indices { arguments.append("--array=\(SlurmArrayIndices.compact(indices.map(taskId)))") }
        if let dependency { arguments += ["--dependency=\(dependency)", "--kill-on-invalid-dep=yes"] }
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
            if let (prefix, suffix) = logTemplate {
                // Every log is PREFIX INDEX SUFFIX: two lines, however many tasks (Slurm caps a script's size).
                lines.append("i=$((${SLURM_ARRAY_TASK_ID:?} + \(comment.offset)))")
                lines.append("log=\(Self.quoted(prefix))\"$i\"\(Self.quoted(suffix))")
            } else {
                lines.append("case \"${SLURM_ARRAY_TASK_ID:-}\" in")
                for launch in launches {
                    guard let index = JobID.split(launch.key.jobId).index else { continue }
                    lines.append("\(taskId(index))) i=\(index) log=\(Self.quoted(launch.logPath)) ;;")
                }
                lines.append("*) echo \"drover: task ${SLURM_ARRAY_TASK_ID:-} is not one of this submission's\" >&2; exit 70 ;;")
                lines.append("esac")
            }
            // The output goes to the log before the job's own variables are set: one named `log` or `i` changes nothing.
            lines.append("exec >>\"$log\" 2>&1 </dev/null")
            lines.append("export AWS_BATCH_JOB_ID=\(Self.quoted(parent + ":"))\"$i\"")
            lines.append("export AWS_BATCH_JOB_ARRAY_INDEX=\"$i\"")
        } else {
            lines.append("exec >>\(Self.quoted(first.logPath)) 2>&1 </dev/null")
            lines.append("export AWS_BATCH_JOB_ID=\(Self.quoted(parent))")
        }
        // A name the shell cannot export (`A-B`, `x;y`) is passed by env(1), quoted, never as shell text.
        var unusual: [String] = []
        for variable in cluster.variables {
            if Self.isShellName(variable.name) {
                lines.append("export \(variable.name)=\(Self.quoted(variable.value))")
            } else {
                unusual.append(Self.quoted("\(variable.name)=\(variable.value)"))
            }
        }
        let command = first.command.map(Self.quoted).joined(separator: " ")
        lines.append(unusual.isEmpty ? "exec \(command)" : "exec env -- \(unusual.joined(separator: " ")) \(command)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The prefix and suffix around the index that every launch's log path has, if they all have the same.
    var logTemplate: (prefix: String, suffix: String)? {
        var template: (prefix: String, suffix: String)?
        for launch in launches {
            guard let index = JobID.split(launch.key.jobId).index else { return nil }
            let mark = "/\(index)"
            guard let range = launch.logPath.range(of: mark, options: .backwards) else { return nil }
            let found = (String(launch.logPath[..<range.lowerBound]) + "/", String(launch.logPath[range.upperBound...]))
            if let template, template != found { return nil }
            template = found
        }
        return template
    }

    /// Whether `name` is a name sh can `export`: a letter or underscore, then letters, digits and underscores (ASCII).
    static func isShellName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// `text` in single quotes for sh.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `text` on one line (a job name or comment line).
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    /// Gathers launches into submissions: one per parent job, attempt number, environment, block of `maxArraySize`
    /// indices and dependency (`dependencies`, by attempt), in the order given.
    static func group(_ launches: [AttemptLaunch], tag: String, maxArraySize: Int, dependencies: [AttemptKey: String] = [:],
                      token: () -> String) -> [SlurmSubmission] {
        var order: [String] = []
        var groups: [String: (offset: Int, launches: [AttemptLaunch])] = [:]
        let block = max(1, maxArraySize)
        for launch in launches {
            guard let cluster = launch.cluster else { continue }
            let (parent, index) = JobID.split(launch.key.jobId)
            let offset = index.map { $0 / block * block } ?? 0
            let key = "\(parent)\u{0}\(launch.key.attempt)\u{0}\(cluster.environment)\u{0}\(offset)\u{0}\(dependencies[launch.key] ?? "")"
            if groups[key] == nil {
                order.append(key)
                groups[key] = (offset, [])
            }
            groups[key]?.launches.append(launch)
        }
        return order.compactMap { key in
            guard let (offset, members) = groups[key], let first = members.first, let cluster = first.cluster else { return nil }
            let comment = SlurmComment(tag: tag, parent: JobID.split(first.key.jobId).parent, attempt: first.key.attempt,
                                       timeoutSeconds: first.timeoutSeconds, graceSeconds: first.graceSeconds, offset: offset, token: token())
            return SlurmSubmission(launches: members, cluster: cluster, comment: comment, dependency: dependencies[first.key])
        }
    }
}
