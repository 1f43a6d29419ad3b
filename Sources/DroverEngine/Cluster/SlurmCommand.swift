import DroverCore
import Foundation

/// Runs one Slurm client command (`sbatch`, `squeue`, `scancel`, `sinfo`) found on PATH, with a time limit, and
/// returns what it printed. Output goes through files in `scratch`, so a large `squeue --json` never fills a pipe.
struct SlurmCommand {
    /// Where output files are written (the engine's `STATE/slurm`).
    var scratch: String
    /// The environment the commands run with (the engine's, without the job variables Drover sets itself).
    var environment: [String: String]

    /// What a command did.
    struct Result {
        var status: Int32
        var output: Data
        var error: String
        var timedOut: Bool

        var succeeded: Bool { status == 0 && !timedOut }

        /// The first line of what it said on standard error (or why it did not run).
        var message: String {
            let line = error.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            if timedOut { return "timed out" + (line.isEmpty ? "" : " (\(line))") }
            return line.isEmpty ? "exit status \(status)" : line
        }

        /// Whether it failed because the controller could not be reached (worth trying again), not because Slurm
        /// refused the request.
        var unreachable: Bool {
            timedOut || ["Unable to contact", "Socket timed out", "Connection refused", "Transport endpoint",
                                          "Zero Bytes were transmitted", "Communication connection failure"].contains { error.contains($0) }
        }
    }

    /// Runs `name` with `arguments`, standard input from `input` (a file path), for at most `timeout` seconds.
    func run(_ name: String, _ arguments: [String], input: String? = nil, timeout: Double = 30) -> Result {
        let searchPath = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        guard let path = Executables.resolve(name, searchPath: searchPath) else {
            return Result(status: 127, output: Data(), error: "\(name) is not on PATH (\(searchPath)): install Slurm's client commands",
                          timedOut: false)
        }
        let outputPath = "\(scratch)/\(name).out"
        let errorPath = "\(scratch)/\(name).err"
        guard FileManager.default.createFile(atPath: outputPath, contents: nil), FileManager.default.createFile(atPath: errorPath, contents: nil),
              let output = FileHandle(forWritingAtPath: outputPath), let error = FileHandle(forWritingAtPath: errorPath) else {
            return Result(status: 126, output: Data(), error: "cannot write \(scratch): \(String(cString: strerror(errno)))", timedOut: false)
        }
        defer {
            try? output.close()
            try? error.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = output
        process.standardError = error
        if let input {
            guard let handle = FileHandle(forReadingAtPath: input) else {
                return Result(status: 126, output: Data(), error: "cannot read \(input)", timedOut: false)
            }
            process.standardInput = handle
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            return Result(status: 126, output: Data(), error: "cannot run \(path): \(error)", timedOut: false)
        }
        var timedOut = false
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
        }
        let printed = (try? Data(contentsOf: URL(fileURLWithPath: outputPath))) ?? Data()
        let said = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
        return Result(status: process.terminationStatus, output: printed, error: said, timedOut: timedOut)
    }
}
