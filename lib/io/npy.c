/* Reading .npy and stored .npz members (see npy.h). Format: NumPy's NEP 1 header
 * ("\x93NUMPY", version, header length, a Python dict literal), then raw data; an .npz
 * is a ZIP archive of such images. Every length read from a file is checked against
 * the bytes that hold it before it is used, and every product for overflow. */
#include "io/npy.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NPY_MAX_DIMS 32 /* more than any array vx reads; NumPy allows 64 */

static uint32_t le16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const unsigned char *p) { return le16(p) | le16(p + 2) << 16; }
static uint64_t le64(const unsigned char *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

static int slurp(const char *path, unsigned char **buf, size_t *len, vx_err *e)
{
    *buf = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return vx_err_set(e, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(fp), &st) || !S_ISREG(st.st_mode)) {
        fclose(fp);
        return vx_err_set(e, "%s: not a regular file", path);
    }
    size_t n = (size_t)st.st_size;
    *buf = malloc(n ? n : 1);
    int ok = *buf && fread(*buf, 1, n, fp) == n;
    fclose(fp);
    if (!ok) {
        free(*buf);
        return vx_err_set(e, "%s: cannot read (%s)", path, *buf ? "short read" : "out of memory");
    }
    *len = n;
    return 0;
}

/* ---- the header: a Python dict literal such as
 *      {'descr': '<f8', 'fortran_order': False, 'shape': (70, 151), }
 *      padded with spaces and ended by a newline. */

typedef struct {
    const char *s, *end;
} cursor;

static void skip_space(cursor *c)
{
    while (c->s < c->end && (*c->s == ' ' || *c->s == '\t' || *c->s == '\n' || *c->s == '\r'))
        c->s++;
}

/* Skips blanks, then consumes ch if it comes next. */
static int take(cursor *c, char ch)
{
    skip_space(c);
    if (c->s < c->end && *c->s == ch) {
        c->s++;
        return 1;
    }
    return 0;
}

/* A quoted string without escapes ('...' or "..."): its text in *str, *n. */
static int quoted(cursor *c, const char **str, size_t *n)
{
    skip_space(c);
    if (c->s >= c->end || (*c->s != '\'' && *c->s != '"'))
        return 0;
    const char q = *c->s, *close = memchr(c->s + 1, q, (size_t)(c->end - c->s - 1));
    if (!close || memchr(c->s + 1, '\\', (size_t)(close - c->s - 1)))
        return 0;
    *str = c->s + 1, *n = (size_t)(close - c->s - 1);
    c->s = close + 1;
    return 1;
}

static int word(cursor *c, const char *w)
{
    skip_space(c);
    size_t n = strlen(w);
    if ((size_t)(c->end - c->s) >= n && !memcmp(c->s, w, n)) {
        c->s += n;
        return 1;
    }
    return 0;
}

/* A tuple of non-negative integers ("()", "(151,)", "(70, 151)"; Python 2's "70L" too). */
static int shape_tuple(cursor *c, size_t *dims, int *ndim)
{
    *ndim = 0;
    if (!take(c, '('))
        return 0;
    while (!take(c, ')')) {
        skip_space(c);
        if (*ndim == NPY_MAX_DIMS || c->s >= c->end || *c->s < '0' || *c->s > '9')
            return 0;
        size_t v = 0;
        for (; c->s < c->end && *c->s >= '0' && *c->s <= '9'; c->s++) {
            size_t digit = (size_t)(*c->s - '0');
            if (v > SIZE_MAX / 10 || v * 10 > SIZE_MAX - digit)
                return 0;
            v = v * 10 + digit;
        }
        if (c->s < c->end && (*c->s == 'L' || *c->s == 'l'))
            c->s++;
        dims[(*ndim)++] = v;
        /* "(5)" is an int in Python, not a tuple; "(5,)" is the 1-d shape. */
        if (!take(c, ','))
            return *ndim > 1 && take(c, ')');
    }
    return 1;
}

typedef struct {
    const char *descr; /* the dtype string as written (descr_len bytes) */
    int descr_len;
    int fortran;
    int ndim;
    size_t dims[NPY_MAX_DIMS];
    const char *shape_text; /* the tuple as written, for messages */
    int shape_len;
} npy_header;

