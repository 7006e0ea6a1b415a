/* Closest names for messages about misspelt keys ("did you mean attack_ms?"). */
#ifndef VX_SPELL_H
#define VX_SPELL_H

#include <stddef.h>

/* Levenshtein distance between a and b (insertions, deletions, substitutions, each 1);
 * strings longer than 63 bytes are compared on their first 63. */
size_t vx_edit_distance(const char *a, const char *b);

#endif
