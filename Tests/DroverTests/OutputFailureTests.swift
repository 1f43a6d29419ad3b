import DroverStore
import Foundation
import Testing

/// Output that cannot be written (a closed pipe, a full disk) fails the command with a clear message: never a
/// crash, never a success that wrote nothing.
struct OutputFailureTests {
    /// Where a test sends a stream: a closed pipe, /dev/full, or a file the test reads.
    enum Target {
        case closedPipe, full, file
    }

    struct Outcome {
        var status: Int32
        var killedBySignal: Bool
        var stderr: String
    }

    /// Runs `drover ARGUMENTS` with standard output and error sent to the targets given.
    static func run(_ sandbox: Sandbox, _ arguments: [String], stdout: Target, stderr: Target = .file) throws -> Outcome {
        let process = sandbox.process(arguments)
        let errorFile = sandbox.root.appendingPathComponent("stderr-\(UUID().uuidString)")
        var keep: [Any] = []
        func handle(_ target: Target, file: URL) throws -> FileHandle {
            switch target {
            case .closedPipe:
                let pipe = Pipe()
                try pipe.fileHandleForReading.close()
                keep.append(pipe)
                return pipe.fileHandleForWriting
            case .full:
                return try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
            case .file:
                _ = FileManager.default.createFile(atPath: file.path, contents: nil)
                return try FileHandle(forWritingTo: file)
            }
        }
        process.standardOutput = try handle(stdout, file: sandbox.root.appendingPathComponent("stdout-\(UUID().uuidString)"))
        process.standardError = try handle(stderr, file: errorFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        withExtendedLifetime(keep) {}
        return Outcome(status: process.terminationStatus, killedBySignal: process.terminationReason == .uncaughtSignal,
                       stderr: (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "")
    }

    /// A state directory with one RUNNABLE job (no engine runs it); returns its id.
    static func sandboxWithAJob() throws -> (Sandbox, String) {
        let sandbox = try Sandbox()
        try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment() + "jobDefinitions:\n  - jobDefinitionName: d\n    containerProperties: {command: [true]}\n"))
        return (sandbox, try sandbox.submit("-q", "default", "-d", "d"))
    }

    static func expectFailure(_ outcome: Outcome, saying message: String?, _ what: String) {
        #expect(!outcome.killedBySignal, "\(what): killed by signal \(outcome.status)")
        #expect(![0, 132, 133, 134, 139].contains(outcome.status), "\(what): exit status \(outcome.status)")
        if let message {
            #expect(outcome.stderr.contains(message), "\(what): stderr was \(outcome.stderr)")
        }
    }

    @Test(arguments: [
        (["jobs"], Target.full, "drover: standard output: No space left on device"),
        (["jobs", "--all", "--output", "json"], Target.closedPipe, "drover: standard output closed (broken pipe)"),
        (["describe", "JOB"], Target.full, "drover: standard output: No space left on device"),
        (["describe", "JOB", "--output", "json"], Target.closedPipe, "drover: standard output closed (broken pipe)"),
        (["--help"], Target.full, "drover: standard output: No space left on device"),
    ])
    func standardOutputThatCannotBeWritten(arguments: [String], target: Target, message: String) throws {
        let (sandbox, id) = try Self.sandboxWithAJob()
        let outcome = try Self.run(sandbox, arguments.map { $0 == "JOB" ? id : $0 }, stdout: target)
        Self.expectFailure(outcome, saying: message, "\(arguments) > \(target)")
    }

    @Test func standardErrorThatCannotBeWritten() throws {
        let sandbox = try Sandbox()
        // `drover jobs` on an empty state directory writes only a note to standard error.
        for target in [Target.full, .closedPipe] {
            let outcome = try Self.run(sandbox, ["jobs"], stdout: .file, stderr: target)
            Self.expectFailure(outcome, saying: nil, "drover jobs 2> \(target)")
        }
    }

    @Test func logsIntoAClosedPipe() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.write("talk.yaml", basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: talk
                containerProperties: {command: [sh, -c, "echo hello"]}
            jobs:
              - {jobName: talk, jobQueue: default, jobDefinition: talk}
            """)
        #expect(try sandbox.drover("run", file, "--quiet").status == 0)
        let id = try #require(try sandbox.store().jobs(.init(all: true)).first?.jobId)
        let outcome = try Self.run(sandbox, ["logs", id], stdout: .closedPipe)
        Self.expectFailure(outcome, saying: "drover: standard output closed (broken pipe)", "drover logs | (closed)")
    }

    @Test func imageReportOnAFullDevice() throws {
        let sandbox = try Sandbox()
        _ = try ImageCommandTests.makePhotos(in: sandbox)
        let recipe = try sandbox.write("recipe.yaml", ImageCommandTests.recipeText)
        let outcome = try Self.run(sandbox, ["image", "--recipe", recipe, "--input", "photos", "--output", "out", "--report", "/dev/full", "--quiet"],
                                   stdout: .file)
        Self.expectFailure(outcome, saying: "drover: --report /dev/full: No space left on device", "drover image --report /dev/full")
    }

    @Test func imageReportIntoAClosedPipe() throws {
        let sandbox = try Sandbox()
        _ = try ImageCommandTests.makePhotos(in: sandbox)
        let recipe = try sandbox.write("recipe.yaml", ImageCommandTests.recipeText)
        let outcome = try Self.run(sandbox, ["image", "--recipe", recipe, "--input", "photos", "--output", "out", "--report", "-", "--quiet"],
                                   stdout: .closedPipe)
        Self.expectFailure(outcome, saying: "drover: standard output closed (broken pipe)", "drover image --report - | (closed)")
    }
}
