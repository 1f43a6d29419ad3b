import DroverCore
import Testing

/// The rules for a compute environment with a `slurm` block: an UNMANAGED environment naming one partition, with no
/// `sbatch` option that Drover sets itself (which would take the submission out of its hands).
struct SlurmValidationTests {
    /// An UNMANAGED environment on partition `spot` of 6 vCPUs, as `change` leaves it.
    static func environment(_ change: (inout ComputeEnvironment) -> Void = { _ in }) -> ComputeEnvironment {
        var environment = ComputeEnvironment(name: "hpc")
        environment.type = "UNMANAGED"
        environment.unmanagedvCpus = 6
        environment.slurm = SlurmSettings(partition: "spot")
        change(&environment)
        return environment
    }

    static func fields(_ environment: ComputeEnvironment) -> [String] {
        Validator.validate(environment).map(\.field)
    }

    static func options(_ options: [String]) -> ComputeEnvironment {
        environment { $0.slurm?.options = options }
    }

    @Test func aPartitionOfAnUnmanagedEnvironmentIsValid() {
        #expect(Validator.validate(Self.environment()).isEmpty)
        var full = SlurmSettings(partition: "gpu-a100_long")
        full.account = "lab"
        full.qos = "normal"
        full.constraint = "avx2&(ib|eth)"
        full.options = ["--exclusive", "--gres=gpu:1", "--nice=10", "--time-min=5", "--wait-all-nodes=1", "--mem-bind=local", "-Alab", "--begin=now+1hour"]
        full.queuedvCpus = 0
        #expect(Validator.validate(Self.environment { $0.slurm = full }).isEmpty)
    }

    @Test(arguments: [nil, "MANAGED", "managed", "unmanaged", "FARGATE"] as [String?])
    func theTypeMustBeUnmanaged(_ type: String?) {
        let environment = Self.environment { $0.type = type }
        let issues = Validator.validate(environment).filter { $0.field == "type" }
        #expect(issues.contains { $0.message.contains("UNMANAGED") && $0.message.contains("slurm") }, "\(issues)")
    }

    @Test func computeResourcesAndSimulationAreRefused() {
        #expect(Self.fields(Self.environment { $0.computeResources = ComputeResources(type: "EC2", maxvCpus: 4) }) == ["computeResources"])
        let message = Validator.validate(Self.environment { $0.computeResources = ComputeResources(maxvCpus: 4) }).first?.message ?? ""
        #expect(message.contains("unmanagedvCpus"), "says what to give instead: \(message)")
        #expect(Self.fields(Self.environment { $0.simulation = SimulationSettings() }).contains("simulation"))
    }

    @Test(arguments: ["", "spot ondemand", "spot,ondemand", "spot\n", " spot", "\tspot"])
    func thePartitionMustBeOneName(_ partition: String) {
        let issues = Validator.validate(Self.environment { $0.slurm?.partition = partition })
        #expect(issues.map(\.field) == ["slurm.partition"], "'\(partition)'")
    }

    @Test(arguments: ["account", "qos", "constraint"], ["", "a\nb", "x\r\n"])
    func accountQosAndConstraintAreSingleLines(_ name: String, _ value: String) {
        let environment = Self.environment {
            switch name {
            case "account": $0.slurm?.account = value
            case "qos": $0.slurm?.qos = value
            default: $0.slurm?.constraint = value
            }
        }
        #expect(Self.fields(environment) == ["slurm.\(name)"])
    }

    /// Every option that sets what Drover sets for each submission, in its long form, with a value, and in its
    /// short form (glued to its value as getopt allows); and `--`, after which sbatch reads no more options.
    @Test(arguments: [
        "--array", "--array=0-9", "-a", "-a0-9", "--output=out.log", "-o", "-oout.log", "--error=out.log", "-e", "--input=/dev/zero", "-i",
        "--job-name=x", "-J", "-Jx", "--comment=drover:v1:x", "--dependency=afterok:1", "--dependency", "-d", "-dafterany:3",
        "--requeue", "--no-requeue", "--parsable", "--wrap=true", "--chdir=/", "-D", "-D/tmp", "--partition=ondemand", "-p", "-pdebug",
        "--time=5", "-t", "-t5", "--cpus-per-task=2", "-c", "-c2", "--mem=1G", "--export=NONE", "--export", "--wait", "-W", "--hold", "-H",
        "--kill-on-invalid-dep=no", "--",
    ])
    func optionsDroverSetsAreRefused(_ option: String) {
        let issues = Validator.validate(Self.options(["--exclusive", option]))
        #expect(issues.map(\.field) == ["slurm.options"], "\(option): \(issues)")
        #expect(issues.first?.message.contains("Drover sets it") == true)
    }

