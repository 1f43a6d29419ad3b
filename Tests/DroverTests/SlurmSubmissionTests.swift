import DroverCore
@testable import DroverEngine
import Foundation
import Testing

/// One `sbatch` (``SlurmSubmission``): its arguments from the environment's settings and the job's needs, and its batch
/// script, which is run here with /bin/sh as Slurm would run it, to see what the command really gets.
struct SlurmSubmissionTests {
    static let parent = "k3x9m2qd"

    /// An attempt of `jobId` on environment `hpc` (partition `spot` unless `slurm` says otherwise).
    static func launch(_ jobId: String, attempt: Int = 1, command: [String] = ["true"], vcpus: Double = 1, memory: Int = 0,
                       timeout: Double? = nil, grace: Double = 30, folder: String = "/srv/work", environment: String = "hpc",
                       slurm: SlurmSettings = SlurmSettings(partition: "spot"), variables: [JobVariable] = []) -> AttemptLaunch {
        let (parent, index) = JobID.split(jobId)
        var launch = AttemptLaunch(key: AttemptKey(jobId: jobId, attempt: attempt), executable: nil, command: command, environment: [],
                                   workingDirectory: folder,
                                   logPath: "\(folder)/\(parent)-\(index.map { "\($0)-" } ?? "")attempt-\(attempt).log",
                                   timeoutSeconds: timeout, graceSeconds: grace, need: ResourceNeed(vcpus: vcpus, memory: memory))
        launch.cluster = ClusterLaunch(slurm: slurm, environment: environment, jobName: "render", variables: variables)
        return launch
    }

    /// The one submission of `launches`.
    static func submission(_ launches: [AttemptLaunch]) throws -> SlurmSubmission {
        let submissions = SlurmSubmission.group(launches, tag: "9f3a01c2", maxArraySize: 100_001) { "tok" }
        #expect(submissions.count == 1)
        return try #require(submissions.first)
    }

    static func arguments(_ launch: AttemptLaunch) throws -> [String] {
        try submission([launch]).arguments
    }

    /// The value of `--NAME=` in `arguments`, or nil.
    static func value(_ name: String, in arguments: [String]) -> String? {
        arguments.last { $0.hasPrefix("--\(name)=") }.map { String($0.dropFirst(name.count + 3)) }
    }

    // MARK: - Arguments

    @Test func aPlainJobGoesWithoutAnArray() throws {
        let arguments = try Self.arguments(Self.launch(Self.parent, folder: "/srv/my work"))
        #expect(arguments.first == "--parsable")
        #expect(Self.value("partition", in: arguments) == "spot")
        #expect(Self.value("job-name", in: arguments) == "render")
        #expect(Self.value("comment", in: arguments) == "drover:v1:9f3a01c2:\(Self.parent):1:-:30:0:tok")
        #expect(Self.value("chdir", in: arguments) == "/srv/my work")
        // Slurm writes nothing of its own, requeues nothing (Drover decides), and is told no array.
        #expect(arguments.contains("--no-requeue") && arguments.contains("--output=/dev/null") && arguments.contains("--error=/dev/null"))
        #expect(!arguments.contains { $0.hasPrefix("--array") || $0.hasPrefix("--requeue") })
        #expect(Self.value("account", in: arguments) == nil && Self.value("qos", in: arguments) == nil)
        #expect(Self.value("constraint", in: arguments) == nil && Self.value("time", in: arguments) == nil)
    }

    @Test(arguments: [
        ([0, 1, 2, 3, 5, 6, 7, 8, 9], "0-3,5-9"), ([2, 5, 7], "2,5,7"), ([7], "7"), ([9, 1, 0], "0-1,9"), (Array(0..<300), "0-299"),
    ])
    func anArrayGoesAsOneSbatchOfItsIndices(_ indices: [Int], _ list: String) throws {
        let submission = try Self.submission(indices.map { Self.launch(JobID.child(Self.parent, $0)) })
        #expect(submission.indices == indices)
        #expect(Self.value("array", in: submission.arguments) == list)
        #expect(submission.arguments.filter { $0.hasPrefix("--array") }.count == 1)
    }

    @Test func accountQosAndConstraintComeFromTheSettings() throws {
        var slurm = SlurmSettings(partition: "gpu")
        slurm.account = "lab"
        slurm.qos = "high"
        slurm.constraint = "avx2&ib"
        let arguments = try Self.arguments(Self.launch(Self.parent, slurm: slurm))
        #expect(Self.value("partition", in: arguments) == "gpu")
        #expect(Self.value("account", in: arguments) == "lab")
        #expect(Self.value("qos", in: arguments) == "high")
        #expect(Self.value("constraint", in: arguments) == "avx2&ib")
    }

