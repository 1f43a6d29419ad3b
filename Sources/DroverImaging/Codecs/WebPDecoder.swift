import CDroverWebP

/// Reads a WebP through the C layer: the header, ICC and EXIF chunks first (checked against the limits), then the
/// pixels. Animated files are refused.
final class WebPDecoder: WholeImageDecoder {
    private let decoder: OpaquePointer
    /// Kept alive while the C decoder points into it.
    private let bytes: FileBytes
    let width: Int
    let height: Int
    let channels: Int
    let bitDepth = 8
    let icc: [UInt8]?
    let exif: [UInt8]?
    let appliesOrientation = false
    /// Whether the file is lossless (VP8L).
    let lossless: Bool

    init(bytes: FileBytes, limits: ImageLimits) throws(ImageError) {
        guard let decoder = drover_webp_decoder_create(bytes.pointer, bytes.count, limits.cLimits) else { throw .outOfMemory }
        self.decoder = decoder
        self.bytes = bytes
        var info = drover_webp_info()
        let status = drover_webp_read_header(decoder, &info)
        if status != 0 {
            let message = String(cString: drover_webp_decoder_message(decoder))
            drover_webp_decoder_destroy(decoder)
            throw ImageError.fromStatus(status, message: message)
        }
        width = Int(info.width)
        height = Int(info.height)
        channels = info.has_alpha != 0 ? 4 : 3
        lossless = info.format == 2
        var length = 0
        let iccPointer = drover_webp_icc(decoder, &length)
        icc = Self.bytes(iccPointer, length)
        let exifPointer = drover_webp_exif(decoder, &length)
        exif = Self.bytes(exifPointer, length)
    }

    deinit { drover_webp_decoder_destroy(decoder) }

    func decode(into pixels: UnsafeMutablePointer<UInt8>, stride: Int) throws(ImageError) {
        let status = drover_webp_decode(decoder, pixels, stride, Int32(channels))
        guard status == 0 else { throw ImageError.fromStatus(status, message: String(cString: drover_webp_decoder_message(decoder))) }
    }
}