    /// sbatch (getopt_long) takes any unambiguous abbreviation of a long option: `--arr=0-3` is `--array=0-3`,
    /// `--depend=afterok:1` is `--dependency`, `--out=FILE` is `--output` (tried with this machine's sbatch 22.05).
    /// Given last, after Drover's own, they override what Drover set. So do short options bundled after a flag that
    /// takes no value: `-Qa0-3` is `-Q -a 0-3`, `-vH` is `-v -H`.
    @Test(arguments: ["--arr=0-3", "--depend=afterok:1", "--out=out.log", "--requeu", "--parsab", "--chd=/", "--part=ondemand", "--tim=1",
                      "--cpus-per=4", "--wra=true", "--kill-on=no", "--job-n=x", "--comm=x", "--hol", "--dep=afterany:2",
                      "-Qa0-3", "-vH", "-voout.log", "-Qpdebug", "-vvt1"])
    func abbreviationsOfOptionsDroverSetsAreRefused(_ option: String) {
        let issues = Validator.validate(Self.options([option]))
        #expect(issues.map(\.field) == ["slurm.options"], "\(option) abbreviates an option Drover sets: \(issues)")
    }

    @Test(arguments: ["exclusive", "", "gres=gpu:1", "--exclusive\n--array=0-3", "--nice=1\n"])
    func optionsMustBeSingleOptions(_ option: String) {
        let issues = Validator.validate(Self.options([option]))
        #expect(issues.map(\.field) == ["slurm.options[0]"], "'\(option)': \(issues)")
    }

    @Test(arguments: [(-1, false), (0, true), (48, true), (1_000_000, true), (1_000_001, false), (Int.max, false)])
    func queuedvCpusBounds(_ queued: Int, _ valid: Bool) {
        let issues = Validator.validate(Self.environment { $0.slurm?.queuedvCpus = queued })
        #expect(issues.map(\.field) == (valid ? [] : ["slurm.queuedvCpus"]), "\(queued)")
    }

    /// What a user sees: the file, the environment and the field, from `drover apply`'s loader.
    @Test func aFileWithAManagedSlurmEnvironmentIsRefusedNamingTheField() {
        let text = """
            computeEnvironments:
              - computeEnvironmentName: hpc
                type: MANAGED
                computeResources: {type: EC2, maxvCpus: 4}
                slurm: {partition: spot, options: ["--array=0-3"]}
            """
        let message: String
        do {
            _ = try DocumentLoader.parse(text: text, path: "cluster.yaml")
            message = "accepted"
        } catch {
            message = error.message
        }
        #expect(message.contains("cluster.yaml"), "\(message)")
        #expect(message.contains("type") && message.contains("UNMANAGED"), "\(message)")
        #expect(message.contains("computeResources") && message.contains("--array"), "\(message)")
    }

    // MARK: - slurmrestd

    @Test(arguments: ["http://127.0.0.1:6820", "http://slurm.example.org", "http://[::1]:6820/", "HTTP://ctl:6820"])
    func aSlurmrestdURLIsAnHttpAddress(_ url: String) {
        let issues = Validator.validate(Self.environment { $0.slurm?.slurmrestd = url })
        #expect(issues.isEmpty, "\(url): \(issues)")
    }

    @Test(arguments: [
        ("127.0.0.1:6820", "http://"), ("ftp://h:21", "http://"), ("unix:/run/slurmrestd.socket", "http://"),
        ("http://", "host"), ("http://:6820", "host"), ("", "http://"), ("https://slurm.example.org", "plain HTTP"),
        ("http://h:6820/slurm/v0.0.38", "no path"), ("http://user:pw@h:6820", "no path"), ("http://h:6820?x=1", "no path"),
    ])
    func aBadSlurmrestdURLIsRefused(_ url: String, _ says: String) {
        let issues = Validator.validate(Self.environment { $0.slurm?.slurmrestd = url })
        #expect(issues.map(\.field) == ["slurm.slurmrestd"], "\(url): \(issues)")
        let message = issues.first?.message ?? ""
        #expect(message.contains(says) && message.contains("http://127.0.0.1:6820"), "\(message)")
    }

    @Test func optionsCannotGoThroughSlurmrestd() {
        let environment = Self.environment {
            $0.slurm?.slurmrestd = "http://127.0.0.1:6820"
            $0.slurm?.options = ["--exclusive"]
        }
        let issues = Validator.validate(environment)
        #expect(issues.map(\.field) == ["slurm.options"])
        let message = issues.first?.message ?? ""
        #expect(message.contains("slurmrestd"), "\(message)")
        // Account, qos and constraint have fields of their own in the REST API: they go.
        let mapped = Self.environment {
            $0.slurm?.slurmrestd = "http://127.0.0.1:6820"
            $0.slurm?.account = "lab"
            $0.slurm?.qos = "normal"
            $0.slurm?.constraint = "avx2"
            $0.slurm?.options = []
        }
        #expect(Validator.validate(mapped).isEmpty)
    }
}
