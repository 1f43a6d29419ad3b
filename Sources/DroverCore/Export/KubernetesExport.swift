import Foundation

/// `drover export k8s`: each job of a job file as a Kubernetes `batch/v1` Indexed Job for Kueue.
///
/// A job is resolved against its definition in the file as `drover run` resolves it (``JobSpec/resolve(request:definition:definitionRef:)``:
/// the request's overrides, `Ref::` parameters substituted), then written as: `completions` and `parallelism` from
/// the array size (1 for a single job), `backoffLimitPerIndex` and `podFailurePolicy` from the retry strategy
/// (``KubernetesRetryPolicy``), the completion index as `AWS_BATCH_JOB_ARRAY_INDEX`, vCPUs and memory as resource
/// requests and limits, `attemptDurationSeconds` as each pod's `activeDeadlineSeconds`, and the job queue as Kueue's
/// `kueue.x-k8s.io/queue-name` label (a LocalQueue of that name). What a Job cannot express is reported as an
/// ``ExportNote``.
public struct KubernetesExport: Sendable {
    /// What the command line adds to the file.
    public struct Options: Sendable {
        /// `Ref::` values over every job's own (`-p k=v`), as `drover run` takes them.
        public var parameters: [String: String]
        /// The image of definitions that name none.
        public var image: String?
        /// Kueue's WorkloadPriorityClass for every Job (`kueue.x-k8s.io/priority-class`).
        public var priorityClass: String?

        /// Creates options.
        public init(parameters: [String: String] = [:], image: String? = nil, priorityClass: String? = nil) {
            self.parameters = parameters
            self.image = image
            self.priorityClass = priorityClass
        }
    }

    /// The Jobs, in the file's order of jobs.
    public var jobs: [KubernetesJob]
    /// What could not be carried over, each once.
    public var notes: [ExportNote]

    /// The pod annotation that holds an Indexed Job's completion index.
    public static let indexAnnotation = "batch.kubernetes.io/job-completion-index"
    /// Kueue's label naming the LocalQueue a Job is submitted to.
    public static let queueLabel = "kueue.x-k8s.io/queue-name"
    /// Kueue's label naming a Job's WorkloadPriorityClass.
    public static let priorityClassLabel = "kueue.x-k8s.io/priority-class"
    /// The most completions Kubernetes tracks per failed index without a bound on failures.
    public static let completionsSoftLimit = 100_000
    /// Parallelism and failed indexes allowed above ``completionsSoftLimit``.
    public static let highCompletionsLimit = 10_000

    /// Translates every job of `file`. Throws, naming the file, line and member, when a job's definition is not in
    /// the file, has no command or no image (and `options.image` is not given), or two jobs get the same Kubernetes
    /// name, or when `options.priorityClass` is no DNS label; nothing is translated then.
    public init(file: ResourceFile, options: Options = Options()) throws(DroverError) {
        guard !file.jobs.isEmpty else {
            throw DroverError("\(file.path): declares no jobs (a `jobs` section): there is nothing to write as Kubernetes Jobs")
        }
        if let name = options.priorityClass, !KubernetesJob.isLabel(name) {
            throw DroverError("--priority-class \(name): not a Kueue WorkloadPriorityClass name (a DNS label: lowercase letters, digits and '-')")
        }
        var issues: [ValidationIssue] = []
        var notes: [ExportNote] = []
        var jobs: [KubernetesJob] = []
        var owners: [String: String] = [:]
        for located in file.jobs {
            var request = located.value
            if !options.parameters.isEmpty { request.parameters = (request.parameters ?? [:]).merging(options.parameters) { $1 } }
            let subject = "job \(request.jobName)"
            guard let definition = Self.definition(request.jobDefinition, in: file) else {
                issues.append(ValidationIssue(location: located.location, field: "jobDefinition", message: "\(subject): no job definition '\(request.jobDefinition)' in this file (export reads only the file: declare the definitions its jobs use)"))
                continue
            }
            let name = definition.value.jobDefinitionName
            let spec = JobSpec.resolve(request: request, definition: definition.value, definitionRef: name)
            if spec.command.isEmpty {
                issues.append(ValidationIssue(location: definition.location, field: "containerProperties.command", message: "job definition \(name) (used by \(subject)) has no command: give containerProperties.command or a command override"))
            }
            guard let image = spec.image ?? options.image else {
                issues.append(ValidationIssue(location: definition.location, field: "containerProperties.image", message: "job definition \(name) (used by \(subject)) names no image, which a Kubernetes pod needs: give one, or --image for definitions without one"))
                continue
            }
            let job = Self.job(spec, image: image, definitionName: name, options: options)
            if !job.apiServerProblems.isEmpty {
                issues.append(ValidationIssue(location: located.location, field: "", message: "\(subject): the Job written for it breaks a rule of the Kubernetes API server, a bug of drover export: \(job.apiServerProblems.joined(separator: "; "))"))
                continue
            }
            if let other = owners[job.metadata.name] {
                issues.append(ValidationIssue(location: located.location, field: "jobName", message: "\(subject) and job \(other) would both be the Kubernetes Job '\(job.metadata.name)' (lowercase, '_' as '-'): rename one"))
                continue
            }
            owners[job.metadata.name] = request.jobName
            jobs.append(job)
            let retryLocation = request.retryStrategy == nil ? definition.location : located.location
            let retrySubject = request.retryStrategy == nil ? "job definition \(name)" : subject
            notes += KubernetesRetryPolicy(spec.retryStrategy).remarks.map {
                ExportNote($0.level, location: retryLocation, subject: retrySubject, $0.message)
            }
            notes += Self.notes(for: located, spec: spec, job: job, definition: definition)
        }
        if !issues.isEmpty {
            throw DroverError(DroverError.invalid(issues, nothingChanged: false).message + "\nnothing was written.")
        }
        self.jobs = jobs
        self.notes = ExportNote.unique(notes)
    }

