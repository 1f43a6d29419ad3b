import Yams

extension KubernetesJob {
    /// `jobs` as one YAML stream, a document per Job separated by `---` (what `kubectl apply -f` reads).
    public static func yamlStream(_ jobs: [KubernetesJob]) throws(DroverError) -> String {
        let encoder = YAMLEncoder()
        encoder.options.width = -1
        encoder.options.allowUnicode = true
        encoder.options.newLineScalarStyle = .literal
        do {
            return try jobs.map { try encoder.encode($0) }.joined(separator: "---\n")
        } catch {
            throw DroverError("cannot write the Jobs as YAML: \(error)", exitCode: 1)
        }
    }

    /// The Jobs of a YAML stream that ``yamlStream(_:)`` wrote.
    public static func documents(in yaml: String) throws(DroverError) -> [KubernetesJob] {
        do {
            var jobs: [KubernetesJob] = []
            var documents = try compose_all(yaml: yaml)
            while let node = documents.next() { jobs.append(try YAMLDecoder().decode(KubernetesJob.self, from: node)) }
            if let error = documents.error { throw error }
            return jobs
        } catch {
            throw DroverError("not a stream of Kubernetes Jobs: \(error)")
        }
    }
}