/* Parses the dict; on failure says what is wrong in e. */
static int parse_header(const char *h, size_t n, const char *name, npy_header *hd, vx_err *e)
{
    cursor c = {h, h + n};
    int seen_descr = 0, seen_fortran = 0, seen_shape = 0;
    if (!take(&c, '{'))
        return vx_err_set(e, "%s: header is not a dictionary", name);
    while (!take(&c, '}')) {
        const char *key;
        size_t klen;
        if (!quoted(&c, &key, &klen) || !take(&c, ':'))
            return vx_err_set(e, "%s: malformed header near offset %zu", name, (size_t)(c.s - h));
        if (klen == 5 && !memcmp(key, "descr", 5) && !seen_descr++) {
            size_t dlen;
            if (!quoted(&c, &hd->descr, &dlen))
                return vx_err_set(e, "%s: unsupported dtype (not a simple type string)", name);
            hd->descr_len = dlen < 40 ? (int)dlen : 40;
        } else if (klen == 13 && !memcmp(key, "fortran_order", 13) && !seen_fortran++) {
            hd->fortran = word(&c, "True");
            if (!hd->fortran && !word(&c, "False"))
                return vx_err_set(e, "%s: fortran_order is neither True nor False", name);
        } else if (klen == 5 && !memcmp(key, "shape", 5) && !seen_shape++) {
            skip_space(&c);
            const char *start = c.s;
            if (!shape_tuple(&c, hd->dims, &hd->ndim)) {
                const char *stop = memchr(start, ')', (size_t)(c.end - start));
                int len = stop ? (int)(stop - start + 1) : (int)(c.end - start);
                return vx_err_set(e, "%s: shape %.*s is not a tuple of non-negative integers", name,
                                  len < 80 ? len : 80, start);
            }
            hd->shape_text = start, hd->shape_len = (int)(c.s - start);
        } else {
            return vx_err_set(e, "%s: unexpected or repeated key '%.*s' in header", name,
                              (int)(klen < 40 ? klen : 40), key);
        }
        if (!take(&c, ',')) {
            if (!take(&c, '}'))
                return vx_err_set(e, "%s: malformed header near offset %zu", name, (size_t)(c.s - h));
            break;
        }
    }
    skip_space(&c);
    if (c.s != c.end)
        return vx_err_set(e, "%s: unexpected text after the header's dictionary", name);
    if (!seen_descr || !seen_fortran || !seen_shape)
        return vx_err_set(e, "%s: header lacks '%s'", name,
                          !seen_descr ? "descr" : !seen_fortran ? "fortran_order" : "shape");
    return 0;
}

static void convert(const unsigned char *d, const char *type, size_t size, vx_npy *a)
{
    for (size_t i = 0; i < a->count; i++) {
        const unsigned char *q = d + i * size;
        if (size == 1) {
            a->data[i] = q[0] != 0;
        } else if (size == 4) {
            uint32_t u = le32(q);
            float f;
            memcpy(&f, &u, 4);
            a->data[i] = f;
        } else if (type[1] == 'i') {
            a->data[i] = (double)(int64_t)le64(q);
        } else {
            uint64_t u = le64(q);
            double v;
            memcpy(&v, &u, 8);
            a->data[i] = v;
        }
    }
}

int vx_npy_parse(const unsigned char *p, size_t len, const char *name, int ndim, vx_npy *a,
                 vx_err *e)
{
    memset(a, 0, sizeof *a);
    if (len < 10 || memcmp(p, "\x93NUMPY", 6))
        return vx_err_set(e, "%s: not a .npy array", name);
    if (p[6] < 1 || p[6] > 3 || p[7] != 0)
        return vx_err_set(e, "%s: .npy format version %d.%d is not read (1.0 to 3.0 are)", name,
                          p[6], p[7]);
    size_t start = p[6] == 1 ? 10 : 12;
    if (len < start)
        return vx_err_set(e, "%s: truncated header", name);
    size_t hlen = p[6] == 1 ? le16(p + 8) : le32(p + 8);
    if (hlen > len - start)
        return vx_err_set(e, "%s: truncated header (%zu bytes announced, %zu there)", name, hlen,
                          len - start);
    npy_header hd = {0};
    if (parse_header((const char *)p + start, hlen, name, &hd, e))
        return -1;
    char type[4] = "";
    if (hd.descr_len == 3)
        memcpy(type, hd.descr, 3);
    size_t size = !strcmp(type, "<f4") ? 4 : !strcmp(type, "<f8") || !strcmp(type, "<i8") ? 8
                : !strcmp(type, "|b1") ? 1 : 0;
    if (!size)
        return vx_err_set(e, "%s: unsupported dtype '%.*s' (<f4, <f8, <i8 and |b1 are read)", name,
                          hd.descr_len, hd.descr);
    if (hd.fortran)
        return vx_err_set(e, "%s: Fortran-ordered arrays are not read (save it in C order)", name);
    if (hd.ndim != ndim)
        return vx_err_set(e, "%s: shape %.*s has %d dimension%s, expected %d", name, hd.shape_len,
                          hd.shape_text, hd.ndim, hd.ndim == 1 ? "" : "s", ndim);
    /* count * size must fit in the data that follows; checked without overflowing. */
    size_t avail = len - start - hlen, count = 1;
    for (int i = 0; i < hd.ndim; i++) {
        if (hd.dims[i] && count > avail / size / hd.dims[i]) {
            int zero = 0;
            for (int k = i + 1; k < hd.ndim; k++)
                zero |= hd.dims[k] == 0;
            if (!zero)
                return vx_err_set(e, "%s: shape %.*s needs more data than the %zu bytes after the header", name,
                                  hd.shape_len, hd.shape_text, avail);
            count = 0;
            break;
        }
        count *= hd.dims[i];
    }
    if (count * size != avail)
        return vx_err_set(e, "%s: %zu bytes of data for shape %.*s of %zu-byte values (%zu expected)",
                          name, avail, hd.shape_len, hd.shape_text, size, count * size);
    a->data = malloc((count ? count : 1) * sizeof *a->data);
    if (!a->data)
        return vx_err_set(e, "%s: out of memory", name);
    a->ndim = ndim, a->count = count;
    a->shape[0] = ndim > 0 ? hd.dims[0] : 1;
    a->shape[1] = ndim > 1 ? hd.dims[1] : 1;
    convert(p + start + hlen, type, size, a);
    return 0;
}

