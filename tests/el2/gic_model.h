/* SPDX-License-Identifier: MIT */
/*
 * A modelled GICv3 (Arm IHI 0069): one distributor and a redistributor
 * per core, with the real register semantics (set/clear-enable,
 * set/clear-pending and -active, byte priorities, 2-bit configuration
 * fields, 64-bit routing, RWP, WAKER, TYPER) and the CPU interface's SGI
 * generation and deactivation.
 *
 * It is also the oracle for silicon: every access RumKV makes is checked
 * against the sizes and alignments the GICv3 specification allows for the
 * register. A 16-bit access, a misaligned one, a 64-bit access to a 32-bit
 * register, an 8-bit access to a register that is not byte-accessible, or
 * an access outside the GIC is an alignment fault or external abort at EL2
 * on hardware: the model reports it through el2_fail() (the test fails at
 * once) and performs nothing.
 */
#ifndef EL2_GIC_MODEL_H
#define EL2_GIC_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#define GICM_CORES 8u
#define GICM_INTIDS 1024u
#define GICM_GICD_BASE 0x08000000ull
#define GICM_GICR_BASE 0x080a0000ull
#define GICM_FRAME_SIZE 0x20000ull
#define GICM_GICR_SIZE (GICM_CORES * GICM_FRAME_SIZE)
/* ITLinesNumber 8: INTIDs 32..287 are implemented SPIs (QEMU virt). */
#define GICM_SPI_END 288u
#define GICM_TYPER \
	(8u | 0xfu << 19 | 1u << 17 | 1u << 16) /* IDbits, LPIS, MBIS */
#define GICM_IIDR 0x0300043bu
#define GICM_GICR_IIDR 0x0400043bu
#define GICM_PIDR2 0x3bu /* ArchRev 3 */
/* Bits of GICD_IROUTER that exist: Aff3, IRM, Aff2, Aff1, Aff0. */
#define GICM_IROUTER_MASK 0xff800fffffull
#define GICM_IRM (1ull << 31)

/* The state of one interrupt as seen by one core (SGIs and PPIs are per
 * redistributor, SPIs live in the distributor). */
struct gicm_irq {
	bool group, enabled, pending, active;
	uint8_t prio;
	uint8_t cfg;	/* its 2-bit ICFGR field */
	uint64_t route; /* GICD_IROUTER (SPIs only) */
};

struct gicm_redist {
	uint64_t typer;
	uint32_t ctlr, waker, statusr;
	uint64_t propbaser, pendbaser;
	uint32_t group, enable, pending, active, grpmod, nsacr;
	uint32_t cfg1; /* ICFGR1 (PPIs); ICFGR0 is fixed: SGIs are edge */
	uint8_t prio[32];
};

/* One physical access RumKV made. */
struct gicm_access {
	uint64_t pa;
	uint64_t value; /* written, or read */
	uint8_t size;
	bool write;
	int core; /* physical core that made it (el2_cpu_current) */
};

#define GICM_LOG_SIZE 4096u
#define GICM_SGI_LOG_SIZE 1024u

struct gicm_sgi {
	int from, to;
	uint32_t intid;
};

struct gic_model {
	uint32_t ctlr;
	uint32_t rwp_reads; /* CTLR reads left that show RWP set */
	uint32_t group[32], enable[32], pending[32], active[32], grpmod[32],
		nsacr[64];
	uint32_t cfg[64];
	uint8_t prio[GICM_INTIDS];
	uint64_t irouter[GICM_INTIDS];
	struct gicm_redist rd[GICM_CORES];
	uint64_t hwid[GICM_CORES]; /* MPIDR affinity of each core */

	/* Every access, for tests that look at what reached the GIC. */
	struct gicm_access log[GICM_LOG_SIZE];
	uint32_t log_count; /* may exceed GICM_LOG_SIZE: only the first kept */
	uint32_t reserved_accesses; /* RAZ/WI holes RumKV touched */

	/* SGIs generated through ICC_SGI1R_EL1 / ICC_ASGI1R_EL1. */
	struct gicm_sgi sgi[GICM_SGI_LOG_SIZE];
	uint32_t sgi_count;

	/* Called after the size check and before the access takes effect
	 * (tests hook races in here). */
	void (*on_access)(const struct gicm_access *a);
};

extern struct gic_model gicm;

/* Resets the GIC to its state out of reset, for cores with these
 * affinities. */
void gicm_reset(const uint64_t hwid[GICM_CORES]);

/* The register interface RumKV's <aarch64/mmio.h> reaches. */
uint64_t gicm_read(uint64_t pa, unsigned size);
void gicm_write(uint64_t pa, unsigned size, uint64_t value);

/* The CPU interface of core `core`: a write to ICC_SGI1R_EL1 or
 * ICC_ASGI1R_EL1, and ICC_DIR_EL1 (deactivation). */
void gicm_cpu_sgi(int core, uint64_t value);
void gicm_cpu_deactivate(int core, uint32_t intid);

/* State of `intid` as core `core` sees it (core matters below 32). */
struct gicm_irq gicm_irq_get(int core, uint32_t intid);
/* Sets the state directly, as if by some earlier agent (tests). */
void gicm_irq_set(int core, uint32_t intid, const struct gicm_irq *s);
bool gicm_irq_equal(const struct gicm_irq *a, const struct gicm_irq *b);

/* Every interrupt's state: SPIs (and the reserved 0..31 and 1020..1023
 * entries, all-zero) and each core's SGIs and PPIs. */
struct gicm_snap {
	struct gicm_irq spi[GICM_INTIDS];
	struct gicm_irq local[GICM_CORES][32];
};
void gicm_snap_take(struct gicm_snap *s);
/* False, and the first difference in `msg`, if they differ. */
bool gicm_snap_same(const struct gicm_snap *want, const struct gicm_snap *got,
		    char *msg, unsigned msg_size);
/* Puts every interrupt in a pseudo-random state from `seed` (routing of
 * SPIs to a random core, IRM 0), as if cells had been busy. */
void gicm_scramble(uint64_t seed);

/* Number of logged accesses matching pa range [pa, pa + size) (write:
 * 0 reads, 1 writes, -1 both). */
uint32_t gicm_accesses(uint64_t pa, uint64_t size, int write);

/* SGIs of `intid` the log holds from core `from` (any: -1) to `to`. */
uint32_t gicm_sgis(int from, int to, uint32_t intid);

/* The physical core whose affinity is `aff` (IROUTER/MPIDR bits), or -1. */
int gicm_core_of_affinity(uint64_t aff);

#endif /* EL2_GIC_MODEL_H */
