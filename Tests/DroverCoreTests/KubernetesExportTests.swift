import DroverCore
import Testing

/// A job file as Kubernetes Indexed Jobs: what each member becomes, what is refused, what is reported.
struct KubernetesExportTests {
    static let file = """
        jobDefinitions:
          - jobDefinitionName: render
            parameters: {scene: default, quality: low}
            containerProperties:
              image: registry.example/render:2
              command: [sh, -c, "render Ref::scene --quality Ref::quality --frame $AWS_BATCH_JOB_ARRAY_INDEX"]
              environment: [{name: PRICE, value: "$5"}]
              resourceRequirements: [{type: VCPU, value: "0.5"}, {type: MEMORY, value: "2048"}, {type: GPU, value: "1"}]
              secrets: [{name: TOKEN, valueFrom: arn:aws:ssm:us-east-1:1:parameter/token}]
            retryStrategy:
              attempts: 3
              evaluateOnExit: [{onExitCode: "42", action: EXIT}]
            timeout: {attemptDurationSeconds: 600}
          - jobDefinitionName: plain
            containerProperties: {command: ["true"]}
        jobs:
          - jobName: Render_Frames
            jobQueue: arn:aws:batch:us-east-1:1:job-queue/GPU_Queue
            jobDefinition: render:4
            arrayProperties: {size: 100}
            parameters: {scene: city}
            tags: {team: vfx}
          - jobName: ordered
            jobQueue: q
            jobDefinition: plain
            arrayProperties: {size: 3}
            dependsOn: [{type: SEQUENTIAL}]
          - jobName: single
            jobQueue: q
            jobDefinition: plain
            dependsOn: [{jobName: ordered}]
        """

    static func export(_ text: String = file, options: KubernetesExport.Options = .init(image: "busybox:1.36")) throws -> KubernetesExport {
        try KubernetesExport(file: try DocumentLoader.parse(text: text, path: "render.yaml"), options: options)
    }

