// SPDX-License-Identifier: MIT
/*
 * Where things go in guest memory.
 *
 * memory-size: each such cell, in index order, gets the lowest free RAM
 * (outside RumKV's region and every explicit memory range) aligned to
 * 1 GiB if it is at least 1 GiB large and such a spot exists, otherwise
 * to 2 MiB, so that stage-2 can use block mappings.
 *
 * Guest addresses: a cell sees its memory ranges back to back from
 * guest-address, by default the board's RAM base (or each range at its
 * own guest-address), except that a cell with a device doing DMA without
 * an IOMMU sees its RAM where it is: the device uses physical addresses.
 *
 * Boot protocol "firmware" (place_firmware): the image in a flash window,
 * the DTB at the start of RAM.
 *
 * Images, in the cell's first memory region R (its guest addresses):
 *   - the guest DTB slot is the last 2 MiB of R;
 *   - the kernel: an arm64 Image (magic "ARM\x64" at offset 56) goes to
 *     align_up(R.base, 2 MiB) + text_offset and occupies image_size bytes
 *     (its file size if image_size is 0, with text_offset 0x80000, as
 *     Linux's booting.rst says); anything else is a flat binary loaded at
 *     R.base. The entry point is where the image starts;
 *   - the initrd ends at the DTB slot (start 4 KiB aligned).
 */
#include "fdtutil.h"
#include "model.h"

#include <string.h>

#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull
#define ARM64_MAGIC 0x644d5241u /* "ARM\x64" */

struct freelist {
	struct m_range *r;
	unsigned count;
	unsigned cap;
};

static bool range_valid(const struct m_range *r)
{
	return r->size != 0 && !rumkv_range_wraps(r->base, r->size);
}

static void fl_add(struct freelist *fl, uint64_t base, uint64_t size)
{
	if (size != 0 && fl->count < fl->cap) {
		fl->r[fl->count++] = (struct m_range){base, size};
	}
}

/* Removes [base, base + size) from every free range. */
static void fl_remove(struct freelist *fl, struct m_range cut)
{
	unsigned n = fl->count;

	if (!range_valid(&cut)) {
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		struct m_range f = fl->r[i];
		uint64_t f_last = f.base + f.size - 1;
		uint64_t c_last = cut.base + cut.size - 1;

		if (f.size == 0 ||
		    !rumkv_ranges_overlap(f.base, f.size, cut.base, cut.size)) {
			continue;
		}
		fl->r[i].size = 0;
		if (cut.base > f.base) {
			fl->r[i] = (struct m_range){f.base, cut.base - f.base};
		}
		if (c_last < f_last) {
			fl_add(fl, c_last + 1, f_last - c_last);
		}
	}
}

/* Lowest `align`-aligned spot of `size` bytes in the free list. */
static bool fl_find(const struct freelist *fl, uint64_t size, uint64_t align,
		    uint64_t *where)
{
	bool found = false;

	for (unsigned i = 0; i < fl->count; i++) {
		const struct m_range *f = &fl->r[i];
		uint64_t at = align_up(f->base, align);

		if (f->size == 0 || at < f->base || at - f->base >= f->size ||
		    f->size - (at - f->base) < size) {
			continue;
		}
		if (!found || at < *where) {
			*where = at;
			found = true;
		}
	}
	return found;
}

void layout_memory(struct m_part *m)
{
	struct freelist fl = {0};

	fl.cap = M_MAX_RAM + 2;
	for (unsigned i = 0; i < m->cell_count; i++) {
		fl.cap += 2 * m->cells[i].mem_count + 2;
	}
	fl.r = AR_NEW(m->ar, struct m_range, fl.cap);
	for (unsigned i = 0; i < m->board.ram_count; i++) {
		fl_add(&fl, m->board.ram[i].base, m->board.ram[i].size);
	}
	fl_remove(&fl, m->self);
	for (unsigned i = 0; i < m->cell_count; i++) {
		for (unsigned j = 0; j < m->cells[i].mem_count; j++) {
			fl_remove(&fl, m->cells[i].mem[j]);
		}
	}
	for (unsigned i = 0; i < m->cell_count; i++) {
		struct m_cell *cell = &m->cells[i];
		uint64_t size = cell->mem_size;
		uint64_t at = 0;

		if (size == 0 || (cell->broken & BROKEN(RUMKV_FIELD_MEMORY))) {
			continue;
		}
		if ((size < SZ_1G || !fl_find(&fl, size, SZ_1G, &at)) &&
		    !fl_find(&fl, size, SZ_2M, &at)) {
			diag_error(
				m, cell->path, "memory-size",
				"no free RAM left for 0x%llx bytes (2 MiB "
				"aligned, outside RumKV and the other cells)",
				(unsigned long long)size);
			cell->broken |= BROKEN(RUMKV_FIELD_MEMORY);
			continue;
		}
		cell->mem = AR_NEW(m->ar, struct m_range, 1);
		cell->mem[0] = (struct m_range){at, size};
		cell->mem_count = 1;
		fl_remove(&fl, cell->mem[0]);
	}
}