int vx_npy_read(const char *path, int ndim, vx_npy *a, vx_err *e)
{
    unsigned char *buf;
    size_t len;
    memset(a, 0, sizeof *a);
    if (slurp(path, &buf, &len, e))
        return -1;
    int rc = vx_npy_parse(buf, len, path, ndim, a, e);
    free(buf);
    return rc;
}

/* ---- .npz: ZIP archive (APPNOTE.TXT), found through the end-of-central-directory
 *      record, one central-directory entry per member, each pointing at a local header
 *      followed by the member's bytes. */

enum { EOCD_LEN = 22, CDIR_LEN = 46, LOCAL_LEN = 30, ZIP64_MARK = 0xffffffffu };

/* Replaces those of the n values v[] that hold ZIP64_MARK by their 64-bit values from
 * the ZIP64 extra field (id 1) within x[0, xlen), which stores them in that order.
 * -1 if a field overruns the extra data or a marked value has no 64-bit one. */
static int zip64_values(const unsigned char *x, size_t xlen, uint64_t *v, int n)
{
    for (size_t i = 0; xlen - i >= 4;) {
        size_t id = le16(x + i), flen = le16(x + i + 2);
        if (flen > xlen - i - 4)
            return -1;
        if (id == 1) {
            size_t at = i + 4, stop = at + flen;
            for (int k = 0; k < n; k++)
                if (v[k] == ZIP64_MARK) {
                    if (stop - at < 8)
                        return -1;
                    v[k] = le64(x + at), at += 8;
                }
            return 0;
        }
        i += 4 + flen;
    }
    for (int k = 0; k < n; k++)
        if (v[k] == ZIP64_MARK)
            return -1;
    return 0;
}

static uint32_t crc32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c >> 1 ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

typedef struct {
    const unsigned char *name;
    size_t nlen;
    unsigned flags, method;
    uint32_t crc;
    uint64_t usize, csize, offset;
} zip_entry;

/* The central directory's bounds, from the end record (searched backwards past a comment). */
static int central_directory(const unsigned char *p, size_t len, const char *name, size_t *cd,
                             size_t *cd_len, size_t *entries, vx_err *e)
{
    size_t lowest = len > EOCD_LEN + 0xffff ? len - EOCD_LEN - 0xffff : 0;
    for (size_t at = len >= EOCD_LEN ? len - EOCD_LEN + 1 : 0; at-- > lowest;) {
        const unsigned char *r = p + at;
        if (le32(r) != 0x06054b50 || at + EOCD_LEN + le16(r + 20) != len)
            continue;
        if (le16(r + 4) || le16(r + 6) || le16(r + 8) != le16(r + 10))
            return vx_err_set(e, "%s: multi-disk ZIP archives are not read", name);
        *entries = le16(r + 10), *cd_len = le32(r + 12), *cd = le32(r + 16);
        if (*entries == 0xffff || *cd_len == ZIP64_MARK || *cd == ZIP64_MARK)
            return vx_err_set(e, "%s: ZIP64 archives (over 4 GiB or 65535 members) are not read", name);
        if (*cd > at || *cd_len > at - *cd)
            return vx_err_set(e, "%s: central directory outside the archive", name);
        return 0;
    }
    return vx_err_set(e, "%s: not a ZIP archive (no end of central directory)", name);
}

