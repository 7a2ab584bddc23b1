// The C side of the FFmpeg bindings: macros Swift cannot import and calls whose form depends on the FFmpeg version.
// Everything else is called directly from Swift.
#ifndef FASTVMT_FFMPEG_SHIM_H
#define FASTVMT_FFMPEG_SHIM_H

#include <stddef.h>
#include <stdint.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#include <libavutil/dict.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>

// Error codes and sentinels (AVERROR(), FFERRTAG() and UINT64_C() are macros).
int fvmt_averror_eagain(void);
int fvmt_averror_enomem(void);
int fvmt_averror_eof(void);
int64_t fvmt_nopts_value(void);

// av_err2str without the compound literal: writes into the caller's buffer and returns it.
const char *fvmt_err2str(int errnum, char *buf, size_t size);

// Logging. FFmpeg's messages go through this callback: lines at or above `print_level` are written to stderr, and the
// last error-level line of the calling thread is kept so a failure can be reported in one line with FFmpeg's reason.
void fvmt_log_install(int print_level);
// Installs the callback with print_level = quiet unless fvmt_log_install was already called: a library user who never
// configures logging gets no FFmpeg chatter on stderr.
void fvmt_log_install_default(void);
// Copies the calling thread's last error line into buf (empty string if none) and clears it.
void fvmt_log_take_last_error(char *buf, size_t size);

// Counter-clockwise rotation in [0, 360) degrees from the stream's display matrix (0 when absent): ffprobe's
// "rotation", and the turn a player applies to show the picture upright.
double fvmt_stream_rotation(const AVStream *stream);

// The i-th pixel format an encoder declares, or AV_PIX_FMT_NONE past the end or when it declares none.
enum AVPixelFormat fvmt_codec_pix_fmt(const AVCodec *codec, int i);

// Plane access without touching the fixed-size arrays, which Swift sees as tuples.
uint8_t *fvmt_frame_plane(const AVFrame *frame, int plane);
int fvmt_frame_linesize(const AVFrame *frame, int plane);

// Scale/convert a decoded frame into three float planes (AV_PIX_FMT_GBRPF32 output; planes named by colour here so the
// caller need not know swscale stores G, B, R).
int fvmt_sws_frame_to_rgbf(struct SwsContext *ctx, const AVFrame *src, float *r, float *g, float *b, int stride_bytes);
// The reverse: three float planes (AV_PIX_FMT_GBRPF32 input) into a frame allocated for the encoder.
int fvmt_sws_rgbf_to_frame(struct SwsContext *ctx, const float *r, const float *g, const float *b, int stride_bytes,
                           int height, AVFrame *dst);

#endif
