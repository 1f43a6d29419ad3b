import ArgumentParser

/// `drover export k8s|aws-batch FILE`: a job file for another engine.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a job file's jobs for Kubernetes (Indexed Jobs for Kueue) or for AWS Batch itself.",
        discussion: """
            Reads the file as `drover run` does and writes what the other engine takes, to standard output or as \
            one file per object into a folder. What the target cannot express (dependencies between Kubernetes \
            Jobs, retry rules on reasons, Drover's extensions) is reported on standard error. See docs/export.md.
            """,
        subcommands: [ExportKubernetes.self, ExportAWSBatch.self])
}
