/// A Kubernetes `batch/v1` Job with the members `drover export k8s` writes, in Kubernetes' own field names and in
/// the order `kubectl` users read them (name first, maps sorted by key).
public struct KubernetesJob: Codable, Sendable, Equatable {
    /// Always `batch/v1`.
    public var apiVersion = "batch/v1"
    /// Always `Job`.
    public var kind = "Job"
    /// Name and labels.
    public var metadata: ObjectMeta
    /// What runs, how often, and how failures count.
    public var spec: Spec

    /// Creates a Job.
    public init(metadata: ObjectMeta, spec: Spec) {
        self.metadata = metadata
        self.spec = spec
    }

    /// `metadata`.
    public struct ObjectMeta: Codable, Sendable, Equatable {
        /// A DNS-1123 label (see ``KubernetesName``).
        public var name: String
        /// Labels; Kueue reads `kueue.x-k8s.io/queue-name` and `kueue.x-k8s.io/priority-class` here.
        public var labels: SortedStringMap?

        /// Creates metadata.
        public init(name: String, labels: [String: String]? = nil) {
            self.name = name
            self.labels = labels.map(SortedStringMap.init)
        }
    }

    /// `spec` of an Indexed Job.
    public struct Spec: Codable, Sendable, Equatable {
        /// `Indexed`: each pod gets its completion index, as each child of an AWS array job gets its array index.
        public var completionMode = "Indexed"
        /// How many indexes must succeed: the array size, 1 for a single job.
        public var completions: Int
        /// How many pods may run at once.
        public var parallelism: Int
        /// Retries of each index before it fails: AWS's `attempts` - 1.
        public var backoffLimitPerIndex: Int
        /// Failed indexes after which the whole Job stops; nil: every index runs to its end.
        public var maxFailedIndexes: Int?
        /// Which pod failures fail their index at once, and which do not count.
        public var podFailurePolicy: PodFailurePolicy
        /// The pod of each index.
        public var template: PodTemplate

        /// Creates a spec.
        public init(completions: Int, parallelism: Int, backoffLimitPerIndex: Int, maxFailedIndexes: Int?,
                    podFailurePolicy: PodFailurePolicy, template: PodTemplate) {
            self.completions = completions
            self.parallelism = parallelism
            self.backoffLimitPerIndex = backoffLimitPerIndex
            self.maxFailedIndexes = maxFailedIndexes
            self.podFailurePolicy = podFailurePolicy
            self.template = template
        }
    }

    /// `podFailurePolicy`: rules evaluated in order, the first that matches a failed pod decides; a failure no rule
    /// matches counts against `backoffLimitPerIndex`.
    public struct PodFailurePolicy: Codable, Sendable, Equatable {
        /// The rules, at most 20.
        public var rules: [PodFailurePolicyRule]

        /// Creates a policy.
        public init(rules: [PodFailurePolicyRule]) {
            self.rules = rules
        }
    }

    /// What a matching rule does with the failed pod.
    public enum Action: String, Codable, Sendable {
        /// The whole Job fails.
        case failJob = "FailJob"
        /// The pod's index fails, without further retries; other indexes go on.
        case failIndex = "FailIndex"
        /// The failure does not count: the index is retried without using up `backoffLimitPerIndex`.
        case ignore = "Ignore"
        /// The failure counts against `backoffLimitPerIndex` (what happens when no rule matches).
        case count = "Count"
    }

    /// One rule: exactly one of `onExitCodes` and `onPodConditions`.
    public struct PodFailurePolicyRule: Codable, Sendable, Equatable {
        /// What a match does.
        public var action: Action
        /// Matches the exit codes of the pod's containers.
        public var onExitCodes: OnExitCodes?
        /// Matches the pod's conditions.
        public var onPodConditions: [OnPodCondition]?

        /// Creates a rule.
        public init(action: Action, onExitCodes: OnExitCodes? = nil, onPodConditions: [OnPodCondition]? = nil) {
            self.action = action
            self.onExitCodes = onExitCodes
            self.onPodConditions = onPodConditions
        }
    }

