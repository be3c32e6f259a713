// SPDX-License-Identifier: MIT
/*
 * A cell's kernel and initrd: the file name in the property, and the file
 * itself, looked up in the image directories through the options' loader
 * (the compiler never opens a file itself).
 *
 * A name is a path relative to an image directory and may not climb out
 * of it: an absolute path or a ".." component would let a partition embed
 * any file of the build machine in the firmware (issue 11), so both are
 * refused before any lookup. The loader refuses the symbolic links that
 * lead out.
 */
#include "fdtutil.h"
#include "model.h"

#include <string.h>

/* Why `name` is not a usable image name, or NULL if it is. */
static const char *name_problem(const char *name)
{
	const char *part = name;

	if (name[0] == '\0') {
		return "is empty: give a file name";
	}
	if (name[0] == '/') {
		return "is an absolute path: give a name relative to the image "
		       "directories";
	}
	while (part != NULL) {
		size_t len = strcspn(part, "/");

		if (len == 2 && part[0] == '.' && part[1] == '.') {
			return "has a '..' component: images are looked up "
			       "inside the image directories only";
		}
		part = part[len] == '/' ? part + len + 1 : NULL;
	}
	return NULL;
}

/* "a, b, c": the image directories, for a message. */
static const char *dir_list(struct m_part *m)
{
	struct sbuf sb = {0};

	for (size_t i = 0; i < m->opt->image_dir_count; i++) {
		sb_printf(&sb, "%s%s", i != 0 ? ", " : "",
			  m->opt->image_dirs[i]);
	}
	if (m->opt->image_dir_count == 0) {
		sb_puts(&sb, "none given");
	}
	return sb_finish(&sb, m->ar);
}

/* Finds `name` for property `prop`: true with `file` filled, or false
 * once the error is reported. */
static bool find(struct m_part *m, const struct m_cell *cell, const char *prop,
		 const char *name, struct part_file *file)
{
	const struct part_options *opt = m->opt;

	for (size_t i = 0; opt->load != NULL && i < opt->image_dir_count; i++) {
		const char *dir = opt->image_dirs[i];
		enum part_load found;

		*file = (struct part_file){0};
		found = opt->load(opt->load_ctx, dir, name, file);
		ar_adopt(m->ar, file->data);
		ar_adopt(m->ar, file->path);
		switch (found) {
		case PART_LOAD_OK:
			return true;
		case PART_LOAD_ABSENT:
			continue;
		case PART_LOAD_OUTSIDE:
			diag_error(m, cell->path, prop,
				   "'%s' in %s resolves to %s, outside that "
				   "image directory",
				   name, dir,
				   file->path != NULL ? file->path : "?");
			return false;
		default:
			diag_error(m, cell->path, prop, "cannot read %s/%s: %s",
				   dir, name,
				   file->error != NULL ? file->error : "?");
			m->io_errors++;
			return false;
		}
	}
	diag_error(m, cell->path, prop,
		   "'%s' not found in the image directories (searched: %s)",
		   name, dir_list(m));
	return false;
}

static void add_dep(struct m_part *m, const char *path)
{
	if (m->deps == NULL) {
		m->deps = AR_NEW(m->ar, const char *, 2 * RUMKV_PLAN_MAX_CELLS);
	}
	m->deps[m->dep_count++] = path;
}

void image_read(struct m_part *m, struct m_cell *cell, enum m_image_kind kind)
{
	const char *prop = kind == M_KERNEL ? "kernel" : "initrd";
	const char *name = fu_string(m->fdt, cell->node, prop);
	struct m_image *im = &cell->image[kind];
	struct part_file file = {0};
	const char *problem = name != NULL ? name_problem(name) : NULL;

	if (name == NULL) {
		if (fdt_getprop(m->fdt, cell->node, prop, NULL) != NULL) {
			diag_error(m, cell->path, prop, "must be a file name");
		} else if (kind == M_KERNEL) {
			diag_error(m, cell->path, prop,
				   "missing: the image the cell boots");
		} else {
			return;
		}
	} else if (problem != NULL) {
		diag_error(m, cell->path, prop, "'%s' %s", name, problem);
	} else if (find(m, cell, prop, name, &file)) {
		if (file.size == 0) {
			diag_error(m, cell->path, prop, "'%s' is empty", name);
		} else {
			im->kind = kind;
			im->name = name;
			im->path = file.path;
			im->data = file.data;
			im->size = file.size;
			im->present = true;
			add_dep(m, file.path);
			return;
		}
	}
	cell->broken |= BROKEN(RUMKV_FIELD_IMAGES) | BROKEN(RUMKV_FIELD_ENTRY);
}
