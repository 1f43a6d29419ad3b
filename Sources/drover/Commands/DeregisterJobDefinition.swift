import ArgumentParser
import DroverCore

/// `drover deregister-job-definition`: AWS Batch's `DeregisterJobDefinition`.
struct DeregisterJobDefinition: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deregister-job-definition",
        abstract: "Make a job definition revision INACTIVE: kept and shown, never run again.",
        discussion: """
            Give one revision, NAME:REVISION or its ARN (a bare name is refused, as AWS refuses it). Jobs already \
            submitted with it go on. With --output json it prints DeregisterJobDefinition's response, {}.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The revision: NAME:REVISION or its ARN (or --job-definition).")
    var name: String?

    @Option(name: .customLong("job-definition"), help: "The revision: NAME:REVISION or its ARN.")
    var jobDefinition: String?

    func run() throws {
        try ResourceCommand.act("DeregisterJobDefinition", on: "jobDefinition", argument: name, option: jobDefinition,
                                   flag: "--job-definition", label: "job definition", done: "deregistered", global: global)
    }
}
