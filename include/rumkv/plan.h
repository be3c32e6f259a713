/* SPDX-License-Identifier: MIT */
/*
 * The partition plan: everything RumKV needs to know about a machine and
 * how it is split into cells, fixed at build time.
 *
 * `rumkv-partition` (tools/partition) compiles a partition device tree into
 * a C file that defines one `const struct rumkv_plan` with designated
 * initializers, the storage the library needs (cell and core state, stage-2
 * table pools, the status page), and the pristine guest images. Nothing in
 * a plan is allocated at run time. The library checks a plan again at boot
 * (lib/plan_check.c, shared with the tool) before it touches any hardware.
 *
 * All addresses are physical unless named `ipa`. Device MMIO is mapped at
 * its physical address (IPA == PA); cell RAM may be relocated (mem[].ipa,
 * the guest address, differs from mem[].pa), except in a cell with a
 * device doing DMA without an IOMMU (RUMKV_DMA_STOP_VIRTIO_MMIO), which
 * uses physical addresses. Images, entry_ipa and boot_arg are guest
 * addresses.
 */
#ifndef RUMKV_PLAN_H
#define RUMKV_PLAN_H

#include <rumkv/types.h>

#define RUMKV_PLAN_VERSION 2u

/* Upper bounds the plan checker enforces; they size nothing in the image. */
#define RUMKV_PLAN_MAX_CORES 64u
#define RUMKV_PLAN_MAX_CELLS 32u /* == RUMKV_STATUS_MAX_CELLS */
#define RUMKV_PLAN_MAX_RIGHT 63u
#define RUMKV_PLAN_MAX_CHANNELS 64u
#define RUMKV_PLAN_NO_RIGHT 0xffu /* region needs no right (cell RAM) */

struct rumkv_cell;
struct rumkv_core;

/* Kinds of memory a cell owns. */
enum rumkv_plan_mem_kind {
	RUMKV_MEM_RAM = 0,    /* private RAM */
	RUMKV_MEM_SHARED = 1, /* RAM shared with other cells (IPC) */
	RUMKV_MEM_FLASH = 2,  /* private RAM backing the cell's flash window:
				 read-only to the cell, scrubbed like RAM */
};

/* Access a cell has to a memory region (RUMKV_MEM_R | ...). */
#define RUMKV_MEM_R (1u << 0)
#define RUMKV_MEM_W (1u << 1)
#define RUMKV_MEM_X (1u << 2)
#define RUMKV_MEM_RWX (RUMKV_MEM_R | RUMKV_MEM_W | RUMKV_MEM_X)

struct rumkv_plan_mem {
	uint64_t ipa;	/* where the cell sees it */
	uint64_t pa;	/* where it is */
	uint64_t size;	/* page multiple */
	uint8_t kind;	/* enum rumkv_plan_mem_kind */
	uint8_t access; /* RUMKV_MEM_* */
	uint8_t right;	/* right bit needed, or RUMKV_PLAN_NO_RIGHT */
	uint8_t reserved[5];
};

/* One MMIO window of a device, identity-mapped. */
struct rumkv_plan_mmio {
	uint64_t pa;
	uint64_t size;
};

/* How RumKV stops a device's DMA when the device is revoked. */
enum rumkv_plan_dma_stop {
	RUMKV_DMA_STOP_NONE = 0,	/* not a DMA master */
	RUMKV_DMA_STOP_IOMMU = 1,	/* disable its IOMMU stream(s) */
	RUMKV_DMA_STOP_VIRTIO_MMIO = 2, /* reset the virtio-mmio transport */
};

/* One memory BAR of a PCI function, placed by the partition: RumKV
 * programs it at every (re)start; the cell cannot move it. */
struct rumkv_plan_pci_bar {
	uint64_t pa;	/* naturally aligned to size */
	uint64_t size;	/* a power of two, at least 4 KiB */
	uint32_t index; /* BAR number, 0-5 */
	uint32_t reserved;
};

#define RUMKV_PLAN_MAX_BARS 6u

struct rumkv_plan_device {
	const char *path; /* node path in the platform tree (or "pci
			     BB:DD.F"), for reports */
	uint8_t right;	  /* right bit that grants it */
	uint8_t dma_stop; /* enum rumkv_plan_dma_stop */
	uint16_t mmio_count;
	uint16_t irq_count;
	uint16_t stream_count;
	const struct rumkv_plan_mmio *mmio;
	const uint32_t *irqs;	 /* physical interrupt IDs (GIC INTIDs) */
	const uint32_t *streams; /* IOMMU stream IDs */
	/* A PCI function behind the platform's host bridge (pci != 0):
	 * its requester ID (bus << 8 | device << 3 | function) and its
	 * memory BARs, which are also its MMIO windows, in order. */
	uint16_t pci_rid;
	uint8_t pci;
	uint8_t bar_count;
	uint32_t reserved;
	const struct rumkv_plan_pci_bar *bars;
};

/* A blob copied into the cell at every (re)start: kernel, DTB, initrd. */
struct rumkv_plan_image {
	const char *name;
	const uint8_t *data; /* pristine copy, in RumKV's own memory */
	uint64_t size;
	uint64_t ipa; /* destination, inside one of the cell's RAM regions */
};

/* What happens when a cell violates its partition or pledges. */
enum rumkv_plan_policy {
	RUMKV_POLICY_HALT = 0, /* park its cores, scrub its RAM, report */
	RUMKV_POLICY_RESTART =
		1, /* as halt, then boot it again from its images */
};

