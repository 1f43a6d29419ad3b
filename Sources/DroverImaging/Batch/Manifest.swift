import Foundation

/// `manifest.json` beside the report: every input processed or found up to date, mapped to its outputs (path,
/// format, width, height, bytes, hash), for a static-site generator to read. It is also the batch's memory: the
/// next run finds up-to-date outputs (and their sizes and hashes) in it, and recognizes its own outputs (those of
/// the current inputs, and the `earlier` ones still on disk that no input makes any more) so that an output folder
/// inside the input folder never feeds on itself.
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

    /// A file an earlier run wrote that no current input makes any more (the recipe changed, the input failed):
    /// still Drover's, so never taken as an input.
    public struct Earlier: Codable, Sendable, Equatable {
        public var path: String
        public var pathBase64: String?
        /// The input it was made from.
        public var input: String

        public init(file: PathBytes, input: String) {
            path = file.display
            pathBase64 = file.displaysAsIs ? nil : Data(file.bytes).base64EncodedString()
            self.input = input
        }

        public var file: PathBytes {
            pathBase64.flatMap { Data(base64Encoded: $0) }.map { PathBytes(bytes: Array($0)) } ?? PathBytes(path)
        }
    }

    public var version = 1
    /// Keyed by the input's path relative to the input folder (as in the report).
    public var inputs: [String: Entry] = [:]
    public var earlier: [Earlier] = []

    public init(inputs: [String: Entry] = [:], earlier: [Earlier] = []) {
        self.inputs = inputs
        self.earlier = earlier
    }

    enum CodingKeys: String, CodingKey {
        case version, inputs, earlier
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        inputs = try container.decode([String: Entry].self, forKey: .inputs)
        earlier = try container.decodeIfPresent([Earlier].self, forKey: .earlier) ?? []
    }

    /// The file name of the manifest of a run, or of shard `index` of an array job.
    public static func fileName(shard index: Int?) -> String {
        index.map { "manifest-\($0).json" } ?? "manifest.json"
    }

    /// What is at `path`: nil when nothing is, the manifest when it is one, or an error when it is another file
    /// (which a run must not overwrite).
    public static func read(_ path: PathBytes) throws(ImageError) -> Manifest? {
        guard path.status(following: true) != nil else { return nil }
        guard let data = try? FileBytes(path: path), let manifest = try? JSONDecoder().decode(Manifest.self, from: Data(data.buffer)),
            manifest.version == 1
        else {
            throw .io("\(path.display) is not a manifest drover wrote; move it, or pass --manifest to write elsewhere")
        }
        return manifest.sanitized
    }

    /// The manifests left in `folder` by earlier runs, merged: `own` (this run's manifest) first, then every other
    /// shard's. Files that cannot be read are ignored (their inputs are simply processed again).
    public static func load(folder: PathBytes, own: PathBytes) -> Manifest {
        var merged = (try? read(own)).flatMap { $0 } ?? Manifest()
        let names = (folder.string.flatMap { try? FileManager.default.contentsOfDirectory(atPath: $0) } ?? []).sorted()
        for name in names where name == "manifest.json" || (name.hasPrefix("manifest-") && name.hasSuffix(".json")) {
            let path = folder.appending(name)
            guard path != own, let manifest = (try? read(path)).flatMap({ $0 }) else { continue }
            merged.inputs.merge(manifest.inputs) { first, _ in first }
            merged.earlier += manifest.earlier
        }
        return merged
    }

    /// The manifest without outputs whose path leaves the output folder (absolute, or with a `..`).
    var sanitized: Manifest {
        func inside(_ file: PathBytes) -> Bool {
            file.bytes.first != UInt8(ascii: "/") && !file.components.contains(PathBytes(".."))
        }
        var clean = self
        for (input, entry) in inputs {
            clean.inputs[input]?.outputs = entry.outputs.filter { inside($0.file) }
        }
        clean.earlier = earlier.filter { inside($0.file) }
        return clean
    }

    /// Every output file the manifest knows, with the input it came from.
    public var ownFiles: [(file: PathBytes, input: String)] {
        inputs.flatMap { input, entry in entry.outputs.map { ($0.file, input) } } + earlier.map { ($0.file, $0.input) }
    }

    /// The manifest to write after a run: this run's `inputs`, and as `earlier` every file that `previous` knew,
    /// that no current input makes, and that is still in `outputRoot`.
    public static func next(inputs: [String: Entry], previous: Manifest, outputRoot: PathBytes) -> Manifest {
        let current = Set(inputs.values.flatMap { $0.outputs.map(\.file) })
        var seen = Set<PathBytes>()
        var earlier: [Earlier] = []
        for (file, input) in previous.ownFiles.sorted(by: { $0.file < $1.file }) where !current.contains(file) && seen.insert(file).inserted {
            if outputRoot.appending(file).status(following: false) != nil { earlier.append(Earlier(file: file, input: input)) }
        }
        return Manifest(inputs: inputs, earlier: earlier)
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
