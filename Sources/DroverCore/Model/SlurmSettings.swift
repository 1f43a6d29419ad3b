/// Drover's extension to an UNMANAGED compute environment: run its jobs on a Slurm partition.
///
/// ```yaml
/// slurm: {partition: spot, account: lab, qos: normal, constraint: avx2, options: ["--exclusive"]}
/// slurm: {partition: spot, slurmrestd: "http://127.0.0.1:6820"}
/// ```
/// Jobs go to the cluster through the Slurm commands on the engine's PATH (`sbatch`, `squeue`, `scancel`), with the
/// cluster `SLURM_CONF` (or Slurm's default configuration) names; or, when `slurmrestd` is given, through that
/// slurmrestd's REST API (v0.0.38, Slurm 22.05). An array job goes as one submission of a Slurm array.
public struct SlurmSettings: Codable, Sendable, Equatable {
    /// The partition jobs are submitted to (`sbatch --partition`).
    public var partition: String
    /// `sbatch --account`.
    public var account: String?
    /// `sbatch --qos`.
    public var qos: String?
    /// `sbatch --constraint` (node features).
    public var constraint: String?
    /// Further `sbatch` options, each one argument (`--exclusive`, `--gres=gpu:1`). Options that Drover sets itself
    /// (array, output, dependency, requeue, job name, comment...) are refused by the validator.
    public var options: [String]?
    /// How many vCPUs' worth of tasks Drover may leave queued in Slurm beyond the partition's `unmanagedvCpus`.
    /// Default: no bound, as `sbatch` users expect: a whole array goes in one `sbatch --array` and Slurm queues
    /// what cannot run yet. With a bound, jobs beyond it wait in Drover's queue (and may go to a later environment
    /// of their queue as room appears there).
    public var queuedvCpus: Int?
    /// The URL of a slurmrestd (REST API v0.0.38) to drive the cluster through instead of the commands on PATH:
    /// `http://HOST:PORT` (slurmrestd speaks plain HTTP; reach it on its host or a private network). Requests carry the engine's user name
    /// (`X-SLURM-USER-NAME`) and the token in the engine's `SLURM_JWT` variable (what `scontrol token` prints).
    /// `options` cannot go through the REST API and is refused with it.
    public var slurmrestd: String?

    /// Creates settings for `partition`.
    public init(partition: String) {
        self.partition = partition
    }

    /// The `sbatch` options Drover sets itself, which `options` may not give.
    public static let reservedOptions = [
        "--array", "-a", "--output", "-o", "--error", "-e", "--input", "-i", "--job-name", "-J", "--comment",
        "--dependency", "-d", "--requeue", "--no-requeue", "--parsable", "--wrap", "--chdir", "-D", "--partition", "-p",
        "--time", "-t", "--cpus-per-task", "-c", "--mem", "--export", "--wait", "-W", "--hold", "-H", "--kill-on-invalid-dep",
    ]

    /// sbatch's one-letter options that take no value: in a group such as `-vH`, the letter after one of them is
    /// another option (getopt's rule), so `-Qa0-3` gives `-a`.
    static let shortFlags: Set<Character> = ["h", "H", "O", "Q", "s", "u", "v", "V", "W"]

    /// The option of `options` that Drover sets itself (so may not be given), if one is: as written, or abbreviated
    /// (sbatch takes any unambiguous beginning of a long option: `--arr` is `--array`), or in a group of one-letter
    /// options (`-vH`). A bare `--` would end Drover's own options, and is refused too.
    public var reservedOption: String? {
        for option in options ?? [] {
            let name = option.split(separator: "=", maxSplits: 1).first.map(String.init) ?? option
            if name == "--" { return name }
            if name.hasPrefix("--") {
                if Self.reservedOptions.contains(name) { return name }
                if let full = Self.reservedOptions.first(where: { $0.hasPrefix("--") && $0.hasPrefix(name) }) {
                    return "\(name) (\(full))"
                }
            } else if name.hasPrefix("-") {
                for letter in option.dropFirst() {
                    if Self.reservedOptions.contains("-\(letter)") {
                        return option.count == 2 ? option : "-\(letter) (in \(option))"
                    }
                    if !Self.shortFlags.contains(letter) { break }
                }
            }
        }
        return nil
    }
}