    @Test func furtherOptionsComeLastAsGiven() throws {
        var slurm = SlurmSettings(partition: "spot")
        slurm.options = ["--exclusive", "--gres=gpu:1", "--nice=10"]
        let arguments = try Self.arguments(Self.launch(Self.parent, timeout: 60, slurm: slurm))
        #expect(Array(arguments.suffix(3)) == ["--exclusive", "--gres=gpu:1", "--nice=10"])
    }

    /// Slurm counts whole CPUs: a fractional vCPU need is rounded up; no need, no option.
    @Test(arguments: [(0.25, "1"), (0.5, "1"), (1, "1"), (1.5, "2"), (2, "2"), (16, "16"), (0, nil)] as [(Double, String?)])
    func cpusPerTask(_ vcpus: Double, _ option: String?) throws {
        #expect(Self.value("cpus-per-task", in: try Self.arguments(Self.launch(Self.parent, vcpus: vcpus))) == option)
    }

    @Test(arguments: [(512, "512M"), (64, "64M"), (30_720, "30720M"), (0, nil)] as [(Int, String?)])
    func memory(_ memory: Int, _ option: String?) throws {
        #expect(Self.value("mem", in: try Self.arguments(Self.launch(Self.parent, memory: memory))) == option)
    }

    /// Slurm's limit is a backstop in whole minutes: at least a minute beyond the timeout and the grace period, and
    /// not a minute more than that.
    @Test(arguments: [(1.0, 30.0), (2, 0.5), (59, 1), (60, 0), (90, 30), (3600, 30), (86_400, 300), (31_536_000, 30)])
    func timeLimitInMinutes(_ timeout: Double, _ grace: Double) throws {
        let arguments = try Self.arguments(Self.launch(Self.parent, timeout: timeout, grace: grace))
        let minutes = try #require(Self.value("time", in: arguments).flatMap { Int($0) })
        #expect(Double(minutes * 60) >= timeout + grace + 60, "--time=\(minutes) for \(timeout) s + \(grace) s")
        #expect(Double(minutes * 60) < timeout + grace + 120, "--time=\(minutes) for \(timeout) s + \(grace) s")
    }

    @Test func launchesAreGroupedByParentAttemptAndEnvironment() {
        let launches = [
            Self.launch("a:0"), Self.launch("a:1"), Self.launch("b:0"), Self.launch("a:2", attempt: 2), Self.launch("a:3"),
            Self.launch("a:4", environment: "hpc2"), Self.launch("c"),
        ]
        var tokens = 0
        let submissions = SlurmSubmission.group(launches, tag: "t", maxArraySize: 100_001) {
            tokens += 1
            return "tok\(tokens)"
        }
        #expect(submissions.map { $0.launches.map(\.key.jobId) } == [["a:0", "a:1", "a:3"], ["b:0"], ["a:2"], ["a:4"], ["c"]])
        #expect(Set(submissions.map(\.comment.token)).count == 5, "each submission has its own token")
        #expect(submissions.map(\.comment.attempt) == [1, 1, 2, 1, 1])
        #expect(submissions[4].indices == nil)
        // Attempts for a local environment are not the cluster's.
        var local = Self.launch("d")
        local.cluster = nil
        #expect(SlurmSubmission.group([local], tag: "t", maxArraySize: 100_001) { "x" }.isEmpty)
    }

    // MARK: - The batch script, run with /bin/sh

    /// A scratch folder for one script run.
    final class Folder {
        let path: String
        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("drover-sbatch-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        var files: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
        func read(_ name: String) -> String? { try? String(contentsOfFile: "\(path)/\(name)", encoding: .utf8) }
    }

    struct Run {
        var status: Int32
        var signalled: Bool
        var stderr: String
    }

    /// Runs `script` as Slurm runs a batch script: `/bin/sh SCRIPT` in `folder` with Slurm's task variables (and nothing
    /// of this process's environment but PATH).
    static func run(_ script: String, in folder: Folder, taskId: Int? = nil) throws -> Run {
        let path = "\(folder.path)/.script.sh"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let errors = "\(folder.path)/.stderr"
        #expect(FileManager.default.createFile(atPath: errors, contents: nil))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [path]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        var environment = ["PATH": "/usr/bin:/bin", "SLURM_JOB_ID": "77"]
        if let taskId { environment["SLURM_ARRAY_TASK_ID"] = "\(taskId)" }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let said = folder.read(".stderr") ?? ""
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.removeItem(atPath: errors)
        return Run(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal, stderr: said)
    }

