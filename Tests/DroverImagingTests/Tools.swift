import Foundation
@testable import DroverImaging

/// The command-line tools the format tests make inputs with and check outputs with: Debian's cwebp, webpmux,
/// avifenc and heif-enc, and Pillow (scripts/test installs them all).
enum Tools {
    static let scripts = ReferenceTests.root.appendingPathComponent("scripts").path

    /// Runs `arguments` (the first is looked up in PATH); throws with its error output when it fails.
    static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ReferenceTests.TestFailure("\(arguments.joined(separator: " ")) failed (scripts/test installs it): \(message)")
        }
    }

    /// A PNG of `raster`, with an EXIF orientation (eXIf chunk) and an ICC profile (iCCP) when given.
    static func png(_ raster: Raster, orientation: Orientation? = nil, icc: [UInt8]? = nil) throws -> [UInt8] {
        var options = EncodeOptions()
        options.pngEffort = .fast
        options.palette = false
        options.keepICC = icc != nil
        var png = try PNGWriter.encode(raster, options: options, color: ColorMetadata(icc: icc))
        if let orientation {
            // After IHDR (8 + 25 bytes): length, type, data, CRC of type and data.
            let exif = Exif.block(orientation: orientation)
            let body = Array("eXIf".utf8) + exif
            let crc = CRC32.of(body)
            let chunk = bigEndian(UInt32(exif.count)) + body + bigEndian(crc)
            png.insert(contentsOf: chunk, at: 33)
        }
        return png
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }

    /// An ICC profile made by Pillow's ImageCms (LittleCMS): sRGB, about 600 bytes.
    static func iccProfile(in folder: ImageMaker.Folder) throws -> [UInt8] {
        let path = folder.path + "/profile.icc"
        try run([
            "python3", "-c",
            "import sys; from PIL import ImageCms; open(sys.argv[1], 'wb').write(ImageCms.ImageCmsProfile(ImageCms.createProfile('sRGB')).tobytes())",
            path,
        ])
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// `bytes` decoded by Pillow (RGB, or RGBA when the file has alpha).
    static func pillowDecode(_ bytes: [UInt8], name: String, in folder: ImageMaker.Folder) throws -> Raster {
        let input = try folder.write(name, bytes)
        let output = folder.path + "/" + name + ".pillow.png"
        try run(["python3", scripts + "/pillow-reference.py", "--decode", input, output])
        return try ImageReader(bytes: FileBytes(path: output)).decode()
    }

    /// The bytes of a file a tool wrote.
    static func read(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
}