/* How a cell's console reaches the machine console. */
#define RUMKV_CONSOLE_HYPERCALL (1u << 0) /* RUMKV_HC_CONSOLE_WRITE */
#define RUMKV_CONSOLE_VUART (1u << 1)	  /* emulated PL011 at vuart_ipa */
#define RUMKV_CONSOLE_INPUT (1u << 2)	  /* receives the machine's input */

struct rumkv_plan_cell {
	const char *name; /* short, shown on every console line */
	uint32_t core_count;
	const uint32_t
		*cores; /* indices into rumkv_plan.cores; [i] is vcore i */
	uint32_t mem_count;
	uint32_t device_count;
	const struct rumkv_plan_mem *mem;
	const struct rumkv_plan_device *devices;
	uint32_t image_count;
	uint32_t policy; /* enum rumkv_plan_policy */
	const struct rumkv_plan_image *images;
	uint64_t entry_ipa;	  /* where vcore 0 starts */
	uint64_t boot_arg;	  /* first argument register at entry (DTB) */
	uint64_t initial_rights;  /* RUMKV_RIGHT_* set */
	uint32_t restart_limit;	  /* restarts allowed before it stays down */
	uint32_t console;	  /* RUMKV_CONSOLE_* */
	uint64_t status_page_ipa; /* where the status page appears */
	uint64_t vuart_ipa;	  /* emulated UART, if RUMKV_CONSOLE_VUART */
	/* An emulated flash window (boot protocol "firmware"), flash_size 0
	 * for none: the cell's RUMKV_MEM_FLASH regions inside it are mapped
	 * read-only; a read of the rest returns all ones (erased flash), a
	 * write anywhere in it is ignored (no CFI command set). */
	uint64_t flash_ipa;
	uint64_t flash_size;
	/* Stage-2 table storage: table_page_count zeroed, page-aligned pages,
	 * and as many again for the pristine copy a restart returns to. */
	uint32_t table_page_count;
	uint32_t reserved;
	void *table_pages;
	void *table_snapshot;
};

/* A shared-memory channel between two cells (docs/channels.md). Its
 * region is in both cells' `mem` (kind RUMKV_MEM_SHARED, needing
 * `right`); each cell receives its doorbell, an SPI no device uses, which
 * the other cell raises with RUMKV_HC_DOORBELL. The plan's index of a
 * channel is the id the guests name it by. */
struct rumkv_plan_channel {
	const char *name;
	uint32_t cell[2];     /* indices into rumkv_plan.cells, distinct */
	uint32_t doorbell[2]; /* SPI INTID raised in cell[i] */
	uint8_t right;	      /* right bit both cells need for it */
	uint8_t reserved[7];
};

/* One physical core of the machine. */
struct rumkv_plan_core {
	uint64_t hwid; /* MPIDR affinity (AArch64), hart ID (RISC-V) */
};

/* Interrupt controller and console of the machine, for the port. */
enum rumkv_plan_irqc_kind {
	RUMKV_IRQC_GICV3 = 1, /* regs[0] = GICD, regs[1] = GICR region */
};

enum rumkv_plan_iommu_kind {
	RUMKV_IOMMU_NONE = 0,
	RUMKV_IOMMU_SMMUV3 = 1, /* iommu = its register frames (128 KiB) */
};

enum rumkv_plan_uart_kind {
	RUMKV_UART_PL011 = 1,
};

struct rumkv_plan_platform {
	uint32_t irqc_kind; /* enum rumkv_plan_irqc_kind */
	uint32_t irqc_reg_count;
	struct rumkv_plan_mmio irqc_regs[4];
	uint32_t uart_kind; /* enum rumkv_plan_uart_kind */
	uint32_t uart_irq;  /* its interrupt ID */
	struct rumkv_plan_mmio uart;
	uint32_t timer_irqs[4]; /* secure phys, phys, virt, hyp (INTIDs) */
	/* The IOMMU in front of the PCIe host bridge, if any, and its
	 * event-queue and global-error interrupts (INTIDs, RumKV's own). */
	uint32_t iommu_kind; /* enum rumkv_plan_iommu_kind */
	uint32_t iommu_irqs[2];
	uint32_t reserved;
	struct rumkv_plan_mmio iommu;
	/* The host bridge's configuration space (ECAM), RumKV's own: size 0
	 * if the plan has no PCI function. */
	struct rumkv_plan_mmio pci_ecam;
};

struct rumkv_plan {
	uint32_t version; /* RUMKV_PLAN_VERSION */
	uint32_t core_count;
	const struct rumkv_plan_core *cores; /* every core of the machine */
	uint32_t cell_count;
	uint32_t reserved;
	const struct rumkv_plan_cell *cells;
	struct rumkv_plan_mmio ram[4]; /* the machine's RAM banks */
	uint32_t ram_count;
	uint32_t reserved2;
	struct rumkv_plan_mmio
		self; /* RumKV's own memory: no cell may touch it */
	struct rumkv_plan_platform platform;
	/* Storage for the library's run-time state, sized by the tool. */
	struct rumkv_cell *cell_state; /* [cell_count] */
	struct rumkv_core *core_state; /* [core_count] */
	void *status_page;	       /* one zeroed, page-aligned page */
	/* Shared-memory channels (may be 0 and NULL). */
	uint32_t channel_count;
	uint32_t reserved3;
	const struct rumkv_plan_channel *channels;
};

#endif /* RUMKV_PLAN_H */