    /// A command that prints each of its arguments, then each named variable, as `<value>` lines.
    static func printer(arguments: [String] = [], variables: [String] = []) -> [String] {
        let show = variables.map { "printf 'ENV %s=<%s>\\n' '\($0)' \"$\($0)\"" }.joined(separator: "; ")
        return ["/bin/sh", "-c", "for a; do printf 'ARG <%s>\\n' \"$a\"; done; \(show.isEmpty ? "true" : show)", "sh"] + arguments
    }

    @Test func eachTaskGetsItsIdentityAndTheJobsVariables() throws {
        let folder = try Folder()
        let variables = [JobVariable("AWS_BATCH_JOB_ATTEMPT", "2"), JobVariable("AWS_BATCH_JQ_NAME", "default"),
                         JobVariable("AWS_BATCH_CE_NAME", "hpc"), JobVariable("AWS_BATCH_JOB_ARRAY_SIZE", "10"), JobVariable("GREETING", "hello")]
        let names = ["AWS_BATCH_JOB_ID", "AWS_BATCH_JOB_ARRAY_INDEX", "AWS_BATCH_JOB_ATTEMPT", "AWS_BATCH_JQ_NAME", "AWS_BATCH_CE_NAME",
                     "AWS_BATCH_JOB_ARRAY_SIZE", "GREETING"]
        let launches = [0, 3, 7].map {
            Self.launch(JobID.child(Self.parent, $0), attempt: 2, command: Self.printer(variables: names), folder: folder.path, variables: variables)
        }
        let script = try Self.submission(launches).script
        let run = try Self.run(script, in: folder, taskId: 3)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(folder.read("\(Self.parent)-3-attempt-2.log") == """
            ENV AWS_BATCH_JOB_ID=<\(Self.parent):3>
            ENV AWS_BATCH_JOB_ARRAY_INDEX=<3>
            ENV AWS_BATCH_JOB_ATTEMPT=<2>
            ENV AWS_BATCH_JQ_NAME=<default>
            ENV AWS_BATCH_CE_NAME=<hpc>
            ENV AWS_BATCH_JOB_ARRAY_SIZE=<10>
            ENV GREETING=<hello>

            """)
        // Only task 3's log was written: each task finds its own in the script's case statement.
        #expect(folder.files == ["\(Self.parent)-3-attempt-2.log"])
    }

    @Test func aTaskThatIsNotTheSubmissionsWritesNothingAndFails() throws {
        let folder = try Folder()
        let launches = [2, 5, 7].map { Self.launch(JobID.child(Self.parent, $0), command: ["touch", "ran"], folder: folder.path) }
        let run = try Self.run(try Self.submission(launches).script, in: folder, taskId: 4)
        #expect(run.status == 70 && run.stderr.contains("task 4"), "\(run)")
        #expect(folder.files.isEmpty)
        let none = try Self.run(try Self.submission(launches).script, in: folder, taskId: nil)
        #expect(none.status == 70 && folder.files.isEmpty)
    }

    @Test func aPlainJobHasNoArrayIndex() throws {
        let folder = try Folder()
        let launch = Self.launch(Self.parent, command: Self.printer(variables: ["AWS_BATCH_JOB_ID", "AWS_BATCH_JOB_ARRAY_INDEX"]), folder: folder.path)
        let run = try Self.run(try Self.submission([launch]).script, in: folder)
        #expect(run.status == 0)
        #expect(folder.read("\(Self.parent)-attempt-1.log") == "ENV AWS_BATCH_JOB_ID=<\(Self.parent)>\nENV AWS_BATCH_JOB_ARRAY_INDEX=<>\n")
    }

    /// Values that would run something if a shell read them unquoted: quotes, command substitutions, backticks,
    /// newlines, globs, variables, separators.
    static let hostile = [
        "it's", #""double""#, "$(touch injected-dollar)", "`touch injected-backtick`", "two\nlines\n", "a;touch injected-semicolon",
        "$HOME", "*", "\\", "'; touch injected-quote; '", "\"$(touch injected-dq)\"", "", " leading space", "-n", "%s %d", "naïve 日本",
        "&& touch injected-and", "| touch injected-pipe", "> injected-redirect", "${IFS}", "\t",
    ]

    @Test func hostileArgumentsAndValuesReachTheCommandAsTheyAre() throws {
        let folder = try Folder()
        let variables = Self.hostile.enumerated().map { JobVariable("HOSTILE_\($0.offset)", $0.element) }
        let command = Self.printer(arguments: Self.hostile, variables: variables.map(\.name))
        let launches = [0, 1].map { Self.launch(JobID.child(Self.parent, $0), command: command, folder: folder.path, variables: variables) }
        let run = try Self.run(try Self.submission(launches).script, in: folder, taskId: 1)
        #expect(run.status == 0, "\(run.stderr)")
        let expected = Self.hostile.map { "ARG <\($0)>\n" }.joined()
            + Self.hostile.enumerated().map { "ENV HOSTILE_\($0.offset)=<\($0.element)>\n" }.joined()
        #expect(folder.read("\(Self.parent)-1-attempt-1.log") == expected)
        #expect(folder.files == ["\(Self.parent)-1-attempt-1.log"], "nothing else was created")
    }