/* The board's RAM base: where QEMU's virt (and most boards) put RAM, so
 * where software built for the board looks for it. */
static uint64_t board_ram_base(const struct m_part *m)
{
	uint64_t base = m->board.ram[0].base;

	for (unsigned i = 1; i < m->board.ram_count; i++) {
		if (m->board.ram[i].base < base) {
			base = m->board.ram[i].base;
		}
	}
	return base;
}

/* A device that does DMA without an IOMMU sees physical addresses, so a
 * cell with one must see its RAM where it is (rumkv_plan_check insists). */
static bool dma_untranslated(const struct m_cell *cell)
{
	for (unsigned i = 0; i < cell->device_count; i++) {
		if (cell->devices[i].dma_stop == RUMKV_DMA_STOP_VIRTIO_MMIO) {
			return true;
		}
	}
	return false;
}

static void guest_place(struct m_part *m, struct m_cell *cell)
{
	uint64_t at = cell->guest_count != 0 ? cell->guest_addr[0]
					     : board_ram_base(m);
	bool identity = cell->guest_count == 0 && dma_untranslated(cell);

	if (cell->guest_count > 1 && cell->guest_count != cell->mem_count) {
		diag_error(m, cell->path, "guest-address",
			   "%u addresses for %u memory ranges: give one (the "
			   "ranges then follow each other) or one per range",
			   cell->guest_count, cell->mem_count);
		cell->broken |= BROKEN(RUMKV_FIELD_MEMORY);
		return;
	}
	cell->gmem = AR_NEW(m->ar, struct m_range, cell->mem_count);
	for (unsigned i = 0; i < cell->mem_count; i++) {
		const struct m_range *r = &cell->mem[i];

		if (identity) {
			at = r->base;
		} else if (cell->guest_count > 1) {
			at = cell->guest_addr[i];
		}
		if (r->size == 0 || rumkv_range_wraps(at, r->size)) {
			diag_error(m, cell->path, "guest-address",
				   "memory range %u (0x%llx bytes) would wrap "
				   "around the guest address space at 0x%llx",
				   i, (unsigned long long)r->size,
				   (unsigned long long)at);
			cell->broken |= BROKEN(RUMKV_FIELD_MEMORY);
			return;
		}
		cell->gmem[i] = (struct m_range){at, r->size};
		at += r->size;
	}
}

/* Boot protocol "firmware": the image's flash window takes the start of
 * the first memory range (2 MiB multiples, so that both stay blocks), at
 * the board's flash if it has one big enough, else at guest address 0. */
static bool flash_carve(struct m_part *m, struct m_cell *cell)
{
	const struct m_image *k = &cell->image[M_KERNEL];
	uint64_t backing = align_up(k->present ? k->size : 1, SZ_2M);
	struct m_range *r = &cell->mem[0];
	struct m_range win = m->board.flash;

	if (win.size < backing || rumkv_range_wraps(win.base, win.size)) {
		win = (struct m_range){0, backing};
	}
	if (r->size <= backing + M_DTB_SLOT) {
		diag_error(m, cell->path, cell->mem_prop,
			   "the first range 0x%llx+0x%llx cannot give 0x%llx "
			   "bytes to the flash window (boot-protocol "
			   "\"firmware\") and keep more than 2 MiB of RAM",
			   (unsigned long long)r->base,
			   (unsigned long long)r->size,
			   (unsigned long long)backing);
		cell->broken |= BROKEN(RUMKV_FIELD_MEMORY);
		return false;
	}
	cell->flash = win;
	cell->flash_pa = r->base;
	cell->flash_backing = backing;
	r->base += backing;
	r->size -= backing;
	return true;
}

void layout_guest(struct m_part *m)
{
	for (unsigned i = 0; i < m->cell_count; i++) {
		struct m_cell *cell = &m->cells[i];

		if (cell->mem_count != 0 &&
		    !(cell->broken & BROKEN(RUMKV_FIELD_MEMORY)) &&
		    (!cell->firmware || flash_carve(m, cell))) {
			guest_place(m, cell);
		}
	}
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--) {
		v = (v << 8) | p[i];
	}
	return v;
}

/* Places the kernel at the start of region `r`; false if it cannot be
 * placed below `limit`. */
static bool place_kernel(struct m_cell *cell, const struct m_range *r,
			 uint64_t limit)
{
	struct m_image *k = &cell->image[M_KERNEL];
	uint64_t start = r->base;
	uint64_t offset = 0;

	k->footprint = k->size;
	if (k->size >= 64 && (uint32_t)le64(k->data + 56) == ARM64_MAGIC) {
		uint64_t image_size = le64(k->data + 16);

		offset = le64(k->data + 8);
		if (image_size == 0) {
			offset = 0x80000;
		} else if (image_size > k->footprint) {
			k->footprint = image_size;
		}
		start = align_up(r->base, SZ_2M);
		if (start < r->base) {
			return false;
		}
	}
	if (start > limit || offset > limit - start) {
		return false;
	}
	k->ipa = start + offset;
	cell->entry = k->ipa;
	return k->footprint <= limit - k->ipa;
}

