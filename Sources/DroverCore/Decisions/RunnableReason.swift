/// AWS Batch's codes for a RUNNABLE job that cannot be placed, with AWS's own text (AWS Batch user
/// guide, "Jobs stuck in a RUNNABLE status"). A reason reads `CODE - AWS's text`, then Drover's
/// detail (which environment allows what).
///
/// Drover gives a code only where AWS's meaning is Drover's:
/// - ``computeEnvironmentMaxResource``: every enabled environment's `maxvCpus` is below the job's vCPUs.
/// - ``jobResourceRequirement``: no enabled environment can ever hold the job, and not only for
///   `maxvCpus` (memory beyond this machine's, or no instance type of a simulated fleet that fits).
/// - ``insufficientInstanceCapacity``: every environment that could hold the job is a simulated
///   SPOT fleet in a capacity shortage.
///
/// Situations AWS has no code for have a plain sentence without a `CODE:` prefix (see the static
/// functions below): a queue without environments, every environment DISABLED, every local
/// process slot busy, environments that are only full for now. AWS's other codes
/// (`MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS`, `MISCONFIGURATION:EC2_INSTANCE_CONFIGURATION_UNSUPPORTED`,
/// `ACTION_REQUIRED`, `UNDETERMINED`) name causes that do not exist locally.
public enum RunnableReason: String, CaseIterable, Sendable {
    /// All connected compute environments have insufficient capacity errors.
    case insufficientInstanceCapacity = "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"
    /// All compute environments have a `maxvCpus` smaller than the job's requirement.
    case computeEnvironmentMaxResource = "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE"
    /// None of the compute environments can hold the job (vCPU, memory or GPU).
    case jobResourceRequirement = "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"

    /// The `statusReason`: the code, AWS's text, then `detail` (a sentence of Drover's) when given.
    public func statusReason(detail: String? = nil) -> String {
        "\(rawValue) - \(awsText)" + (detail.map { " \($0)" } ?? "")
    }

    /// AWS's text after the code, word for word (the capacity one with its instance type left open).
    var awsText: String {
        switch self {
        case .insufficientInstanceCapacity: "Service cannot fulfill the capacity requested for instance type"
        case .computeEnvironmentMaxResource: "CE(s) associated with the job queue cannot meet the CPU requirement of the job."
        case .jobResourceRequirement:
            "The job resource requirement (vCPU/memory/GPU) is higher than that can be met by the CE(s) attached to the job queue."
        }
    }

    /// `CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - Service cannot fulfill the capacity requested for
    /// instance type c5.large`, as AWS writes it, then `detail`.
    public static func insufficientCapacity(instanceTypes: [String], detail: String? = nil) -> String {
        insufficientInstanceCapacity.statusReason(detail: instanceTypes.joined(separator: ", ") + (detail.map { ". \($0)" } ?? ""))
    }

    /// The code a status reason starts with (`CODE` alone, or `CODE - text`), for any code of AWS's
    /// form (capitals, digits, `_` and `:`); nil for a plain sentence.
    public static func code(of statusReason: String) -> String? {
        let head = statusReason.prefix { $0 != " " }
        let rest = statusReason.dropFirst(head.count)
        guard rest.isEmpty || rest.hasPrefix(" - "), let first = head.unicodeScalars.first, ("A"..."Z").contains(first),
              head.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == ":" }) else { return nil }
        return String(head)
    }

    // MARK: - Drover's own waits: no AWS code

    /// A queue none of whose environments exists.
    public static func noComputeEnvironment(queue: String) -> String {
        DroverWait.noComputeEnvironment.sentence(queue)
    }

    /// Every environment of the queue is DISABLED.
    public static func allDisabled(queue: String) -> String {
        DroverWait.allDisabled.sentence(queue)
    }

    /// The job could run on a simulated fleet, but this machine runs as many processes as it may.
    public static func hostSlotsBusy(limit: Int) -> String {
        DroverWait.hostSlotsBusy.sentence("\(limit) of \(limit)")
    }

    /// The environments that could hold the job are full (or at `maxvCpus`, or the spot price is
    /// above the bid) for now.
    public static func waitingForCapacity(asked: String, problems: [String]) -> String {
        DroverWait.waitingForCapacity.sentence("\(asked): \(problems.joined(separator: "; "))")
    }
}
