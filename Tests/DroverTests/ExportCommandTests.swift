import DroverCore
import Foundation
import ModelValidatorSupport
import Testing

/// `drover export k8s` and `drover export aws-batch` end to end, with the real binary: the Jobs pass
/// `kubernetes-validate --strict` (PyPI) for two Kubernetes versions and the API server's own rules, the AWS requests
/// pass botocore's model, and bad input is refused, naming the file and field, with nothing written.
struct ExportCommandTests {
    /// 1.33, the first Kubernetes where every field written is GA (backoffLimitPerIndex), and 1.37, the newest that
    /// kubernetes-validate 1.37.0 (scripts/test) knows.
    static let kubernetesVersions = ["1.33.0", "1.37.0"]

    /// The example files that declare jobs (jobs/environment.yaml declares none).
    static let examples = ["dependency-chain.yaml", "hello-array.yaml", "retry-demo.yaml", "spot-thumbnails.yaml", "thumbnails.yaml"]

    static func example(_ name: String) -> String {
        Sandbox.packageRoot.appendingPathComponent("jobs").appendingPathComponent(name).path
    }

    /// What `kubernetes-validate --strict` finds in the file at `path` for each of ``kubernetesVersions``.
    static func kubernetesProblems(_ path: String) throws -> String {
        var problems = ""
        for version in kubernetesVersions {
            let (status, output) = try Python.run(["-m", "kubernetes_validate", "--strict", "--quiet", "-k", version, path])
            if status != 0 { problems += "\(version) (exit \(status)): \(output)" }
        }
        return problems
    }

    @Test(arguments: examples)
    func everyExampleIsAValidIndexedJobPerJob(name: String) throws {
        let sandbox = try Sandbox()
        let result = try sandbox.drover("export", "k8s", Self.example(name), "--image", "busybox:1.36")
        #expect(result.status == 0, "\(result.stderr)")
        let path = try sandbox.write("jobs.yaml", result.stdout)
        #expect(try Self.kubernetesProblems(path) == "", "kubernetes-validate --strict, Kubernetes \(Self.kubernetesVersions)")
        let jobs = try KubernetesJob.documents(in: result.stdout)
        #expect(jobs.count == (try DocumentLoader.load(path: Self.example(name))).jobs.count, "one Job per job")
        for job in jobs {
            #expect(job.apiServerProblems.isEmpty, "\(job.metadata.name): \(job.apiServerProblems)")
            #expect(job.spec.completionMode == "Indexed")
            #expect(job.metadata.labels?["kueue.x-k8s.io/queue-name"] != nil)
        }
    }

    static let crafted = """
        jobDefinitions:
          - jobDefinitionName: encode
            parameters: {preset: slow}
            containerProperties:
              image: registry.example/encoder:3
              command: [encode, --preset, Ref::preset, --in, Ref::input, --shard, "$AWS_BATCH_JOB_ARRAY_INDEX"]
              resourceRequirements: [{type: VCPU, value: "2"}, {type: MEMORY, value: "4096"}]
            retryStrategy:
              attempts: 4
              evaluateOnExit:
                - {onExitCode: "75", action: RETRY}
                - {onExitCode: "7*", action: EXIT}
                - {onStatusReason: "Host EC2*", action: EXIT}
                - {onReason: "CannotPullContainerError:*", action: RETRY}
            timeout: {attemptDurationSeconds: 900}
        jobs:
          - jobName: encode_all
            jobQueue: video
            jobDefinition: encode
            arrayProperties: {size: 8}
            parameters: {preset: fast}
          - jobName: probe
            jobQueue: video
            jobDefinition: encode
            timeout: {attemptDurationSeconds: 60}
            retryStrategy: {attempts: 1}
        """

