import DroverCore
import Foundation

/// Folders and files only their owner can read: a state directory holds job commands, environments and output.
///
/// Modes are given at creation (never through the process umask, which jobs and `drover image` outputs keep),
/// and taken back on folders and files made before. A folder shared on purpose, with the sticky bit (`/tmp`, the
/// container image's `/var/lib/drover`), keeps its mode; what the user may not chmod is left as it is.
enum PrivateFiles {
    /// The mode of private folders.
    static let folderMode: mode_t = 0o700
    /// The mode of private files.
    static let fileMode: mode_t = 0o600

    /// Creates `path` (and missing parents, those with the usual mode) as a private folder, or makes it private.
    static func makeFolder(_ path: String) throws(DroverError) {
        // The parent is there nearly always (`logs/` for each top-level job's folder): only when it is not does the
        // (much dearer) creation of the folders above run.
        var failure = mkdir(path, folderMode) == 0 ? 0 : errno
        if failure == ENOENT {
            let parent = (path as NSString).deletingLastPathComponent
            if !parent.isEmpty {
                try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            }
            failure = mkdir(path, folderMode) == 0 ? 0 : errno
        }
        if failure != 0 && failure != EEXIST {
            throw DroverError("cannot create the folder \(path): \(String(cString: strerror(failure)))", exitCode: 1)
        }
        restrict(path, to: folderMode)
    }

    /// Creates `path` as an empty private file unless it exists, and makes it private.
    static func makeFile(_ path: String) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, fileMode)
        if descriptor >= 0 { close(descriptor) }
        restrict(path, to: fileMode)
    }

    /// Sets `path`'s permission bits to `mode` when it exists, has other bits and no sticky bit; failures are ignored.
    static func restrict(_ path: String, to mode: mode_t) {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_ISVTX == 0, info.st_mode & 0o7777 != mode else { return }
        _ = chmod(path, mode)
    }
}
