import ArgumentParser
import CDroverSpawn
import DroverCore
import Foundation

/// The `drover` command: AWS Batch–style queues, array jobs and retry rules on this machine.
@main
struct Drover: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drover",
        abstract: "Run AWS Batch-style job queues, array jobs and retry rules on this machine.",
        discussion: """
            Quick start:  drover run jobs/hello-array.yaml
            State lives in ./.drover (or --state-dir, or DROVER_STATE_DIR).
            """,
        subcommands: [
            Run.self, Apply.self, Submit.self, Serve.self, Jobs.self, Describe.self, Logs.self,
            Cancel.self, Terminate.self, Queues.self, Environments.self, Definitions.self, Chaos.self, Image.self, Health.self,
        ]
    )

    static func main() {
        // An engine starts its job supervisor from this same binary (see CDroverSpawn's supervisor.c).
        if CommandLine.argc > 2, CommandLine.arguments[1] == "--drover-supervisor" {
            Foundation.exit(drover_supervisor_main(CommandLine.argc, CommandLine.unsafeArgv))
        }
        // As a container's PID 1, a small init stays behind to forward signals and reap orphaned processes.
        drover_init_if_pid1()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as DroverError {
            FileHandle.standardError.write(Data("drover: \(error.message)\n".utf8))
            Foundation.exit(error.exitCode)
        } catch {
            exit(withError: error)
        }
    }
}