/* The central-directory entry named want, with its ZIP64 values resolved; 1 found, 0 not
 * found, -1 error. A name given twice is an error (which one numpy reads is an accident). */
static int find_member(const unsigned char *p, size_t len, const char *name, const char *want,
                       zip_entry *z, vx_err *e)
{
    size_t cd = 0, cd_len = 0, entries = 0, wlen = strlen(want);
    if (central_directory(p, len, name, &cd, &cd_len, &entries, e))
        return -1;
    int found = 0;
    for (size_t i = 0, at = cd, end = cd + cd_len; i < entries; i++) {
        const unsigned char *h = p + at;
        if (end - at < CDIR_LEN || le32(h) != 0x02014b50)
            return vx_err_set(e, "%s: central directory entry %zu is damaged", name, i);
        size_t nlen = le16(h + 28), xlen = le16(h + 30), clen = le16(h + 32);
        if (nlen + xlen + clen > end - at - CDIR_LEN)
            return vx_err_set(e, "%s: central directory entry %zu overruns the directory", name, i);
        if (nlen == wlen && !memcmp(h + CDIR_LEN, want, wlen)) {
            if (found++)
                return vx_err_set(e, "%s: '%s' is in the archive twice", name, want);
            uint64_t v[3] = {le32(h + 24), le32(h + 20), le32(h + 42)};
            if (zip64_values(h + CDIR_LEN + nlen, xlen, v, 3))
                return vx_err_set(e, "%s: '%s': damaged ZIP64 extra field", name, want);
            *z = (zip_entry){h + CDIR_LEN, nlen, le16(h + 8), le16(h + 10), le32(h + 16), v[0], v[1], v[2]};
        }
        at += CDIR_LEN + nlen + xlen + clen;
    }
    return found;
}

int vx_npz_parse(const unsigned char *p, size_t len, const char *name, const char *member, int ndim,
                 vx_npy *a, vx_err *e)
{
    memset(a, 0, sizeof *a);
    char want[256], where[4200];
    snprintf(want, sizeof want, "%s.npy", member);
    snprintf(where, sizeof where, "%s:%s", name, want);
    zip_entry z = {0};
    int found = find_member(p, len, name, want, &z, e);
    if (found <= 0)
        return found < 0 ? -1 : vx_err_set(e, "%s: no array '%s' in the archive", name, member);
    if (z.flags & 1)
        return vx_err_set(e, "%s: encrypted", where);
    if (z.method != 0)
        return vx_err_set(e, "%s: compressed (method %u); only numpy.savez (stored) archives are read",
                          where, z.method);
    if (z.csize != z.usize)
        return vx_err_set(e, "%s: stored member whose sizes differ", where);
    /* The local header must be there and agree with the central directory. */
    if (z.offset > len || len - z.offset < LOCAL_LEN || le32(p + z.offset) != 0x04034b50)
        return vx_err_set(e, "%s: local header missing", where);
    const unsigned char *h = p + z.offset;
    size_t nlen = le16(h + 26), xlen = le16(h + 28), data = (size_t)z.offset + LOCAL_LEN;
    if (nlen + xlen > len - data)
        return vx_err_set(e, "%s: local header overruns the archive", where);
    data += nlen + xlen;
    uint64_t v[2] = {le32(h + 22), le32(h + 18)};
    if (nlen != z.nlen || memcmp(h + LOCAL_LEN, z.name, nlen) || le16(h + 8) != z.method)
        return vx_err_set(e, "%s: local header disagrees with the central directory", where);
    if (!(le16(h + 6) & 8) &&
        (zip64_values(h + LOCAL_LEN + nlen, xlen, v, 2) || v[0] != z.usize || v[1] != z.csize ||
         le32(h + 14) != z.crc))
        return vx_err_set(e, "%s: local header's sizes or CRC disagree with the central directory",
                          where);
    if (z.csize > len - data)
        return vx_err_set(e, "%s: member data runs past the end of the archive", where);
    if (crc32(p + data, (size_t)z.csize) != z.crc)
        return vx_err_set(e, "%s: CRC-32 mismatch (damaged archive)", where);
    return vx_npy_parse(p + data, (size_t)z.csize, where, ndim, a, e);
}

int vx_npz_read(const char *path, const char *member, int ndim, vx_npy *a, vx_err *e)
{
    unsigned char *buf;
    size_t len;
    memset(a, 0, sizeof *a);
    if (slurp(path, &buf, &len, e))
        return -1;
    int rc = vx_npz_parse(buf, len, path, member, ndim, a, e);
    free(buf);
    return rc;
}

void vx_npy_free(vx_npy *a)
{
    free(a->data);
    memset(a, 0, sizeof *a);
}