    @Test func retryRulesArraysParametersAndTimeoutsIntoAFolder() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.write("encode.yaml", Self.crafted)
        let result = try sandbox.drover("export", "k8s", file, "-p", "input=s3://media/in", "--output", "out", "--priority-class", "batch")
        #expect(result.status == 0, "\(result.stderr)")
        let folder = sandbox.root.appendingPathComponent("out")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["encode-all.yaml", "probe.yaml"])
        #expect(result.stderr.contains("warning: \(file):2: job definition encode: retryStrategy.evaluateOnExit[3] {onReason: \"CannotPullContainerError:*\", action: RETRY} is left out"),
                "\(result.stderr)")
        #expect(result.stderr.contains("note: \(file):17: job encode_all: is the Kubernetes Job 'encode-all'"), "\(result.stderr)")

        let arrayPath = folder.appendingPathComponent("encode-all.yaml").path
        #expect(try Self.kubernetesProblems(arrayPath) == "")
        let job = try #require(try KubernetesJob.documents(in: String(contentsOfFile: arrayPath, encoding: .utf8)).first)
        #expect(job.metadata.labels?["kueue.x-k8s.io/queue-name"] == "video")
        #expect(job.metadata.labels?["kueue.x-k8s.io/priority-class"] == "batch")
        #expect(job.spec.completions == 8 && job.spec.parallelism == 8 && job.spec.backoffLimitPerIndex == 3)
        let rules = job.spec.podFailurePolicy.rules
        #expect(rules.first?.onPodConditions?.first?.type == "DisruptionTarget")
        #expect(rules.first?.action == .failIndex, "EXIT on a lost host: a disruption fails the index")
        let codes = try #require(rules.last?.onExitCodes)
        #expect(rules.last?.action == .failIndex)
        for (code, fails) in [(7, true), (70, true), (79, true), (75, false), (1, false), (137, false)] {
            #expect(codes.matches(code) == fails, "exit code \(code)")
        }
        let pod = job.spec.template.spec
        #expect(pod.activeDeadlineSeconds == 900)
        let container = try #require(pod.containers.first)
        #expect(container.args == ["encode", "--preset", "fast", "--in", "s3://media/in", "--shard", "$$AWS_BATCH_JOB_ARRAY_INDEX"])
        #expect(container.env?.first?.valueFrom?.fieldRef.fieldPath == "metadata.annotations['batch.kubernetes.io/job-completion-index']")
        #expect(container.env?.first?.name == "AWS_BATCH_JOB_ARRAY_INDEX")
        #expect(container.resources == KubernetesJob.Resources(requests: ["cpu": "2", "memory": "4096Mi"], limits: ["memory": "4096Mi"]))

        let single = try #require(try KubernetesJob.documents(in: String(contentsOfFile: folder.appendingPathComponent("probe.yaml").path, encoding: .utf8)).first)
        #expect(try Self.kubernetesProblems(folder.appendingPathComponent("probe.yaml").path) == "")
        #expect(single.spec.completions == 1 && single.spec.backoffLimitPerIndex == 0 && single.spec.maxFailedIndexes == nil)
        #expect(single.spec.template.spec.activeDeadlineSeconds == 60, "the job's timeout over the definition's")
        #expect(single.spec.podFailurePolicy.rules.count == 1, "its own strategy has no rules: only the disruption rule")
    }

    @Test(arguments: examples + ["environment.yaml"])
    func everyExampleIsWhatAWSBatchAccepts(name: String) throws {
        let sandbox = try Sandbox()
        let result = try sandbox.drover("export", "aws-batch", Self.example(name), "--image", "busybox:1.36", "-o", "aws")
        #expect(result.status == 0, "\(result.stderr)")
        let folder = sandbox.root.appendingPathComponent("aws")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files.contains { $0.hasPrefix("create-job-queue-") })
        for file in files {
            let command = try #require(["create-compute-environment", "create-job-queue", "register-job-definition", "submit-job"].first { file.hasPrefix($0 + "-") })
            let body = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(try ModelValidator.problems(command, body, input: true) == "", "\(file)")
        }
        let stdout = try sandbox.drover("export", "aws-batch", Self.example(name), "--image", "busybox:1.36")
        let combined = try #require(try JSONSerialization.jsonObject(with: Data(stdout.stdout.utf8)) as? [String: [Any]])
        #expect(combined.values.map(\.count).reduce(0, +) == files.count, "standard output holds the same requests")
        for (command, bodies) in combined {
            for body in bodies {
                let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
                #expect(try ModelValidator.problems(command, text, input: true) == "", "\(command)")
            }
        }
    }

    @Test(arguments: [
        ("k8s", nil as String?, "missing.yaml: cannot read the file"),
        ("aws-batch", nil, "missing.yaml: cannot read the file"),
        ("k8s", "jobDefinitions: [{jobDefinitionName: d, retryStrategy: {attempts: 20}, containerProperties: {image: i, command: [x]}}]\njobs: [{jobName: a, jobQueue: q, jobDefinition: d}]\n",
         "bad.yaml:1: jobDefinitions[0].retryStrategy.attempts: must be between 1 and 10 (got 20)"),
        ("aws-batch", "jobDefinitionName: d\ncontainerProperties:\n  command: [x]\n  memory: lots\n",
         "bad.yaml:4: containerProperties.memory: has the wrong type"),
        ("k8s", "jobDefinitions: [{jobDefinitionName: d, containerProperties: {command: [x]}}]\njobs: [{jobName: a, jobQueue: q, jobDefinition: d}]\n",
         "bad.yaml:1: containerProperties.image: job definition d (used by job a) names no image"),
        ("k8s", "jobs: [{jobName: a, jobQueue: q, jobDefinition: elsewhere}]\n", "bad.yaml:1: jobDefinition: job a: no job definition 'elsewhere' in this file"),
    ])
    func badInputIsRefusedAndNothingWritten(target: String, text: String?, message: String) throws {
        let sandbox = try Sandbox()
        let file = try text.map { try sandbox.write("bad.yaml", $0) } ?? sandbox.root.appendingPathComponent("missing.yaml").path
        let result = try sandbox.drover("export", target, file, "--output", "out")
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: sandbox.root.appendingPathComponent("out").path), "nothing is written")
    }
}
