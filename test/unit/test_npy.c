/* The .npy reader on images made here, one property each: what NumPy writes is read
 * exactly, and every malformed header, shape or length is refused with its reason. */
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "io/npy.h"

/* A version-1 image of header dict (padded as numpy.save pads it) and n data bytes. */
static size_t image(unsigned char *buf, const char *dict, const void *data, size_t n)
{
    size_t len = strlen(dict), hlen = (10 + len + 1 + 63) / 64 * 64 - 10;
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (unsigned char)(hlen & 0xff), buf[9] = (unsigned char)(hlen >> 8);
    memset(buf + 10, ' ', hlen);
    memcpy(buf + 10, dict, len);
    buf[10 + hlen - 1] = '\n';
    memcpy(buf + 10 + hlen, data, n);
    return 10 + hlen + n;
}

/* Parses the image; returns the error message, or "" when it was read. */
static const char *parse(const unsigned char *buf, size_t len, int ndim, vx_npy *a)
{
    static vx_err e;
    if (vx_npy_parse(buf, len, "t.npy", ndim, a, &e))
        return e.msg;
    return "";
}

static void check_refused(const char *dict, size_t bytes, int ndim, const char *want)
{
    unsigned char buf[1024], zero[256] = {0};
    vx_npy a;
    const char *msg = parse(buf, image(buf, dict, zero, bytes), ndim, &a);
    CHECK(strstr(msg, want) != NULL, want);
    if (!strstr(msg, want))
        printf("     got \"%s\" for %s\n", msg, dict);
    vx_npy_free(&a);
}

static void check_reads(void)
{
    unsigned char buf[1024];
    vx_npy a;
    const double d[6] = {1, -2.5, 3e300, 0, 5, 6};
    CHECK(!*parse(buf, image(buf, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", d, sizeof d), 2, &a),
          "<f8 (2, 3) read");
    CHECK(a.ndim == 2 && a.shape[0] == 2 && a.shape[1] == 3 && a.count == 6 && !memcmp(a.data, d, sizeof d),
          "<f8 values and shape exact");
    vx_npy_free(&a);
    const int64_t i[3] = {0, -7, 1LL << 40};
    CHECK(!*parse(buf, image(buf, "{\"descr\":\"<i8\",\"fortran_order\":False,\"shape\":(3,)}", i, sizeof i), 1, &a),
          "<i8 (3,) with double quotes and no blanks read");
    CHECK(a.count == 3 && a.data[1] == -7 && a.data[2] == 1099511627776.0, "<i8 values exact");
    vx_npy_free(&a);
    const float f = 0.1f;
    CHECK(!*parse(buf, image(buf, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", &f, 4), 0, &a),
          "0-d <f4 read");
    CHECK(a.ndim == 0 && a.count == 1 && a.data[0] == (double)0.1f, "0-d value exact");
    vx_npy_free(&a);
    CHECK(!*parse(buf, image(buf, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 151), }", &f, 0), 2, &a),
          "empty (0, 151) read");
    CHECK(a.count == 0 && a.shape[1] == 151, "empty array's shape kept");
    vx_npy_free(&a);
    CHECK(!*parse(buf, image(buf, "{'descr': '<f4', 'fortran_order': False, 'shape': (18446744073709551615, 0), }",
                             &f, 0), 2, &a),
          "a huge dimension times 0 is an empty array, not an overflow");
    vx_npy_free(&a);
    CHECK(!*parse(buf, image(buf, "{'descr': '|b1', 'fortran_order': False, 'shape': (2L, 1L), }", "\1\0", 2), 2, &a),
          "Python 2's long suffix read");
    CHECK(a.data[0] == 1 && a.data[1] == 0, "bools read as 1 and 0");
    vx_npy_free(&a);
    /* version 2.0: a 4-byte header length */
    unsigned char v2[256];
    size_t n = image(buf, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", d, 8);
    memcpy(v2, buf, 8), v2[6] = 2;
    memcpy(v2 + 8, buf + 8, 2), v2[10] = v2[11] = 0;
    memcpy(v2 + 12, buf + 10, n - 10);
    CHECK(!*parse(v2, n + 2, 1, &a) && a.data[0] == 1, "version 2.0 read");
    vx_npy_free(&a);
}

static void check_refusals(void)
{
    const char *f4 = "{'descr': '<f4', 'fortran_order': False, 'shape': ";
    char dict[256];
#define SHAPE(s) (snprintf(dict, sizeof dict, "%s%s, }", f4, s), dict)
    check_refused(SHAPE("(2305843009213693952, 151)"), 8, 2, "needs more data");
    check_refused(SHAPE("(4611686018427387904, 4)"), 16, 2, "needs more data");
    check_refused(SHAPE("(-1, 151)"), 8, 2, "shape (-1, 151) is not a tuple of non-negative integers");
    check_refused(SHAPE("(99999999999999999999, 1)"), 8, 2, "is not a tuple");
    check_refused(SHAPE("(5)"), 20, 1, "shape (5) is not a tuple");
    check_refused(SHAPE("(2, 1.5)"), 8, 2, "is not a tuple");
    check_refused(SHAPE("(2, 3, 1)"), 24, 2, "shape (2, 3, 1) has 3 dimensions, expected 2");
    check_refused(SHAPE("(6,)"), 24, 2, "has 1 dimension, expected 2");
    check_refused(SHAPE("(2, 3)"), 20, 2, "needs more data than the 20 bytes after the header");
    check_refused(SHAPE("(2, 3)"), 28, 2, "28 bytes of data for shape (2, 3) of 4-byte values (24 expected)");
    check_refused("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 24, 2, "Fortran-ordered");
    check_refused("{'descr': '<f4', 'fortran_order': 1, 'shape': (2, 3), }", 24, 2, "neither True nor False");
    check_refused("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", 8, 1, "unsupported dtype '>f8'");
    check_refused("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", 4, 1, "unsupported dtype");
    check_refused("{'descr': '<f4', 'shape': (1,), }", 4, 1, "header lacks 'fortran_order'");
    check_refused("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'shape': (1,)}", 4, 1,
                  "unexpected or repeated key 'shape'");
    check_refused("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x", 4, 1, "unexpected text after");
    check_refused("{'descr': '<f4' 'fortran_order': False, 'shape': (1,), }", 4, 1, "malformed header");
    check_refused("['descr']", 4, 1, "header is not a dictionary");

    unsigned char buf[64] = "\x93NUMPY\x01\x00\xff\xff{}";
    vx_npy a;
    CHECK(strstr(parse(buf, 12, 1, &a), "truncated header (65535 bytes announced, 2 there)") != NULL,
          "header longer than the file");
    buf[6] = 4;
    CHECK(strstr(parse(buf, 12, 1, &a), "format version 4.0 is not read") != NULL, "unknown version");
    CHECK(strstr(parse(buf, 5, 1, &a), "not a .npy array") != NULL, "too short for the magic");
    CHECK(a.data == NULL && a.count == 0, "a refused array is left empty");
}

int main(void)
{
    check_reads();
    check_refusals();
    printf("%d passed, %d failed\n", vx_test_passed, vx_test_failed);
    return vx_test_failed != 0;
}
