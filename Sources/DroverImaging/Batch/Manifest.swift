import Foundation

/// `manifest.json` beside the report: every input processed or found up to date, mapped to its outputs (path,
/// format, width, height, bytes, hash), for a static-site generator to read. It is also the batch's memory: the
/// next run finds up-to-date outputs (and their sizes and hashes) and recognizes its own outputs in it.
public struct Manifest: Codable, Sendable, Equatable {
    /// What one input produced.
    public struct Entry: Codable, Sendable, Equatable {
        /// The renditions the outputs were made for (`thumb`, `web@640`): the recipe's outputs at that time.
        public var renditions: [String]
        public var outputs: [FileResult.Output]

        public init(renditions: [String], outputs: [FileResult.Output]) {
            self.renditions = renditions
            self.outputs = outputs
        }
    }

    public var version = 1
    /// Keyed by the input's path relative to the input folder (as in the report).
    public var inputs: [String: Entry] = [:]

    public init(inputs: [String: Entry] = [:]) {
        self.inputs = inputs
    }

    /// The file name of the manifest of a run, or of shard `index` of an array job.
    public static func fileName(shard index: Int?) -> String {
        index.map { "manifest-\($0).json" } ?? "manifest.json"
    }

    /// The manifests left in `folder` by earlier runs (every shard's), merged; entries that cannot be read are
    /// ignored (their inputs are simply processed again).
    public static func load(folder: String) -> Manifest {
        var merged = Manifest()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names.sorted() where name == "manifest.json" || (name.hasPrefix("manifest-") && name.hasSuffix(".json")) {
            guard let data = FileManager.default.contents(atPath: folder + "/" + name),
                let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
            else { continue }
            merged.inputs.merge(manifest.inputs) { first, _ in first }
        }
        return merged
    }

    /// The manifest's JSON, keys sorted so that the same run writes the same bytes.
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data()) + [UInt8(ascii: "\n")]
    }

    /// The key of each rendition of `recipe`, as ``Entry/renditions`` lists them.
    public static func renditionKeys(_ recipe: Recipe) -> [String] {
        recipe.outputs.flatMap { output in output.renditions.map { $0.width.map { "\(output.name)@\($0)" } ?? output.name } }
    }
}
