import ArgumentParser
import DroverCore

/// `drover export k8s FILE`: every job as a Kubernetes Indexed Job for Kueue.
struct ExportKubernetes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "k8s",
        abstract: "Write each job of a job file as a Kubernetes batch/v1 Indexed Job, labelled for Kueue.",
        discussion: """
            completions and parallelism come from the array size, backoffLimitPerIndex from retryStrategy.attempts, \
            podFailurePolicy from the evaluateOnExit rules (EXIT exit codes fail their index, disruptions are \
            ignored), the completion index is AWS_BATCH_JOB_ARRAY_INDEX, the job queue is the LocalQueue named by \
            kueue.x-k8s.io/queue-name. Several jobs make a multi-document YAML stream; with --output DIR, one \
            NAME.yaml per Job.
            """)

    @OptionGroup var options: ExportOptions

    @Option(help: "Kueue WorkloadPriorityClass of every Job (the kueue.x-k8s.io/priority-class label).")
    var priorityClass: String?

    func run() throws {
        let file = try options.load()
        let export = try KubernetesExport(file: file, options: KubernetesExport.Options(
            parameters: try options.parameterValues(), image: options.image, priorityClass: priorityClass))
        var files: [(name: String, text: String)] = []
        for job in export.jobs { files.append((job.metadata.name + ".yaml", try KubernetesJob.yamlStream([job]))) }
        try options.write(stream: try export.yaml(), files: files)
        try options.report(export.notes)
    }
}
