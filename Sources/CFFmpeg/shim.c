#include "shim.h"

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <libavutil/display.h>
#include <libavutil/error.h>

int fvmt_averror_eagain(void) { return AVERROR(EAGAIN); }
int fvmt_averror_enomem(void) { return AVERROR(ENOMEM); }
int fvmt_averror_eof(void) { return AVERROR_EOF; }
int64_t fvmt_nopts_value(void) { return AV_NOPTS_VALUE; }

const char *fvmt_err2str(int errnum, char *buf, size_t size) {
    av_make_error_string(buf, size, errnum);
    return buf;
}

static int print_level = AV_LOG_ERROR;
static _Thread_local char last_error[512];

static void log_callback(void *avcl, int level, const char *fmt, va_list vl) {
    if (level > print_level && level > AV_LOG_ERROR) return;
    va_list copy;
    if (level <= AV_LOG_ERROR) {
        // Kept without the "[component @ address]" prefix: the reason goes into a message for people.
        int no_prefix = 0;
        va_copy(copy, vl);
        av_log_format_line2(avcl, level, fmt, copy, last_error, sizeof last_error, &no_prefix);
        va_end(copy);
        last_error[strcspn(last_error, "\n")] = 0;
    }
    if (level <= print_level) {
        char line[1024];
        int prefix = 1;
        va_copy(copy, vl);
        av_log_format_line2(avcl, level, fmt, copy, line, sizeof line, &prefix);
        va_end(copy);
        fputs(line, stderr);
    }
}

static atomic_int installed;

void fvmt_log_install(int level) {
    atomic_store(&installed, 1);
    print_level = level;
    av_log_set_level(level > AV_LOG_ERROR ? level : AV_LOG_ERROR);
    av_log_set_callback(log_callback);
}

void fvmt_log_install_default(void) {
    int expected = 0;
    if (atomic_compare_exchange_strong(&installed, &expected, 1)) {
        print_level = AV_LOG_QUIET;
        av_log_set_level(AV_LOG_ERROR);
        av_log_set_callback(log_callback);
    }
}

void fvmt_log_take_last_error(char *buf, size_t size) {
    if (size == 0) return;
    snprintf(buf, size, "%s", last_error);
    last_error[0] = 0;
}

double fvmt_stream_rotation(const AVStream *stream) {
    const int32_t *matrix = NULL;
#if LIBAVFORMAT_VERSION_MAJOR >= 61 || (LIBAVFORMAT_VERSION_MAJOR == 60 && LIBAVFORMAT_VERSION_MINOR >= 15)
    const AVPacketSideData *sd = av_packet_side_data_get(stream->codecpar->coded_side_data,
                                                         stream->codecpar->nb_coded_side_data,
                                                         AV_PKT_DATA_DISPLAYMATRIX);
    if (sd && sd->size >= 9 * sizeof(int32_t)) matrix = (const int32_t *)sd->data;
#else
    size_t size = 0;
    const uint8_t *data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (data && size >= 9 * sizeof(int32_t)) matrix = (const int32_t *)data;
#endif
    if (!matrix) return 0;
    double theta = av_display_rotation_get(matrix);
    if (isnan(theta)) return 0;  // a degenerate matrix
    theta = fmod(theta, 360);
    if (theta < 0) theta += 360;
    return theta;
}

enum AVPixelFormat fvmt_codec_pix_fmt(const AVCodec *codec, int i) {
#if LIBAVCODEC_VERSION_MAJOR >= 62 || (LIBAVCODEC_VERSION_MAJOR == 61 && LIBAVCODEC_VERSION_MINOR >= 13)
    const enum AVPixelFormat *fmts = NULL;
    int n = 0;
    if (avcodec_get_supported_config(NULL, codec, AV_CODEC_CONFIG_PIX_FORMAT, 0, (const void **)&fmts, &n) < 0 || !fmts)
        return AV_PIX_FMT_NONE;
    return i < n ? fmts[i] : AV_PIX_FMT_NONE;
#else
    if (!codec->pix_fmts) return AV_PIX_FMT_NONE;
    for (int k = 0; k <= i; k++)
        if (codec->pix_fmts[k] == AV_PIX_FMT_NONE) return AV_PIX_FMT_NONE;
    return codec->pix_fmts[i];
#endif
}

uint8_t *fvmt_frame_plane(const AVFrame *frame, int plane) { return frame->data[plane]; }
int fvmt_frame_linesize(const AVFrame *frame, int plane) { return frame->linesize[plane]; }

int fvmt_sws_frame_to_rgbf(struct SwsContext *ctx, const AVFrame *src, float *r, float *g, float *b, int stride_bytes) {
    uint8_t *dst[4] = {(uint8_t *)g, (uint8_t *)b, (uint8_t *)r, NULL};
    int strides[4] = {stride_bytes, stride_bytes, stride_bytes, 0};
    return sws_scale(ctx, (const uint8_t *const *)src->data, src->linesize, 0, src->height, dst, strides);
}

int fvmt_sws_rgbf_to_frame(struct SwsContext *ctx, const float *r, const float *g, const float *b, int stride_bytes,
                           int height, AVFrame *dst) {
    const uint8_t *src[4] = {(const uint8_t *)g, (const uint8_t *)b, (const uint8_t *)r, NULL};
    int strides[4] = {stride_bytes, stride_bytes, stride_bytes, 0};
    return sws_scale(ctx, src, strides, 0, height, dst->data, dst->linesize);
}
