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
            Cancel.self, Terminate.self, Queues.self, Environments.self, Definitions.self,
            UpdateJobQueue.self, UpdateComputeEnvironment.self, DeleteJobQueue.self, DeleteComputeEnvironment.self,
            DeregisterJobDefinition.self, RetryFailed.self, Workflow.self, Events.self, Chaos.self, Image.self, Health.self, Credentials.self, Export.self,
        ]
    )

    static func main() {
        // An engine starts its job supervisor from this same binary (see CDroverSpawn's supervisor.c).
        if CommandLine.argc > 2, CommandLine.arguments[1] == "--drover-supervisor" {
            Foundation.exit(drover_supervisor_main(CommandLine.argc, CommandLine.unsafeArgv))
        }
        // As a container's PID 1, a small init stays behind to forward signals and reap orphaned processes.
        drover_init_if_pid1()
        // A closed pipe is then an EPIPE that OutputFile reports, not a silent death. Jobs get SIGPIPE back: the
        // spawner resets every signal to its default.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
            try OutputFile.checkStandardStreams()
        } catch {
            fail(error)
        }
    }

    /// Reports `error` (help and version text to standard output) and exits with its status.
    static func fail(_ error: any Error) -> Never {
        let (message, code): (String, Int32) = if let error = error as? DroverError {
            ("drover: \(error.message)", error.exitCode)
        } else {
            (fullMessage(for: error), exitCode(for: error).rawValue)
        }
        if !message.isEmpty {
            do {
                try (code == 0 ? OutputFile.standardOutput : OutputFile.standardError).write(message + "\n")
            } catch {
                try? OutputFile.standardError.write("drover: \(error.message)\n")
                Foundation.exit(code == 0 ? 1 : code)
            }
        }
        Foundation.exit(code)
    }
}
