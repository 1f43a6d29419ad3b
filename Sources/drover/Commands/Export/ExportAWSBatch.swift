import ArgumentParser
import DroverAPI
import DroverCore

/// `drover export aws-batch FILE`: the file as AWS Batch's own requests.
struct ExportAWSBatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aws-batch",
        abstract: "Write a job file as the --cli-input-json requests of aws batch (environments, queues, definitions, jobs).",
        discussion: """
            With --output DIR, one COMMAND-NAME.json per request (create-compute-environment, create-job-queue, \
            register-job-definition, submit-job), for `aws batch COMMAND --cli-input-json file://...`, run in that \
            order; on standard output, one JSON object with a list of bodies per command. Drover's extensions are \
            left out, each with a note on standard error.
            """)

    @OptionGroup var options: ExportOptions

    func run() throws {
        let file = try options.load()
        let export = try AWSBatchExport(file: file, parameters: try options.parameterValues(), image: options.image)
        try options.write(stream: AWSBatchExport.text(export.combined),
                          files: export.requests.map { ($0.fileName, AWSBatchExport.text($0.body)) })
        try options.report(export.notes)
    }
}
