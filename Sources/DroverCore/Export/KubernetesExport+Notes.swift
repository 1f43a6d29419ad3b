import Foundation

extension KubernetesExport {
    /// Members of `containerProperties` (and `containerOverrides`) that the Job carries.
    static let mappedContainerMembers: Set<String> = ["image", "command", "environment", "vcpus", "memory", "resourceRequirements"]
    /// Members of a definition or request that the Job carries (or that only pick the definition and queue).
    static let mappedMembers: Set<String> = [
        "jobName", "jobQueue", "jobDefinition", "jobDefinitionName", "type", "parameters", "arrayProperties", "dependsOn",
        "retryStrategy", "timeout", "containerProperties", "containerOverrides",
    ]

    /// AWS's variables a pod does not get, with what Kubernetes offers instead.
    static let unsetVariables: [(name: String, hint: String)] = [
        ("AWS_BATCH_JOB_ATTEMPT", " (the pod annotation batch.kubernetes.io/job-index-failure-count counts the failures of its index so far)"),
        ("AWS_BATCH_CE_NAME", ""),
    ]

    /// What the Job of `located` does not carry or carries differently: renamed names, dependencies, `Ref::` left
    /// unresolved, members with no counterpart.
    static func notes(for located: Located<SubmitJobRequest>, spec: JobSpec, job: KubernetesJob,
                      definition: Located<JobDefinition>) -> [ExportNote] {
        let request = located.value
        let subject = "job \(request.jobName)"
        func note(_ level: ExportNote.Level, _ message: String) -> ExportNote {
            ExportNote(level, location: located.location, subject: subject, message)
        }
        var notes: [ExportNote] = []
        if job.metadata.name != request.jobName {
            notes.append(note(.note, "is the Kubernetes Job '\(job.metadata.name)' (a DNS label: lowercase, '-' for '_', room for '-INDEX')"))
        }
        if let queue = job.metadata.labels?[queueLabel], queue != spec.jobQueue {
            notes.append(note(.note, "job queue '\(spec.jobQueue)' is the LocalQueue '\(queue)' (a DNS label)"))
        }
        for (index, dependency) in (request.dependsOn ?? []).enumerated() {
            let field = "dependsOn[\(index)]"
            if dependency.type == .sequential {
                notes.append(note(.note, "\(field) SEQUENTIAL: one child at a time (parallelism 1), and the first child that fails for good fails the Job (maxFailedIndexes 0) as on AWS; Kubernetes starts the lowest pending index first but does not promise the order"))
            } else {
                let target = dependency.jobName ?? dependency.jobId ?? "?"
                let kind = dependency.type == .nToN ? " (N_TO_N)" : ""
                notes.append(note(.warning, "\(field): waits for job \(target)\(kind), which a Kubernetes Job cannot express: create this Job once \(target) has succeeded, or use a workflow engine"))
            }
        }
        for (index, element) in spec.command.enumerated() where element.contains("Ref::") {
            notes.append(note(.warning, "command[\(index)] \"\(element)\" still holds a Ref:: with no parameter of that name: give it in the file or with -p NAME=VALUE"))
        }
        let texts = spec.command + spec.environment.map(\.value)
        for variable in unsetVariables where texts.contains(where: { $0.contains(variable.name) }) {
            notes.append(note(.warning, "its command or environment reads \(variable.name), which a Kubernetes pod does not get\(variable.hint)"))
        }
        if let size = spec.arraySize, size > completionsSoftLimit {
            notes.append(note(.warning, "an array of \(size) children: above \(completionsSoftLimit) completions Kubernetes runs at most \(highCompletionsLimit) at once and stops the Job after \(highCompletionsLimit) failed children, where AWS runs them all"))
        }
        let left = leftOut(located.document, container: "containerOverrides")
        if !left.isEmpty {
            notes.append(note(.note, "left out (no counterpart in a Job): \(left.joined(separator: ", "))"))
        }
        let definitionLeft = leftOut(definition.document, container: "containerProperties")
        if !definitionLeft.isEmpty {
            notes.append(ExportNote(.note, location: definition.location, subject: "job definition \(definition.value.jobDefinitionName)",
                                    "left out (no counterpart in a Job): \(definitionLeft.joined(separator: ", "))"))
        }
        return notes
    }

    /// The members set in `document` (a definition or request, as JSON) that the Job does not carry, as field paths
    /// (`tags`, `containerProperties.secrets`), sorted.
    static func leftOut(_ document: String, container: String) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any] else { return [] }
        var fields = object.keys.filter { !mappedMembers.contains($0) && UnappliedFields.isSet(object[$0]) }
        if let members = object[container] as? [String: Any] {
            fields += members.keys.filter { !mappedContainerMembers.contains($0) && UnappliedFields.isSet(members[$0]) }.map { "\(container).\($0)" }
        }
        return fields.sorted()
    }
}