    /// `onExitCodes`: `In` (0 excluded) or `NotIn`, with at most 255 values in ascending order.
    public struct OnExitCodes: Codable, Sendable, Equatable {
        /// `In` or `NotIn`.
        public var `operator`: String
        /// Exit codes, ascending, each once.
        public var values: [Int]

        /// Creates a requirement.
        public init(operator: String, values: [Int]) {
            self.operator = `operator`
            self.values = values
        }

        /// Whether a container that exited with `code` meets the requirement (0 never does: Kubernetes leaves
        /// succeeded containers out).
        public func matches(_ code: Int) -> Bool {
            code != 0 && (self.operator == "In") == values.contains(code)
        }
    }

    /// One `onPodConditions` pattern.
    public struct OnPodCondition: Codable, Sendable, Equatable {
        /// The condition type: `DisruptionTarget` for a pod evicted, preempted or lost with its node.
        public var type: String
        /// `True`.
        public var status: String

        /// Creates a pattern.
        public init(type: String, status: String = "True") {
            self.type = type
            self.status = status
        }
    }

    /// `spec.template`.
    public struct PodTemplate: Codable, Sendable, Equatable {
        /// The pod's spec.
        public var spec: PodSpec

        /// Creates a template.
        public init(spec: PodSpec) {
            self.spec = spec
        }
    }

    /// The pod spec of each index.
    public struct PodSpec: Codable, Sendable, Equatable {
        /// `Never`: a failed container fails its pod, which the Job replaces (what `podFailurePolicy` needs).
        public var restartPolicy = "Never"
        /// Seconds each pod may run, AWS's `attemptDurationSeconds` (a pod is one attempt of one child).
        public var activeDeadlineSeconds: Int?
        /// The one container.
        public var containers: [Container]

        /// Creates a pod spec.
        public init(activeDeadlineSeconds: Int?, containers: [Container]) {
            self.activeDeadlineSeconds = activeDeadlineSeconds
            self.containers = containers
        }
    }

    /// A container.
    public struct Container: Codable, Sendable, Equatable {
        /// A DNS-1123 label.
        public var name: String
        /// The image.
        public var image: String
        /// AWS's `command`, which like Docker's CMD leaves the image's entrypoint in place.
        public var args: [String]
        /// Variables, in order (a value may refer to earlier ones as `$(NAME)`).
        public var env: [EnvVar]?
        /// Requests and limits.
        public var resources: Resources?

        /// Creates a container.
        public init(name: String, image: String, args: [String], env: [EnvVar]?, resources: Resources?) {
            self.name = name
            self.image = image
            self.args = args
            self.env = env
            self.resources = resources
        }
    }

    /// One variable: a value, or a field of the pod.
    public struct EnvVar: Codable, Sendable, Equatable {
        /// The variable's name.
        public var name: String
        /// Its value.
        public var value: String?
        /// Where its value comes from instead.
        public var valueFrom: EnvVarSource?

        /// A variable with a value.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }

        /// A variable read from a field of the pod (`metadata.annotations['...']`).
        public init(name: String, fieldPath: String) {
            self.name = name
            self.valueFrom = EnvVarSource(fieldRef: FieldRef(fieldPath: fieldPath))
        }
    }

    /// `valueFrom`.
    public struct EnvVarSource: Codable, Sendable, Equatable {
        /// A field of the pod.
        public var fieldRef: FieldRef
    }

    /// `fieldRef`.
    public struct FieldRef: Codable, Sendable, Equatable {
        /// The field, `metadata.annotations['batch.kubernetes.io/job-completion-index']`.
        public var fieldPath: String
    }

    /// `resources`.
    public struct Resources: Codable, Sendable, Equatable {
        /// What the scheduler reserves (`cpu`, `memory`).
        public var requests: SortedStringMap?
        /// Hard limits (`memory`, `nvidia.com/gpu`).
        public var limits: SortedStringMap?

        /// Creates resources; empty maps are left out.
        public init(requests: [String: String], limits: [String: String]) {
            self.requests = requests.isEmpty ? nil : SortedStringMap(requests)
            self.limits = limits.isEmpty ? nil : SortedStringMap(limits)
        }
    }
}
