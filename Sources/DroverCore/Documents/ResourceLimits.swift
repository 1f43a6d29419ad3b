/// The resource amounts Drover accepts, each rule written once and used wherever such a number
/// comes in: job files at `apply` (through ``Validator`` and the decoders) and `drover submit`'s flags.
///
/// As AWS Batch checks them, amounts must be finite, positive and in range. The upper bounds keep
/// every sum and conversion the scheduler does far from overflowing.
///
/// A check returns nil when the value is fine, else what is wrong, phrased to follow a field or flag
/// name: `must be more than 0 and at most 10000 (got 1e+19)`.
public enum ResourceLimits {
    /// Most vCPUs one job may hold (well above any single instance AWS offers).
    public static let maxVcpus = 10_000.0
    /// Most vCPUs a compute environment may have (`minvCpus`, `maxvCpus`, `desiredvCpus`).
    public static let maxEnvironmentVcpus = 1_000_000
    /// Most memory one job may hold, in MiB: 2^30 MiB (1 PiB), far above the largest instance (24 TiB)
    /// and far below where sums of it could overflow.
    public static let maxMemoryMiB = 1 << 30
    /// Most GPUs one job may ask for.
    public static let maxGpus = 1_000

    /// Why `value` is not a valid number of vCPUs for a job (more than 0, at most ``maxVcpus``).
    public static func problem(vcpus value: Double) -> String? {
        if value > 0 && value <= maxVcpus { return nil }
        return "must be more than 0 and at most \(text(maxVcpus)) vCPUs (got \(text(value)))"
    }

    /// Why `value` is not a valid memory amount: a whole number of MiB from 1 to ``maxMemoryMiB``.
    public static func problem(memory value: Double) -> String? {
        if value >= 1 && value <= Double(maxMemoryMiB) && value == value.rounded() { return nil }
        return memoryRule(got: text(value))
    }

    /// Why `value` is not a valid memory amount in MiB (1 to ``maxMemoryMiB``).
    public static func problem(memory value: Int) -> String? {
        (1...maxMemoryMiB).contains(value) ? nil : memoryRule(got: String(value))
    }

    static func memoryRule(got: String) -> String {
        "must be a whole number of MiB from 1 to \(maxMemoryMiB) (1 PiB) (got \(got))"
    }

    /// Why `value` is not a valid GPU count: a whole number from 0 to ``maxGpus``.
    public static func problem(gpus value: Double) -> String? {
        if value >= 0 && value <= Double(maxGpus) && value == value.rounded() { return nil }
        return "must be a whole number from 0 to \(maxGpus) (got \(text(value)))"
    }

    /// Why `value` is not a valid vCPU count for a compute environment (0 to ``maxEnvironmentVcpus``).
    public static func problem(environmentVcpus value: Int) -> String? {
        if (0...maxEnvironmentVcpus).contains(value) { return nil }
        return "must be between 0 and \(maxEnvironmentVcpus) (got \(value))"
    }

    /// Memory in MiB for a value that passed ``problem(memory:)``, else nil.
    public static func memoryMiB(_ value: Double) -> Int? {
        problem(memory: value) == nil ? Int(value) : nil
    }

    static func text(_ value: Double) -> String { PlacementDecision.format(value) }
}
