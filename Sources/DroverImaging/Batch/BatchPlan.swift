import Foundation

/// Which files a batch processes: the image files under the input folder (recursively, hidden files and the output
/// folder left out), sorted by path so that every shard of an array job sees the same list.
public enum BatchPlan {
    /// File extensions considered images (the format itself is always read from the bytes).
    public static let imageExtensions: Set<String> = [
        "jpg", "jpeg", "jpe", "jfif", "png", "gif", "webp", "tif", "tiff", "bmp", "heic", "heif", "avif",
    ]

    /// Relative paths of the image files under `input` (or the file itself when `input` is a file).
    public static func files(in input: String, excluding output: String?) throws(ImageError) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isFolder) else {
            throw .io("\(input): no such file or folder")
        }
        guard isFolder.boolValue else { return [(input as NSString).lastPathComponent] }
        let root = URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath()
        let excluded = output.map { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path }
        guard let walker = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey, .isDirectoryKey], options: [.skipsHiddenFiles])
        else { throw .io("\(input): cannot list the folder") }
        var files: [String] = []
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        for case let url as URL in walker {
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .isDirectoryKey])
            if values?.isDirectory == true {
                if url.resolvingSymlinksInPath().path == excluded { walker.skipDescendants() }
                continue
            }
            guard values?.isRegularFile == true, imageExtensions.contains(url.pathExtension.lowercased()) else { continue }
            let path = url.path
            files.append(path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : url.lastPathComponent)
        }
        return files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The part of `files` that shard `index` of `count` processes: every `count`-th file starting at `index`.
    /// The shards are disjoint and together cover the list exactly once.
    public static func shard(_ files: [String], index: Int, count: Int) -> [String] {
        stride(from: index, to: files.count, by: count).map { files[$0] }
    }
}
