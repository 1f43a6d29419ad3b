import DroverCore
import Foundation

/// Runs one Slurm client command (`sbatch`, `squeue`, `scancel`, `sinfo`) found on PATH, with a time limit, and
/// returns what it printed. Output goes through files in `scratch`, so a large `squeue --json` never fills a pipe.
/// The child's signals are reset to their defaults and unblocked (the engine ignores SIGPIPE).
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
            timedOut || SlurmCommand.saysUnreachable(error)
        }
    }

    /// Whether Slurm's message `text` says the controller could not be reached (worth trying again), whichever
    /// client (a command, slurmrestd) relays it.
    static func saysUnreachable(_ text: String) -> Bool {
        ["Unable to contact", "Socket timed out", "Connection refused", "Transport endpoint",
         "Zero Bytes were transmitted", "Communication connection failure"].contains { text.contains($0) }
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
        // posix_spawn and waitpid on this one child: nothing else in the engine reaps it, and the wait is bounded.
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            return Result(status: 126, output: Data(), error: "cannot run \(path): \(String(cString: strerror(spawned)))", timedOut: false)
        }
        var status: Int32 = 0
        var timedOut = false
        let deadline = Date().addingTimeInterval(timeout)
        var pause: UInt32 = 200
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid || (done < 0 && errno != EINTR) { break }
            if !timedOut, Date() >= deadline {
                timedOut = true
                kill(pid, SIGKILL)
            }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
        let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let printed = (try? Data(contentsOf: URL(fileURLWithPath: outputPath))) ?? Data()
        let said = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
        return Result(status: exitStatus, output: printed, error: said, timedOut: timedOut)
    }
}
