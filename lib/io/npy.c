/* Reading .npy and stored .npz members (see npy.h). Format: NumPy's NEP 1 header
 * ("\x93NUMPY", version, header length, a Python dict literal), then raw data. */
#include "io/npy.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t le16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const unsigned char *p) { return le16(p) | le16(p + 2) << 16; }

static int slurp(const char *path, unsigned char **buf, size_t *len, vx_err *e)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return vx_err_set(e, "%s: %s", path, strerror(errno));
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    rewind(fp);
    *buf = n > 0 ? malloc((size_t)n) : NULL;
    int ok = *buf && fread(*buf, 1, (size_t)n, fp) == (size_t)n;
    fclose(fp);
    if (!ok) {
        free(*buf);
        return vx_err_set(e, "%s: cannot read", path);
    }
    *len = (size_t)n;
    return 0;
}

static int parse(const unsigned char *p, size_t len, const char *name, vx_npy *a, vx_err *e)
{
    memset(a, 0, sizeof *a);
    if (len < 12 || memcmp(p, "\x93NUMPY", 6))
        return vx_err_set(e, "%s: not a .npy array", name);
    size_t hlen = p[6] == 1 ? le16(p + 8) : le32(p + 8), start = p[6] == 1 ? 10 : 12;
    if (start + hlen > len)
        return vx_err_set(e, "%s: truncated header", name);
    char hdr[4096];
    snprintf(hdr, sizeof hdr, "%.*s", (int)(hlen < sizeof hdr ? hlen : sizeof hdr - 1), p + start);
    const char *descr = strstr(hdr, "'descr':"), *shape = strstr(hdr, "'shape':");
    if (!descr || !shape || strstr(hdr, "'fortran_order': True"))
        return vx_err_set(e, "%s: unsupported header %s", name, hdr);
    char type[8] = "";
    sscanf(descr + 8, " '%7[^']'", type);
    size_t size = !strcmp(type, "<f4") ? 4 : !strcmp(type, "<f8") || !strcmp(type, "<i8") ? 8
                : !strcmp(type, "|b1") ? 1 : 0;
    if (!size)
        return vx_err_set(e, "%s: unsupported dtype %s", name, type);
    a->shape[0] = a->shape[1] = 1;
    const char *s = strchr(shape, '(');
    for (s = s ? s + 1 : ""; a->ndim < 2 && *s && *s != ')';) {
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (end == s)
            break;
        a->shape[a->ndim++] = v;
        s = end + strspn(end, ", ");
    }
    a->count = a->shape[0] * a->shape[1];
    const unsigned char *d = p + start + hlen;
    if (d + a->count * size > p + len)
        return vx_err_set(e, "%s: data shorter than its shape", name);
    a->data = malloc((a->count ? a->count : 1) * sizeof *a->data);
    if (!a->data)
        return vx_err_set(e, "%s: out of memory", name);
    for (size_t i = 0; i < a->count; i++) {
        const unsigned char *q = d + i * size;
        if (size == 1) {
            a->data[i] = q[0] != 0;
        } else if (size == 4) {
            uint32_t u = le32(q);
            float f;
            memcpy(&f, &u, 4);
            a->data[i] = f;
        } else {
            uint64_t u = le32(q) | (uint64_t)le32(q + 4) << 32;
            if (type[1] == 'i') {
                a->data[i] = (double)(int64_t)u;
            } else {
                double v;
                memcpy(&v, &u, 8);
                a->data[i] = v;
            }
        }
    }
    return 0;
}

int vx_npy_read(const char *path, vx_npy *a, vx_err *e)
{
    unsigned char *buf;
    size_t len;
    if (slurp(path, &buf, &len, e))
        return -1;
    int rc = parse(buf, len, path, a, e);
    free(buf);
    return rc;
}

int vx_npz_read(const char *path, const char *member, vx_npy *a, vx_err *e)
{
    unsigned char *buf;
    size_t len;
    if (slurp(path, &buf, &len, e))
        return -1;
    char want[256];
    snprintf(want, sizeof want, "%s.npy", member);
    int rc = vx_err_set(e, "%s: no array '%s' in the archive", path, member);
    /* Walk the zip's local file headers (signature PK\3\4). */
    for (size_t off = 0; off + 30 <= len && le32(buf + off) == 0x04034b50;) {
        const unsigned char *h = buf + off;
        size_t csize = le32(h + 18), nlen = le16(h + 26), xlen = le16(h + 28);
        size_t data = off + 30 + nlen + xlen;
        if (data > len)
            break;
        if (csize == 0xffffffffu) /* ZIP64: sizes in the extra field (id 1: usize, csize) */
            for (size_t x = off + 30 + nlen; x + 4 <= data; x += 4 + le16(buf + x + 2))
                if (le16(buf + x) == 1 && le16(buf + x + 2) >= 16)
                    csize = le32(buf + x + 12) | (size_t)le32(buf + x + 16) << 32;
        if (csize == 0xffffffffu || data + csize > len)
            break;
        if (nlen == strlen(want) && !memcmp(h + 30, want, nlen)) {
            if (le16(h + 8) != 0)
                rc = vx_err_set(e, "%s: '%s' is compressed; only numpy.savez (stored) archives are read",
                                path, member);
            else
                rc = parse(buf + data, len - data, path, a, e);
            break;
        }
        off = data + csize;
    }
    free(buf);
    return rc;
}

void vx_npy_free(vx_npy *a)
{
    free(a->data);
    memset(a, 0, sizeof *a);
}
