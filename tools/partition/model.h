/* SPDX-License-Identifier: MIT */
/*
 * The partition compiler's model of one partition: what the board offers
 * and what each cell gets, read from the device tree, then laid out. The
 * steps (see compile.c) fill it in order; each step reports into the
 * diagnostics list and leaves a cell's `broken` bits set for the fields
 * it could not read, so that later checks do not repeat the error.
 */
#ifndef PARTITION_MODEL_H
#define PARTITION_MODEL_H

#include "partition.h"
#include "util.h"

#include <rumkv/abi.h>
#include <rumkv/plan.h>
#include <rumkv/plan_check.h>

#define M_MAX_RAM 4u
#define M_MAX_REGIONS 16u	/* memory ranges per cell */
#define M_MAX_DEVICES 64u	/* per cell */
#define M_MAX_WINDOWS 8u	/* MMIO windows per device */
#define M_MAX_IDS 32u		/* interrupts or stream IDs per device */
#define M_MAX_CUSTOM_RIGHTS 48u /* bits 16..63 */
#define M_DTB_SLOT 0x200000ull	/* the guest DTB's slot: last 2 MiB */
#define M_DEFAULT_STATUS_PAGE 0x0b000000ull
#define M_DEFAULT_RESTART_LIMIT 3u
#define M_GICR_FRAME 0x20000ull /* one redistributor: RD + SGI frames */
/* Deepest node accepted, the root's children being level 1. Real trees
 * use a handful of levels; the bound keeps every walk over a subtree short
 * (the guest DTB's copies recurse) and stays well inside what guests parse
 * (Linux skips nodes from level 64 on). */
#define M_MAX_DEPTH 32

struct m_range {
	uint64_t base;
	uint64_t size;
};

struct m_core {
	int node;
	const char *path;
	uint64_t hwid;
	int cell; /* owning cell, or -1 */
};

struct m_board {
	uint32_t addr_cells; /* the root's #address-cells, #size-cells */
	uint32_t size_cells;
	struct m_range ram[M_MAX_RAM];
	unsigned ram_count;
	struct m_core cores[RUMKV_PLAN_MAX_CORES];
	unsigned core_count;
	int gic_node;
	uint32_t gic_phandle; /* 0 if it has none */
	struct m_range gicd;
	struct m_range gicr;
	int timer_node;
	uint32_t timer_irqs[4];
	struct m_range flash; /* the NOR flash banks, size 0 if none */
	/* The SMMUv3 (compatible "arm,smmu-v3"), if the board has one. */
	int smmu_node; /* -1 if none */
	uint32_t smmu_phandle;
	struct m_range smmu;
	uint32_t smmu_irqs[2]; /* eventq, gerror */
	/* The PCIe host bridge (compatible "pci-host-ecam-generic"). */
	int pci_node; /* -1 if none */
	struct m_range ecam;
	struct m_range pci_mem[4]; /* CPU addresses of its memory windows */
	unsigned pci_mem_count;
	uint32_t pci_bus_first, pci_bus_last;
	bool pci_iommu_map; /* requester IDs map 1:1 onto SMMU streams */
	uint32_t pci_rid_base, pci_stream_base, pci_rid_count;
};

struct m_device {
	int node;
	const char *path;
	struct m_range mmio[M_MAX_WINDOWS];
	unsigned mmio_count;
	uint32_t irqs[M_MAX_IDS];
	unsigned irq_count;
	uint32_t streams[M_MAX_IDS];
	unsigned stream_count;
	const char *right_name;
	unsigned right;
	uint8_t dma_stop; /* enum rumkv_plan_dma_stop */
	/* PCI functions (node -1): requester ID and BARs (= mmio). */
	bool pci;
	uint32_t pci_rid;
	uint32_t bar_index[M_MAX_WINDOWS];
};

enum m_image_kind { M_KERNEL, M_INITRD, M_DTB };

struct m_image {
	enum m_image_kind kind;
	const char *name; /* the file name as written, or "<cell>.dtb" */
	const char *path; /* for .incbin */
	const uint8_t *data;
	size_t size;
	uint64_t ipa;
	uint64_t footprint; /* bytes it covers once running (>= size) */
	bool present;	    /* read (or built, for the DTB) */
	bool placed;	    /* given its place in the cell's memory */
};

struct m_cell {
	int node;
	const char *path;
	int index; /* reg, or -1 */
	const char *name;
	bool name_given;
	uint32_t cores[RUMKV_PLAN_MAX_CORES]; /* board core indices */
	unsigned core_count;
	struct m_range *mem;
	unsigned mem_count;
	uint64_t mem_size;    /* memory-size, when placed by the tool */
	const char *mem_prop; /* "memory" or "memory-size" */
	/* Where the cell sees its RAM: gmem[i] is mem[i] in the guest's
	 * address space (same size). guest-address as written: 0 (the
	 * default), 1 (ranges back to back from there) or mem_count. */
	struct m_range *gmem;
	uint64_t guest_addr[M_MAX_REGIONS];
	unsigned guest_count;
	struct m_device *devices;
	unsigned device_count;
	uint64_t rights;
	bool rights_given;
	uint32_t policy;
	uint32_t restart_limit;
	uint32_t console; /* RUMKV_CONSOLE_* */
	uint64_t status_page;
	uint64_t vuart;
	const char *bootargs;
	struct m_image image[3]; /* by enum m_image_kind */
	/* The plan's images, in order: which kind each one is. */
	enum m_image_kind plan_image[3];
	unsigned plan_image_count;
	uint64_t entry;
	uint64_t boot_arg; /* x0 at entry */
	/* Boot protocol "firmware": the image in an emulated flash window,
	 * whose first flash_backing bytes are RAM taken from the start of
	 * the first memory range (flash_pa). */
	bool firmware;
	struct m_range flash; /* the window, in guest addresses */
	uint64_t flash_pa;
	uint64_t flash_backing;
	uint32_t table_pages;
	uint32_t broken; /* 1 << enum rumkv_plan_field that failed to read */
};

