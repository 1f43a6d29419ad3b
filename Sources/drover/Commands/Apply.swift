import ArgumentParser
import DroverCore
import DroverStore

/// `drover apply FILE...`: create or update environments, queues and definitions.
struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or update compute environments, job queues and job definitions from YAML/JSON files.",
        discussion: """
            All files are applied in one transaction: if any entry is invalid, nothing changes. An object named by \
            jobQueue or computeEnvironment (an `aws batch update-job-queue` / `update-compute-environment` \
            --cli-input-json request) is a partial update of a stored queue or environment: only the members it \
            gives change.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Job files (YAML or JSON, AWS Batch field names).")
    var files: [String]

    func run() throws {
        var merged = ResourceFile(path: files.joined(separator: ", "))
        for path in files {
            let file = try DocumentLoader.load(path: path)
            merged.computeEnvironments += file.computeEnvironments
            merged.jobQueues += file.jobQueues
            merged.jobDefinitions += file.jobDefinitions
            merged.updates += file.updates
            merged.jobs += file.jobs
        }
        let result = try global.store().apply(merged)
        if global.output == .json {
            try Printer.json(["changes": result.changes])
        } else {
            for change in result.changes { try Printer.out(change) }
        }
        for item in merged.jobDefinitions {
            let fields = UnappliedFields.inDefinition(item.document)
            if !fields.isEmpty {
                try Printer.note("warning: \(item.location): job definition \(item.value.jobDefinitionName) sets \(fields.joined(separator: ", ")): kept and shown, but not applied to local processes")
            }
        }
        if !merged.jobs.isEmpty {
            try Printer.note("note: \(merged.jobs.count) job(s) in the file were not submitted: use `drover run \(files[0])` or `drover submit`")
        }
    }
}