    @Test func aHostileFolderAndLogPathAreQuoted() throws {
        let base = try Folder()
        let name = "it's $(touch injected) `x` \"q\""
        try FileManager.default.createDirectory(atPath: "\(base.path)/\(name)", withIntermediateDirectories: true)
        let launch = Self.launch("\(Self.parent):0", command: ["echo", "hello"], folder: "\(base.path)/\(name)")
        let run = try Self.run(try Self.submission([launch]).script, in: base, taskId: 0)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(base.read("\(name)/\(Self.parent)-0-attempt-1.log") == "hello\n")
        #expect(base.files == [name])
    }

    /// The script ends in `exec COMMAND`: Slurm sees the command's own exit code or signal.
    @Test(arguments: [("exit 3", Int32(3), false), ("exit 0", 0, false), ("kill -KILL $$", SIGKILL, true)])
    func theCommandsExitIsTheTasks(_ body: String, _ status: Int32, _ signalled: Bool) throws {
        let folder = try Folder()
        let launch = Self.launch(Self.parent, command: ["/bin/sh", "-c", body], folder: folder.path)
        let run = try Self.run(try Self.submission([launch]).script, in: folder)
        #expect(run.status == status && run.signalled == signalled, "\(run)")
    }

    // MARK: - Variable names (bugs: see the report of the slurm-tests branch)

    /// A job's variable names are not shell words: Drover's validator takes any name without `=` or NUL (as the
    /// local executor passes any name to the process), so the script must not paste a name into shell code.
    @Test func aVariableNameCannotInjectIntoTheBatchScript() throws {
        let folder = try Folder()
        let variables = [JobVariable("X;touch injected-name;Y", "v"), JobVariable("$(touch injected-subst)", "w")]
        let launch = Self.launch(Self.parent, command: ["/usr/bin/env"], folder: folder.path, variables: variables)
        let run = try Self.run(try Self.submission([launch]).script, in: folder)
        #expect(folder.files == ["\(Self.parent)-attempt-1.log"], "the script ran a variable's name: \(folder.files)")
        #expect(run.status == 0, "\(run.stderr)")
        let environment = folder.read("\(Self.parent)-attempt-1.log") ?? ""
        #expect(environment.contains("X;touch injected-name;Y=v\n") && environment.contains("$(touch injected-subst)=w\n"), "\(environment)")
    }

    /// Names common in container definitions that are not shell identifiers (Spring's `spring.profiles.active`,
    /// `A-B`, `1X`) reach a local job's process; on Slurm, `export` refused them and the task died with exit 2 before
    /// its log was opened, so the user saw exit code 2 and an empty log.
    @Test(arguments: ["spring.profiles.active", "A-B", "1X"])
    func aVariableNameTheShellCannotExportStillReachesTheCommand(_ name: String) throws {
        let folder = try Folder()
        let launch = Self.launch(Self.parent, command: ["/usr/bin/env"], folder: folder.path, variables: [JobVariable(name, "prod")])
        let run = try Self.run(try Self.submission([launch]).script, in: folder)
        #expect(run.status == 0, "the task failed: \(run.stderr)")
        #expect(folder.read("\(Self.parent)-attempt-1.log")?.contains("\n\(name)=prod\n") == true)
    }

    /// The script keeps the log path in a shell variable `log` and redirects to it after exporting the job's
    /// variables: a job whose definition sets `log` (a common name) had its output written to that file instead.
    @Test(arguments: ["log", "i"])
    func aVariableNamedLikeTheScriptsOwnKeepsTheOutputInTheAttemptsLog(_ name: String) throws {
        let folder = try Folder()
        let launches = [0, 1].map {
            Self.launch(JobID.child(Self.parent, $0), command: Self.printer(variables: [name, "AWS_BATCH_JOB_ARRAY_INDEX"]), folder: folder.path,
                        variables: [JobVariable(name, "elsewhere.txt")])
        }
        let run = try Self.run(try Self.submission(launches).script, in: folder, taskId: 1)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(folder.files == ["\(Self.parent)-1-attempt-1.log"])
        #expect(folder.read("\(Self.parent)-1-attempt-1.log") == "ENV \(name)=<elsewhere.txt>\nENV AWS_BATCH_JOB_ARRAY_INDEX=<1>\n")
    }
}
