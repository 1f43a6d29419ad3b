/// A value read from a file, with where it came from and its original text as JSON.
public struct Located<Value: Sendable>: Sendable {
    /// The decoded value.
    public var value: Value
    /// `file:line` of the object.
    public var location: String
    /// The object as written, as compact JSON with sorted keys, unknown fields included.
    public var document: String

    /// Creates a located value.
    public init(value: Value, location: String, document: String) {
        self.value = value
        self.location = location
        self.document = document
    }
}

/// A job file's `simulation` section (Drover's extension): how `drover run` runs its simulated
/// instances unless its options say otherwise.
public struct RunSimulation: Codable, Sendable, Equatable {
    /// Seed of the random draws (`--seed`).
    public var seed: UInt64?
    /// Simulated seconds per real second (`--time-scale`).
    public var timeScale: Double?
    /// Processes at once on simulated environments (`--host-slots`).
    public var hostSlots: Int?

    /// Creates settings.
    public init(seed: UInt64? = nil, timeScale: Double? = nil, hostSlots: Int? = nil) {
        self.seed = seed
        self.timeScale = timeScale
        self.hostSlots = hostSlots
    }
}

/// Everything a YAML or JSON job file declares.
///
/// A file holds any of the sections `computeEnvironments`, `jobQueues`, `jobDefinitions` and `jobs`
/// (lists), or a single object recognised by its name field (`computeEnvironmentName`,
/// `jobQueueName`, `jobDefinitionName`, `jobName`) — so a file written for
/// `aws batch register-job-definition --cli-input-json` is read unchanged. An object named by `jobQueue` or
/// `computeEnvironment` instead (what `aws batch update-job-queue --cli-input-json` takes) is a partial update of a
/// stored resource. YAML files may hold several documents separated by `---`.
public struct ResourceFile: Sendable {
    /// The file's path as given by the user.
    public var path: String
    /// Compute environments, in file order.
    public var computeEnvironments: [Located<ComputeEnvironment>] = []
    /// Job queues, in file order.
    public var jobQueues: [Located<JobQueue>] = []
    /// Job definitions, in file order.
    public var jobDefinitions: [Located<JobDefinition>] = []
    /// Partial updates of stored queues and environments (AWS's `UpdateJobQueue` and `UpdateComputeEnvironment`
    /// requests, recognised by their `jobQueue` / `computeEnvironment` member), in file order.
    public var updates: [Located<ResourceUpdate>] = []
    /// Jobs to submit (used by `drover run`), in file order.
    public var jobs: [Located<SubmitJobRequest>] = []
    /// The `simulation` section: defaults of `drover run`'s simulation options for this file.
    public var simulation: RunSimulation?

    /// Creates an empty file model.
    public init(path: String) {
        self.path = path
    }

    /// Whether the file declares nothing.
    public var isEmpty: Bool {
        computeEnvironments.isEmpty && jobQueues.isEmpty && jobDefinitions.isEmpty && updates.isEmpty && jobs.isEmpty
    }
}