/* A shared-memory channel between two cells (channels.c). */
struct m_channel {
	int node;
	const char *path;
	int index; /* reg, or -1 */
	const char *name;
	struct m_range mem; /* physical */
	int cell[2];	    /* cell indices (into m->cells), or -1 */
	uint64_t ipa[2];
	bool ipa_given;	      /* guest-addresses given */
	uint8_t access[2];    /* RUMKV_MEM_* */
	uint32_t doorbell[2]; /* INTIDs */
	int right;	      /* bit, or -1 */
	bool ok;	      /* every check passed: it goes into the plan */
};

struct m_part {
	struct part_arena *ar;
	const void *fdt;
	const struct part_options *opt;
	const char *plan_name;
	/* Diagnostics, in the order found. */
	struct part_diag *diags;
	size_t diag_count;
	size_t diag_cap;
	unsigned errors;
	unsigned warnings;
	unsigned io_errors; /* of the errors, those of the build machine */
	/* The board. */
	struct m_board board;
	/* The rumkv node. */
	int node;
	const char *path;
	struct m_range self;
	int console_node;
	const char *console_path;
	struct m_range uart;
	uint32_t uart_irq;
	uint64_t status_page;
	bool rumkv_broken; /* its reg or console could not be read */
	/* Cells, in index order once read. */
	struct m_cell *cells;
	unsigned cell_count;
	const char *custom_rights[M_MAX_CUSTOM_RIGHTS]; /* bit 16 + i */
	unsigned custom_count;
	struct m_channel *channels; /* in index order once checked */
	unsigned channel_count;
	uint64_t channel_rights; /* rights some channel needs */
	const char **deps;
	size_t dep_count;
	/* The plan, as plan_build() made it for the checker and emitters. */
	struct rumkv_plan *plan;
};

#define BROKEN(f) (1u << (f))

/* ---- Diagnostics (compile.c) -------------------------------------------- */
void diag_error(struct m_part *m, const char *node, const char *prop,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_warn(struct m_part *m, const char *node, const char *prop,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- Steps, in the order compile.c runs them ---------------------------- */
/* board.c: RAM, cores, GIC, timer. False if the board is unusable. */
bool board_read(struct m_part *m);
/* A GIC interrupt specifier (type, number) as an INTID: SPI 0 -> 32+n,
 * PPI 1 -> 16+n. */
bool board_intid(uint32_t type, uint32_t number, uint32_t *intid);
/* cells.c: the rumkv node and every cell's properties. False if there is
 * nothing to go on (no rumkv node, too many cells). */
bool cells_read(struct m_part *m);
/* devices.c: reads one passed-through device node. */
bool device_read(struct m_part *m, struct m_cell *cell, int node,
		 struct m_device *dev);
/* pci.c: the board's SMMUv3 and PCIe host bridge (never fails: a board
 * without them simply has no PCI to give), and a cell's pci-functions. */
void pci_board_read(struct m_part *m);
void pci_read_functions(struct m_part *m, struct m_cell *cell);
/* image_read.c: a cell's kernel or initrd property and its file. */
void image_read(struct m_part *m, struct m_cell *cell, enum m_image_kind kind);
/* channels.c: the channel@<index> children of the rumkv node. Their
 * rights are defined before the cells are read (channels_define_rights),
 * the rest read and checked once cell memory is laid out. */
bool channels_is_node(const void *fdt, int node);
void channels_define_rights(struct m_part *m);
void channels_read(struct m_part *m);
/* The plan's regions of cell `c` for its channels (count, then fill). */
unsigned channels_mem_count(const struct m_part *m, unsigned c);
void channels_mem_fill(const struct m_part *m, unsigned c,
		       struct rumkv_plan_mem *out);
void channels_build(struct m_part *m, struct rumkv_plan *plan);
/* rights.c */
int right_lookup(struct m_part *m, const char *name, bool define);
const char *right_name(const struct m_part *m, unsigned bit);
bool right_name_ok(const char *name);
/* layout.c: memory-size placement, where each cell sees its RAM, images,
 * the DTB slot. */
void layout_memory(struct m_part *m);
void layout_guest(struct m_part *m);
void layout_images(struct m_part *m);
/* tables.c: stage-2 table pages each cell needs. */
void tables_size(struct m_part *m);
/* guest_dtb.c: builds cell `c`'s DTB into its M_DTB image. */
void guest_dtb_build(struct m_part *m, struct m_cell *cell);
/* plan_build.c: the plan in memory, for rumkv_plan_check. */
struct rumkv_plan *plan_build(struct m_part *m);
void plan_check_report(struct m_part *m, const struct rumkv_plan *plan);
/* crosscheck.c: checks only the tool can make (board knowledge). */
void cross_check(struct m_part *m);
/* emit_c.c, emit_asm.c, summary.c */
char *emit_plan_c(struct m_part *m);
char *emit_images_s(struct m_part *m);
char *emit_linker(struct m_part *m);
char *emit_summary(struct m_part *m);
/* Names for generated symbols: "<plan>_cell<i>_<kind>". */
const char *image_symbol(struct m_part *m, unsigned cell, enum m_image_kind k);

#endif /* PARTITION_MODEL_H */
