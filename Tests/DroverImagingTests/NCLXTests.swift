import ColorTestSupport
import Foundation
import Testing

@testable import DroverImaging

/// AVIF and HEIC files that state their colours as `nclx` code points instead of an ICC profile: Display P3 ones are
/// converted to sRGB as a Display P3 ICC profile would be; sRGB and HDR ones are kept as they are.
@Suite struct NCLXTests {
    /// An AVIF made by avifenc from an untagged PNG of `raster`, with the code points `cicp` (primaries/transfer/matrix).
    static func avif(_ raster: Raster, cicp: String) throws -> [UInt8] {
        let folder = ImageMaker.Folder()
        let png = try folder.write("in.png", try Tools.png(raster))
        let out = folder.path + "/out.avif"
        try Tools.run(["avifenc", "--cicp", cicp, "--min", "0", "--max", "0", "-y", "444", png, out])
        return Array(try Data(contentsOf: URL(fileURLWithPath: out)))
    }

    @Test func displayP3CodePointsConvertAsTheDisplayP3Profile() throws {
        let raster = ImageMaker.pattern(width: 64, height: 48)
        let reader = try ImageReader(bytes: FileBytes(try Self.avif(raster, cicp: "12/13/6")))
        #expect(reader.color.icc != nil)
        #expect(reader.colorManagement.summary?.contains("Display P3 (nclx, transfer 13)") == true, "\(reader.colorManagement.summary ?? "")")
        let decoded = try reader.decode()
        let converted = reader.colorManagement.converted(decoded)
        #expect(converted != decoded, "the colours change")
        let expected = ColorManagement(icc: TestProfiles.displayP3, header: reader.header).converted(decoded)
        let largest = zip(converted.pixels, expected.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(largest <= 1, "as the Display P3 ICC profile converts them: largest difference \(largest)")
    }

    @Test(arguments: ["1/13/6", "2/2/2", "9/16/9"])
    func sRGBAndHDRCodePointsKeepThePixels(cicp: String) throws {
        let reader = try ImageReader(bytes: FileBytes(try Self.avif(ImageMaker.pattern(width: 32, height: 24), cicp: cicp)))
        #expect(reader.color.icc == nil, "\(cicp): nothing to convert (sRGB), or nothing Drover can (PQ)")
    }
}
