import CDroverImaging

/// Reads one JPEG or PNG: the header first (checked against the limits before any pixel buffer exists), then the
/// pixels, optionally shrunk on load.
///
/// A reader is used once, by one thread.
public final class ImageReader {
    /// The file's bytes.
    public let bytes: FileBytes
    /// What the header says.
    public private(set) var header: ImageHeader
    /// The ICC profile and PNG color chunks.
    public private(set) var color = ColorMetadata()
    /// The EXIF block, when the file has one.
    public private(set) var exif: [UInt8]?

    private var jpeg: OpaquePointer?
    private var png: OpaquePointer?

    /// Reads the header of `bytes`, checking `limits`.
    public init(bytes: FileBytes, limits: ImageLimits = ImageLimits()) throws(ImageError) {
        self.bytes = bytes
        if bytes.count > limits.maxFileBytes {
            throw .limit("file is \(bytes.count) bytes, over the limit of \(limits.maxFileBytes)")
        }
        let format = try ImageFormat.sniff(bytes.buffer).get()
        let cLimits = drover_img_limits(
            max_width: UInt32(clamping: limits.maxWidth), max_height: UInt32(clamping: limits.maxHeight),
            max_pixels: UInt64(limits.maxPixels), max_scans: Int32(clamping: limits.maxScans))
        header = ImageHeader(
            format: format, width: 0, height: 0, channels: 0, bitDepth: 8, orientation: .up, colorModel: "",
            progressive: false, interlaced: false)
        switch format {
        case .jpeg:
            jpeg = drover_jpeg_decoder_create(bytes.pointer, bytes.count, cLimits)
            guard let jpeg else { throw .outOfMemory }
            var info = drover_jpeg_info()
            let status = drover_jpeg_read_header(jpeg, &info)
            guard status == 0 else { throw ImageError.fromStatus(status, message: String(cString: drover_jpeg_decoder_message(jpeg))) }
            header.width = Int(info.width)
            header.height = Int(info.height)
            header.channels = Int(info.output_channels)
            header.progressive = info.progressive != 0
            header.colorModel = ["unknown", "gray", "rgb", "ycbcr", "cmyk", "ycck"][Int(info.color_space) < 6 ? Int(info.color_space) : 0]
            var length = 0
            if let pointer = drover_jpeg_exif(jpeg, &length) {
                exif = Array(UnsafeBufferPointer(start: pointer, count: length))
            }
            if let pointer = drover_jpeg_icc(jpeg, &length) {
                color.icc = Array(UnsafeBufferPointer(start: pointer, count: length))
            }
        case .png:
            png = drover_png_decoder_create(bytes.pointer, bytes.count, cLimits)
            guard let png else { throw .outOfMemory }
            var info = drover_png_info()
            let status = drover_png_read_header(png, &info)
            guard status == 0 else { throw ImageError.fromStatus(status, message: String(cString: drover_png_decoder_message(png))) }
            header.width = Int(info.width)
            header.height = Int(info.height)
            header.bitDepth = Int(info.bit_depth)
            header.interlaced = info.interlaced != 0
            let alpha = info.has_trns != 0 || info.color_type & 4 != 0
            let color = info.color_type & 2 != 0
            header.channels = (color ? 3 : 1) + (alpha ? 1 : 0)
            header.colorModel = ["gray", "", "rgb", "palette", "gray+alpha", "", "rgba"][Int(info.color_type) % 7]
            self.color.pngGamma = Int(info.gamma)
            self.color.pngSRGBIntent = Int(info.srgb_intent)
            var length = 0
            if let pointer = drover_png_exif(png, &length) {
                exif = Array(UnsafeBufferPointer(start: pointer, count: length))
            }
            if let pointer = drover_png_icc(png, &length) {
                self.color.icc = Array(UnsafeBufferPointer(start: pointer, count: length))
            }
        }
        if let exif {
            header.orientation = exif.withUnsafeBytes { Exif.orientation(in: $0) } ?? .up
        }
    }

    deinit {
        drover_jpeg_decoder_destroy(jpeg)
        drover_png_decoder_destroy(png)
    }

    /// Decodes the pixels. A JPEG is shrunk in the DCT domain by `shrink` (1, 2, 4 or 8); a PNG with 16-bit
    /// samples keeps them only when `keep16` is set.
    public func decode(shrink: Int = 1, keep16: Bool = false) throws(ImageError) -> Raster {
        if let jpeg {
            var info = drover_jpeg_info()
            var status = drover_jpeg_start(jpeg, Int32(shrink), &info)
            guard status == 0 else { throw ImageError.fromStatus(status, message: String(cString: drover_jpeg_decoder_message(jpeg))) }
            let channels = Int(info.output_channels)
            return try Raster(width: Int(info.output_width), height: Int(info.output_height), channels: channels) { buffer throws(ImageError) in
                status = drover_jpeg_read(jpeg, buffer.baseAddress, Int(info.output_width) * channels)
                guard status == 0 else { throw ImageError.fromStatus(status, message: String(cString: drover_jpeg_decoder_message(jpeg))) }
            }
        }
        guard let png else { throw .unsupported("reader has no decoder") }
        var info = drover_png_info()
        var status = drover_png_start(png, keep16 ? 1 : 0, &info)
        guard status == 0 else { throw ImageError.fromStatus(status, message: String(cString: drover_png_decoder_message(png))) }
        let channels = Int(info.output_channels), depth = Int(info.output_depth)
        let width = Int(info.width), height = Int(info.height)
        return try Raster(width: width, height: height, channels: channels, depth: depth) { buffer throws(ImageError) in
            status = drover_png_read(png, buffer.baseAddress, width * channels * depth / 8)
            guard status == 0 else { throw ImageError.fromStatus(status, message: String(cString: drover_png_decoder_message(png))) }
        }
    }
}