static void place_images(struct m_part *m, struct m_cell *cell)
{
	const struct m_range *r = &cell->gmem[0];
	struct m_image *k = &cell->image[M_KERNEL];
	struct m_image *rd = &cell->image[M_INITRD];
	struct m_image *dtb = &cell->image[M_DTB];
	uint64_t slot = r->base + r->size - M_DTB_SLOT;
	uint64_t kernel_limit = slot;

	if (r->size <= M_DTB_SLOT) {
		diag_error(m, cell->path, cell->mem_prop,
			   "the first region (0x%llx+0x%llx in the guest) is "
			   "too small for the images and the 2 MiB DTB slot",
			   (unsigned long long)r->base,
			   (unsigned long long)r->size);
		cell->broken |=
			BROKEN(RUMKV_FIELD_IMAGES) | BROKEN(RUMKV_FIELD_ENTRY);
		return;
	}
	if (rd->present) {
		uint64_t room = slot - r->base;

		rd->footprint = rd->size;
		rd->ipa = rd->size <= room
				  ? align_down(slot - rd->size, RUMKV_PAGE_SIZE)
				  : r->base;
		kernel_limit = rd->ipa;
	}
	if (!place_kernel(cell, r, kernel_limit)) {
		if (rd->present) {
			diag_error(
				m, cell->path, "initrd",
				"'%s' (0x%llx bytes) and the kernel (0x%llx "
				"bytes) do not fit together in 0x%llx+0x%llx "
				"(guest addresses) below the DTB slot at "
				"0x%llx",
				rd->name, (unsigned long long)rd->size,
				(unsigned long long)k->footprint,
				(unsigned long long)r->base,
				(unsigned long long)r->size,
				(unsigned long long)slot);
		} else {
			diag_error(m, cell->path, "kernel",
				   "'%s' (0x%llx bytes) does not fit in "
				   "0x%llx+0x%llx (guest addresses) below the "
				   "DTB slot at 0x%llx",
				   k->name, (unsigned long long)k->footprint,
				   (unsigned long long)r->base,
				   (unsigned long long)r->size,
				   (unsigned long long)slot);
		}
		cell->broken |=
			BROKEN(RUMKV_FIELD_IMAGES) | BROKEN(RUMKV_FIELD_ENTRY);
		return;
	}
	k->placed = true;
	rd->placed = rd->present;
	dtb->kind = M_DTB;
	dtb->name = ar_printf(m->ar, "%s.dtb", cell->name);
	dtb->ipa = slot;
	dtb->present = true;
	dtb->placed = true;
	cell->boot_arg = slot;
}

/* Boot protocol "firmware", as QEMU virt boots firmware: the image at the
 * start of the flash window (where the core starts), the DTB at the start
 * of RAM, x0 = 0. */
static void place_firmware(struct m_part *m, struct m_cell *cell)
{
	struct m_image *k = &cell->image[M_KERNEL];
	struct m_image *dtb = &cell->image[M_DTB];

	if (cell->image[M_INITRD].present) {
		diag_error(m, cell->path, "initrd",
			   "the firmware boot protocol takes no initrd: the "
			   "firmware loads what it boots");
		cell->broken |= BROKEN(RUMKV_FIELD_IMAGES);
		return;
	}
	if (rumkv_ranges_overlap(cell->gmem[0].base, cell->gmem[0].size,
				 cell->flash.base, cell->flash.size)) {
		/* rumkv_plan_check names the collision. */
		cell->broken |=
			BROKEN(RUMKV_FIELD_IMAGES) | BROKEN(RUMKV_FIELD_ENTRY);
		return;
	}
	k->ipa = cell->flash.base;
	k->footprint = k->size;
	k->placed = k->present;
	cell->entry = k->ipa;
	dtb->kind = M_DTB;
	dtb->name = ar_printf(m->ar, "%s.dtb", cell->name);
	dtb->ipa = cell->gmem[0].base;
	dtb->present = true;
	dtb->placed = true;
	cell->boot_arg = 0;
}

void layout_images(struct m_part *m)
{
	for (unsigned i = 0; i < m->cell_count; i++) {
		struct m_cell *cell = &m->cells[i];
		const struct m_range *r = cell->gmem;

		if ((cell->broken & (BROKEN(RUMKV_FIELD_MEMORY) |
				     BROKEN(RUMKV_FIELD_IMAGES))) ||
		    cell->mem_count == 0 || r == NULL) {
			cell->broken |= BROKEN(RUMKV_FIELD_IMAGES) |
					BROKEN(RUMKV_FIELD_ENTRY);
			continue;
		}
		if (!range_valid(r) ||
		    ((r->base | r->size) & (RUMKV_PAGE_SIZE - 1)) != 0) {
			/* The plan checker reports the region itself. */
			cell->broken |= BROKEN(RUMKV_FIELD_IMAGES) |
					BROKEN(RUMKV_FIELD_ENTRY);
			continue;
		}
		if (cell->firmware) {
			place_firmware(m, cell);
		} else {
			place_images(m, cell);
		}
	}
}
