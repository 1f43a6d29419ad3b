import CDroverColor

/// A LittleCMS transform from one ICC profile to sRGB, for one layout of 8-bit pixels: relative colorimetric intent,
/// no black point compensation; gray stays gray (with sRGB's tone curve), CMYK becomes RGB, alpha is copied.
///
/// `@unchecked Sendable`: the C transform is built once and never changed afterwards, and it keeps no one-pixel cache
/// (`cmsFLAGS_NOCACHE`), which is what LittleCMS needs to let several threads use one transform at once.
final class ColorTransform: @unchecked Sendable {
    /// The pixel layouts a transform reads.
    enum Layout: Int32, Sendable {
        case gray = 1, grayAlpha, rgb, rgba
        /// Ink samples, 0 = no ink.
        case cmyk
        /// Ink samples stored inverted, 255 = no ink (Adobe JPEGs).
        case cmykInverted

        /// The layout of a raster with `channels` samples per pixel (1–4).
        init?(channels: Int) {
            guard (1...4).contains(channels) else { return nil }
            self.init(rawValue: Int32(channels))
        }
    }

    let layout: Layout
    let inputChannels: Int
    let outputChannels: Int
    private let handle: OpaquePointer

    /// Builds the transform from the profile in `icc` for pixels of `layout`.
    init(icc: [UInt8], layout: Layout) throws(ImageError) {
        var handle: OpaquePointer?
        var message = [CChar](repeating: 0, count: 256)
        let status = icc.withUnsafeBufferPointer { bytes in
            message.withUnsafeMutableBufferPointer {
                drover_color_transform_create(bytes.baseAddress, bytes.count, layout.rawValue, &handle, $0.baseAddress, 256)
            }
        }
        guard status == 0, let handle else {
            throw ImageError.fromStatus(status, message: message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        self.handle = handle
        self.layout = layout
        inputChannels = Int(drover_color_transform_input_channels(handle))
        outputChannels = Int(drover_color_transform_output_channels(handle))
    }

    deinit { drover_color_transform_destroy(handle) }

    /// Converts `rows` rows of `width` pixels; `input` and `output` may be the same rows when the input and output
    /// pixels have the same size.
    func apply(
        _ input: UnsafePointer<UInt8>, inputStride: Int, to output: UnsafeMutablePointer<UInt8>, outputStride: Int,
        width: Int, rows: Int
    ) {
        drover_color_transform_apply(handle, input, inputStride, output, outputStride, UInt32(width), UInt32(rows))
    }

    /// Converts a raster of `inputChannels` 8-bit samples per pixel in place (16-bit samples are made 8-bit first).
    func apply(to raster: inout Raster) {
        if raster.depth != 8 { raster = raster.to8Bit() }
        precondition(raster.channels == inputChannels && inputChannels == outputChannels, "raster layout does not fit the transform")
        let (width, height, stride) = (raster.width, raster.height, raster.rowBytes)
        raster.pixels.withUnsafeMutableBufferPointer { pixels in
            guard let base = pixels.baseAddress else { return }
            apply(base, inputStride: stride, to: base, outputStride: stride, width: width, rows: height)
        }
    }
}