    @Test func anArrayJobIsAnIndexedJobWithAWSsVariables() throws {
        let export = try Self.export(options: .init(parameters: ["quality": "high"], image: "busybox:1.36", priorityClass: "batch-low"))
        #expect(export.jobs.map(\.metadata.name) == ["render-frames", "ordered", "single"])
        let job = export.jobs[0]
        #expect(job.metadata.labels?["kueue.x-k8s.io/queue-name"] == "gpu-queue")
        #expect(job.metadata.labels?["kueue.x-k8s.io/priority-class"] == "batch-low")
        #expect(job.spec.completionMode == "Indexed")
        #expect(job.spec.completions == 100 && job.spec.parallelism == 100 && job.spec.maxFailedIndexes == 100)
        #expect(job.spec.backoffLimitPerIndex == 2)
        #expect(job.spec.podFailurePolicy.rules.last == KubernetesJob.PodFailurePolicyRule(
            action: .failIndex, onExitCodes: KubernetesJob.OnExitCodes(operator: "In", values: [42])))
        let pod = job.spec.template.spec
        #expect(pod.restartPolicy == "Never")
        #expect(pod.activeDeadlineSeconds == 600)
        let container = try #require(pod.containers.first)
        #expect(container.image == "registry.example/render:2")
        #expect(container.args == ["sh", "-c", "render city --quality high --frame $$AWS_BATCH_JOB_ARRAY_INDEX"],
                "Ref:: substituted (the job's and -p's values over the definition's), $ doubled for Kubernetes")
        let env = try #require(container.env)
        #expect(env.first == KubernetesJob.EnvVar(name: "AWS_BATCH_JOB_ARRAY_INDEX",
                                                  fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']"))
        #expect(env.contains(KubernetesJob.EnvVar(name: "AWS_BATCH_JOB_ARRAY_SIZE", value: "100")))
        #expect(env.contains(KubernetesJob.EnvVar(name: "AWS_BATCH_JOB_ID", value: "render-frames:$(AWS_BATCH_JOB_ARRAY_INDEX)")))
        #expect(env.contains(KubernetesJob.EnvVar(name: "AWS_BATCH_JQ_NAME", value: "GPU_Queue")))
        #expect(env.last == KubernetesJob.EnvVar(name: "PRICE", value: "$$5"))
        #expect(container.resources == KubernetesJob.Resources(requests: ["cpu": "500m", "memory": "2048Mi"],
                                                               limits: ["memory": "2048Mi", "nvidia.com/gpu": "1"]))
        for job in export.jobs { #expect(job.apiServerProblems.isEmpty, "\(job.apiServerProblems)") }
    }

    @Test func sequentialAndSingleJobs() throws {
        let export = try Self.export()
        let ordered = export.jobs[1].spec
        #expect(ordered.parallelism == 1 && ordered.maxFailedIndexes == 0 && ordered.completions == 3)
        let single = export.jobs[2]
        #expect(single.spec.completions == 1 && single.spec.parallelism == 1 && single.spec.maxFailedIndexes == nil)
        #expect(single.spec.backoffLimitPerIndex == 0)
        let container = try #require(single.spec.template.spec.containers.first)
        #expect(container.image == "busybox:1.36", "--image for a definition without one")
        #expect(container.env?.map(\.name) == ["AWS_BATCH_JOB_ID", "AWS_BATCH_JQ_NAME"], "no array variables for a single job")
        #expect(container.resources == KubernetesJob.Resources(requests: ["cpu": "1"], limits: [:]))
    }

    @Test func reportsWhatAJobCannotSay() throws {
        let notes = try Self.export().notes.map(\.description)
        let expected = [
            "note: render.yaml:17: job Render_Frames: is the Kubernetes Job 'render-frames'",
            "note: render.yaml:17: job Render_Frames: job queue 'GPU_Queue' is the LocalQueue 'gpu-queue'",
            "note: render.yaml:17: job Render_Frames: left out (no counterpart in a Job): tags",
            "note: render.yaml:2: job definition render: left out (no counterpart in a Job): containerProperties.secrets",
            "note: render.yaml:23: job ordered: dependsOn[0] SEQUENTIAL: one child at a time",
            "warning: render.yaml:28: job single: dependsOn[0]: waits for job ordered, which a Kubernetes Job cannot express",
        ]
        #expect(notes.count == expected.count, "\(notes)")
        for fragment in expected {
            #expect(notes.contains { $0.hasPrefix(fragment) }, "\(fragment) in \(notes)")
        }
    }

    @Test func aHugeArrayKeepsToKubernetesBounds() throws {
        let text = """
            jobDefinitions: [{jobDefinitionName: d, containerProperties: {image: i, command: ["true"]}}]
            jobs: [{jobName: huge, jobQueue: q, jobDefinition: d, arrayProperties: {size: 200000}}]
            """
        let export = try Self.export(text)
        let spec = export.jobs[0].spec
        #expect(spec.completions == 200_000 && spec.parallelism == 10_000 && spec.maxFailedIndexes == 10_000)
        #expect(export.jobs[0].apiServerProblems.isEmpty)
        #expect(export.notes.contains { $0.level == .warning && $0.message.contains("above 100000 completions") })
    }

    @Test(arguments: [
        ("jobs: [{jobName: a, jobQueue: q, jobDefinition: missing}]",
         "render.yaml:1: jobDefinition: job a: no job definition 'missing' in this file"),
        ("jobDefinitions: [{jobDefinitionName: d, containerProperties: {command: [x]}}]\njobs: [{jobName: a, jobQueue: q, jobDefinition: d}]",
         "render.yaml:1: containerProperties.image: job definition d (used by job a) names no image"),
        ("jobDefinitions: [{jobDefinitionName: d, containerProperties: {image: i}}]\njobs: [{jobName: a, jobQueue: q, jobDefinition: d}]",
         "containerProperties.command: job definition d (used by job a) has no command"),
        ("jobDefinitions: [{jobDefinitionName: d, containerProperties: {image: i, command: [x]}}]\njobs: [{jobName: A_b, jobQueue: q, jobDefinition: d}, {jobName: a-b, jobQueue: q, jobDefinition: d}]",
         "jobName: job a-b and job A_b would both be the Kubernetes Job 'a-b'"),
        ("jobDefinitions: [{jobDefinitionName: d, containerProperties: {image: i, command: [x]}}]",
         "render.yaml: declares no jobs"),
    ])
    func refusesWhatItCannotWrite(text: String, message: String) throws {
        #expect {
            try KubernetesExport(file: try DocumentLoader.parse(text: text, path: "render.yaml"))
        } throws: { error in
            (error as? DroverError)?.message.contains(message) == true
        }
    }

    @Test func aPriorityClassIsAName() {
        #expect(throws: DroverError("--priority-class Low Priority: not a Kueue WorkloadPriorityClass name (a DNS label: lowercase letters, digits and '-')")) {
            try Self.export(options: .init(image: "i", priorityClass: "Low Priority"))
        }
    }

    @Test func theYAMLStreamReadsBack() throws {
        let export = try Self.export()
        let yaml = try export.yaml()
        #expect(yaml.split(separator: "\n").filter { $0 == "---" }.count == 2)
        #expect(try KubernetesJob.documents(in: yaml) == export.jobs)
    }

    @Test(arguments: [
        ("hello", 20, "hello"), ("My_Job", 1, "my-job"), ("arn:aws:batch:us-east-1:1:job-queue/Q_1", 1, "q-1"),
        ("__x__", 1, "x"), ("___", 1, "job"), (String(repeating: "a", count: 128), 10_000, String(repeating: "a", count: 58)),
        (String(repeating: "a", count: 62) + "_b", 1, String(repeating: "a", count: 61)),
    ])
    func namesAreDNSLabelsWithRoomForTheIndex(name: String, completions: Int, expected: String) {
        #expect(KubernetesName.job(name, completions: completions) == expected)
    }
}