    /// The YAML stream of ``jobs``.
    public func yaml() throws(DroverError) -> String {
        try KubernetesJob.yamlStream(jobs)
    }

    /// The last definition of the file that `reference` (a name, `name:revision` or an ARN) names; the revision is
    /// not looked at, since a file holds one version of each definition.
    static func definition(_ reference: String, in file: ResourceFile) -> Located<JobDefinition>? {
        var name = ResourceName.fromArn(reference)
        if let colon = name.lastIndex(of: ":"), Int(name[name.index(after: colon)...]) != nil {
            name = String(name[..<colon])
        }
        return file.jobDefinitions.last { $0.value.jobDefinitionName == name }
    }

    /// The Job of a resolved job.
    static func job(_ spec: JobSpec, image: String, definitionName: String, options: Options) -> KubernetesJob {
        let size = spec.arraySize ?? 1
        let name = KubernetesName.job(spec.jobName, completions: size)
        let retry = KubernetesRetryPolicy(spec.retryStrategy)
        var labels = [queueLabel: KubernetesName.label(spec.jobQueue)]
        if let priorityClass = options.priorityClass { labels[priorityClassLabel] = priorityClass }
        let high = size > completionsSoftLimit
        let parallelism = spec.isSequential ? 1 : (high ? highCompletionsLimit : size)
        // AWS runs every child of an array to its end, whatever the others do; SEQUENTIAL fails the rest at the first
        // child that fails. Above the soft limit Kubernetes insists on a bound.
        let maxFailed: Int? = spec.arraySize == nil ? nil : (spec.isSequential ? 0 : (high ? highCompletionsLimit : size))
        let container = KubernetesJob.Container(
            name: KubernetesName.label(definitionName), image: image, args: spec.command.map(escaped),
            env: environment(spec, name: name), resources: resources(spec))
        return KubernetesJob(
            metadata: KubernetesJob.ObjectMeta(name: name, labels: labels),
            spec: KubernetesJob.Spec(
                completions: size, parallelism: parallelism, backoffLimitPerIndex: retry.backoffLimitPerIndex,
                maxFailedIndexes: maxFailed, podFailurePolicy: KubernetesJob.PodFailurePolicy(rules: retry.rules),
                template: KubernetesJob.PodTemplate(spec: KubernetesJob.PodSpec(
                    activeDeadlineSeconds: spec.attemptDurationSeconds, containers: [container]))))
    }

    /// AWS's variables (array index and size for an array, the queue, the job), then the definition's with the
    /// request's overrides.
    static func environment(_ spec: JobSpec, name: String) -> [KubernetesJob.EnvVar] {
        var variables: [KubernetesJob.EnvVar] = []
        var jobID = name
        if let size = spec.arraySize {
            variables.append(KubernetesJob.EnvVar(name: "AWS_BATCH_JOB_ARRAY_INDEX", fieldPath: "metadata.annotations['\(indexAnnotation)']"))
            variables.append(KubernetesJob.EnvVar(name: "AWS_BATCH_JOB_ARRAY_SIZE", value: String(size)))
            jobID += ":$(AWS_BATCH_JOB_ARRAY_INDEX)"
        }
        variables.append(KubernetesJob.EnvVar(name: "AWS_BATCH_JOB_ID", value: jobID))
        variables.append(KubernetesJob.EnvVar(name: "AWS_BATCH_JQ_NAME", value: spec.jobQueue))
        return variables + spec.environment.map { KubernetesJob.EnvVar(name: $0.name, value: escaped($0.value)) }
    }

    /// vCPUs as the CPU request (AWS reserves them; it does not cap a container's CPU on EC2), memory as request
    /// and limit (AWS's memory is a hard limit), GPUs as `nvidia.com/gpu`.
    static func resources(_ spec: JobSpec) -> KubernetesJob.Resources {
        var requests = ["cpu": cpuQuantity(spec.vcpus)]
        var limits: [String: String] = [:]
        if spec.memory > 0 {
            requests["memory"] = "\(spec.memory)Mi"
            limits["memory"] = "\(spec.memory)Mi"
        }
        if let gpus = spec.resourceRequirements?.last(where: { $0.type.uppercased() == "GPU" }).flatMap({ Int($0.value) }), gpus > 0 {
            limits["nvidia.com/gpu"] = String(gpus)
        }
        return KubernetesJob.Resources(requests: requests, limits: limits)
    }

    /// `2`, or `250m` for a fraction of a CPU.
    static func cpuQuantity(_ vcpus: Double) -> String {
        if vcpus == vcpus.rounded(), let whole = Int(exactly: vcpus) { return String(whole) }
        return "\(Int((vcpus * 1000).rounded()))m"
    }

    /// `text` with every `$` doubled: Kubernetes expands `$(NAME)` in a container's args and variable values, and
    /// reads `$$` as one `$`, where AWS passes them on as written.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "$", with: "$$")
    }
}
