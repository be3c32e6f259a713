// SPDX-License-Identifier: MIT
/*
 * SMMUv3 driver: DMA of PCI functions confined to their cell, through the
 * cell's own stage-2 tables.
 *
 * One linear stream table; every entry aborts (Config = abort, and
 * GBPA.ABORT while the SMMU is off) except those of the streams a cell
 * holds, which translate through stage 2 only, with the cell's VMID and
 * the very tables its cores use. So unmapping a page from a cell (a
 * pledge, the end of the cell) takes it from the cell's DMA too: the
 * stage-2 invalidation also invalidates the SMMU's TLB for the VMID. A
 * revoked stream gets its abort entry back before port_iommu_detach
 * returns (CFGI_STE, then CMD_SYNC, which completes only once the SMMU
 * has stopped using the old entry and earlier transactions are done).
 *
 * Faults are recorded in the event queue; its interrupt and the global
 * error interrupt are group 0 (FIQs, RumKV's own: no cell owns them) and
 * routed to the boot core, which ends the cell holding the faulting
 * stream with a report (rumkv_cell_fault_async) and leaves the others
 * alone. Everything else an SMMU can do (stage 1, ATS, PRI, MSIs, stalls)
 * stays off. See docs/iommu.md.
 *
 * Lock order: a cell's lock, then smmu_lock (the command queue).
 */
#include "aarch64.h"
#include "trap.h"
#include <aarch64/mmio.h>

#include <aarch64/gicv3.h>
#include <aarch64/smmuv3.h>
#include <rumkv/error.h>
#include <rumkv/format.h>
#include <rumkv/port.h>
#include <rumkv/rumkv.h>

/* Polls of a register the SMMU acknowledges (about 1 s of QEMU TCG):
 * past it the SMMU is broken and so is the isolation it provides. */
#define SMMU_POLL_LIMIT (1u << 24)

static uint64_t strtab[SMMU_STREAMS][8]
	__attribute__((aligned(SMMU_STREAMS * 64)));
static struct smmu_cmd cmdq[SMMU_QUEUE_SIZE]
	__attribute__((aligned(SMMU_QUEUE_SIZE * 16)));
static uint64_t evtq[SMMU_QUEUE_SIZE][4]
	__attribute__((aligned(SMMU_QUEUE_SIZE * 32)));

static uint64_t smmu_base; /* 0: no SMMU in this plan */
static uint32_t smmu_lock;
static uint32_t cmdq_prod;
static uint32_t evtq_cons;
static const struct rumkv_plan *smmu_plan;

static uint32_t smmu_read(uint32_t off)
{
	return mmio_read32(smmu_base + off);
}

static void smmu_write(uint32_t off, uint32_t v)
{
	mmio_write32(smmu_base + off, v);
}

/* Waits until register `off` reads `want` in `mask`; false on time-out. */
static bool smmu_poll(uint32_t off, uint32_t mask, uint32_t want)
{
	for (uint32_t i = 0; i < SMMU_POLL_LIMIT; i++) {
		if ((smmu_read(off) & mask) == want) {
			return true;
		}
		port_cpu_relax();
	}
	return false;
}

/* Issues `n` commands and a CMD_SYNC, and waits until the SMMU has
 * consumed them all. The queue is empty between calls, so n + 1 entries
 * always fit. smmu_lock held, or boot. */
static void cmdq_issue(const struct smmu_cmd *cmds, unsigned n)
{
	struct smmu_cmd sync = smmu_cmd_sync();

	for (unsigned i = 0; i <= n; i++) {
		cmdq[cmdq_prod & (SMMU_QUEUE_SIZE - 1)] =
			i < n ? cmds[i] : sync;
		cmdq_prod = smmu_q_next(cmdq_prod, SMMU_QUEUE_LOG2);
	}
	dsb_ishst();
	smmu_write(SMMU_CMDQ_PROD, cmdq_prod);
	if (!smmu_poll(SMMU_CMDQ_CONS, (2u << SMMU_QUEUE_LOG2) - 1,
		       cmdq_prod) ||
	    (smmu_read(SMMU_GERROR) ^ smmu_read(SMMU_GERRORN)) &
		    SMMU_GERROR_CMDQ) {
		aarch64_fatal("SMMU command queue stuck or in error (CONS "
			      "0x%x, PROD 0x%x)",
			      smmu_read(SMMU_CMDQ_CONS), cmdq_prod);
	}
}

static void cmdq_locked(const struct smmu_cmd *cmds, unsigned n)
{
	rumkv_lock(aarch64_core_self(), &smmu_lock);
	cmdq_issue(cmds, n);
	rumkv_unlock(&smmu_lock);
}

int port_iommu_attach(struct rumkv_cell *cell, uint32_t stream)
{
	uint64_t ste[8];
	struct smmu_cmd cmds[2] = {smmu_cmd_cfgi_ste(stream),
				   smmu_cmd_tlbi_vmall(cell->arch.vmid)};

	if (smmu_base == 0) {
		return RUMKV_ENOTSUP;
	}
	if (stream >= SMMU_STREAMS) {
		return RUMKV_ERANGE;
	}
	smmu_ste_s2(ste, VTCR_EL2_VALUE, cell->stage2.root_pa, cell->arch.vmid);
	/* Config last: the SMMU may read the entry at any time, and sees
	 * either the abort entry or the complete new one. */
	for (unsigned i = 1; i < 8; i++) {
		strtab[stream][i] = ste[i];
	}
	dsb_ishst();
	__atomic_store_n(&strtab[stream][0], ste[0], __ATOMIC_RELAXED);
	cell->arch.streams++;
	cmdq_locked(cmds, 2);
	return 0;
}

void port_iommu_detach(struct rumkv_cell *cell, uint32_t stream)
{
	struct smmu_cmd cmds[2] = {smmu_cmd_cfgi_ste(stream),
				   smmu_cmd_tlbi_vmall(cell->arch.vmid)};

	if (smmu_base == 0 || stream >= SMMU_STREAMS ||
	    strtab[stream][0] == (SMMU_STE_V | SMMU_STE_ABORT)) {
		return;
	}
	__atomic_store_n(&strtab[stream][0], SMMU_STE_V | SMMU_STE_ABORT,
			 __ATOMIC_RELAXED);
	cell->arch.streams--;
	cmdq_locked(cmds, 2);
}

/* After the cell's stage-2 tables lost [ipa, ipa + size): the SMMU's TLB
 * entries for them go too, before the unmap returns. */
void aarch64_iommu_invalidate(const struct rumkv_cell *cell, uint64_t ipa,
			      uint64_t size)
{
	struct smmu_cmd cmds[4];
	uint64_t pages = size >> RUMKV_PAGE_SHIFT;
	unsigned n = 0;

	if (smmu_base == 0 || cell->arch.streams == 0) {
		return;
	}
	if (pages > RUMKV_ARRAY_SIZE(cmds)) {
		cmds[n++] = smmu_cmd_tlbi_vmall(cell->arch.vmid);
	} else {
		for (; n < pages; n++) {
			cmds[n] = smmu_cmd_tlbi_ipa(
				cell->arch.vmid, ipa + (n << RUMKV_PAGE_SHIFT));
		}
	}
	cmdq_locked(cmds, n);
}

/* The cell holding `stream` now, if any. */
static struct rumkv_cell *stream_cell(uint32_t stream, const char **path)
{
	for (uint32_t c = 0; c < smmu_plan->cell_count; c++) {
		const struct rumkv_plan_cell *pc = &smmu_plan->cells[c];

		for (uint32_t d = 0; d < pc->device_count; d++) {
			const struct rumkv_plan_device *dev = &pc->devices[d];

			for (uint32_t s = 0; s < dev->stream_count; s++) {
				if (dev->streams[s] == stream) {
					*path = dev->path;
					return &smmu_plan->cell_state[c];
				}
			}
		}
	}
	return NULL;
}

static const char *event_name(uint32_t type)
{
	switch (type) {
	case SMMU_EVT_F_TRANSLATION:
		return "translation fault";
	case SMMU_EVT_F_ADDR_SIZE:
		return "address size fault";
	case SMMU_EVT_F_ACCESS:
		return "access flag fault";
	case SMMU_EVT_F_PERMISSION:
		return "permission fault";
	default:
		return "event";
	}
}

static void event_report(const uint64_t e[4])
{
	uint32_t sid = smmu_evt_sid(e);
	const char *path = "";
	struct rumkv_cell *cell = stream_cell(sid, &path);
	struct rumkv_fault f = {
		.reason = RUMKV_REASON_DMA_FAULT,
		.ipa = smmu_evt_addr(e),
		.ipa_valid = true,
	};

	rumkv_snprintf(f.cause, sizeof(f.cause),
		       "SMMU %s (event 0x%x): DMA %s by stream %u (%s)",
		       event_name(smmu_evt_type(e)), smmu_evt_type(e),
		       smmu_evt_write(e) ? "write" : "read", sid, path);
	if (cell == NULL) {
		rumkv_log("%s, which no cell holds, at 0x%llx", f.cause,
			  (unsigned long long)f.ipa);
		return;
	}
	/* A stream aborted since (its cell is ending): a late record of
	 * the same burst, already dealt with. */
	if (sid < SMMU_STREAMS &&
	    __atomic_load_n(&strtab[sid][0], __ATOMIC_RELAXED) ==
		    (SMMU_STE_V | SMMU_STE_ABORT)) {
		return;
	}
	rumkv_cell_fault_async(cell, &f);
}

/* The SMMU's interrupts (on the core they are routed to): every event
 * record, then the global errors. */
void aarch64_iommu_serve(void)
{
	uint32_t prod;
	uint32_t gerror;

	if (smmu_base == 0) {
		return;
	}
	prod = smmu_read(SMMU_EVENTQ_PROD);
	while ((prod ^ evtq_cons) & ((2u << SMMU_QUEUE_LOG2) - 1)) {
		event_report(evtq[evtq_cons & (SMMU_QUEUE_SIZE - 1)]);
		evtq_cons = smmu_q_next(evtq_cons, SMMU_QUEUE_LOG2);
		smmu_write(SMMU_EVENTQ_CONS, evtq_cons);
	}
	if ((prod ^ evtq_cons) & SMMU_Q_WRAP_OVF) {
		rumkv_log("SMMU event queue overflowed: events were lost");
		evtq_cons ^= SMMU_Q_WRAP_OVF;
		smmu_write(SMMU_EVENTQ_CONS, evtq_cons);
	}
	/* A full event queue drops records (QEMU records one fault per
	 * 64 bytes of a DMA burst): the first of the burst ended the cell.
	 * Any other global error is a RumKV bug, or a broken SMMU. */
	gerror = smmu_read(SMMU_GERROR) ^ smmu_read(SMMU_GERRORN);
	if ((gerror & ~SMMU_GERROR_EVTQ_ABT) != 0) {
		rumkv_log("SMMU global error 0x%x", gerror);
	}
	if (gerror != 0) {
		smmu_write(SMMU_GERRORN, smmu_read(SMMU_GERROR));
	}
}

bool aarch64_iommu_irq(uint32_t intid)
{
	return smmu_base != 0 && (intid == smmu_plan->platform.iommu_irqs[0] ||
				  intid == smmu_plan->platform.iommu_irqs[1]);
}

/* ---- boot ------------------------------------------------------------ */

RUMKV_BOOT static const char *smmu_unusable(void)
{
	uint32_t idr0 = smmu_read(SMMU_IDR0);
	uint32_t idr1 = smmu_read(SMMU_IDR1);

	if ((idr0 & SMMU_IDR0_S2P) == 0) {
		return "implements no stage-2 translation (IDR0.S2P = 0)";
	}
	if ((idr0 & SMMU_IDR0_TTF_AA64) == 0 ||
	    (smmu_read(SMMU_IDR5) & SMMU_IDR5_GRAN4K) == 0 ||
	    (smmu_read(SMMU_IDR5) & 7) < 2) {
		return "cannot walk AArch64 4 KiB-granule 40-bit tables";
	}
	if ((idr0 & SMMU_IDR0_COHACC) == 0) {
		return "is not coherent with the cores' caches";
	}
	if ((idr1 & SMMU_IDR1_PRESET) != 0 || (idr1 & 0x3f) < 1 ||
	    ((idr1 >> 16) & 0x1f) < SMMU_QUEUE_LOG2 ||
	    ((idr1 >> 21) & 0x1f) < SMMU_QUEUE_LOG2) {
		return "has preset tables or queues too small";
	}
	return NULL;
}

RUMKV_BOOT static bool smmu_set_cr0(uint32_t v)
{
	smmu_write(SMMU_CR0, v);
	return smmu_poll(SMMU_CR0ACK, ~0u, v);
}

RUMKV_BOOT static bool smmu_tables(void)
{
	uint32_t sid_bits = smmu_read(SMMU_IDR1) & 0x3f;
	uint32_t log2 =
		sid_bits < SMMU_STREAMS_LOG2 ? sid_bits : SMMU_STREAMS_LOG2;
	struct smmu_cmd inval[3] = {smmu_cmd_cfgi_all(),
				    smmu_cmd_op(SMMU_CMD_TLBI_NSNH_ALL),
				    smmu_cmd_op(SMMU_CMD_TLBI_EL2_ALL)};

	for (uint32_t s = 0; s < SMMU_STREAMS; s++) {
		smmu_ste_abort(strtab[s]);
	}
	dsb_sy();
	mmio_write64(smmu_base + SMMU_STRTAB_BASE,
		     SMMU_BASE_RA | port_virt_to_phys(strtab).pa);
	smmu_write(SMMU_STRTAB_BASE_CFG, log2); /* linear */
	smmu_write(SMMU_CR1, SMMU_CR1_WB_IS);
	smmu_write(SMMU_CR2, 0);
	mmio_write64(
		smmu_base + SMMU_CMDQ_BASE,
		smmu_queue_base(port_virt_to_phys(cmdq).pa, SMMU_QUEUE_LOG2));
	smmu_write(SMMU_CMDQ_PROD, 0);
	smmu_write(SMMU_CMDQ_CONS, 0);
	mmio_write64(
		smmu_base + SMMU_EVENTQ_BASE,
		smmu_queue_base(port_virt_to_phys(evtq).pa, SMMU_QUEUE_LOG2));
	smmu_write(SMMU_EVENTQ_PROD, 0);
	smmu_write(SMMU_EVENTQ_CONS, 0);
	if (!smmu_set_cr0(SMMU_CR0_CMDQEN)) {
		return false;
	}
	cmdq_issue(inval, 3);
	smmu_write(SMMU_IRQ_CTRL, SMMU_IRQ_GERROR | SMMU_IRQ_EVENTQ);
	return smmu_poll(SMMU_IRQ_CTRLACK, ~0u,
			 SMMU_IRQ_GERROR | SMMU_IRQ_EVENTQ) &&
	       smmu_set_cr0(SMMU_CR0_CMDQEN | SMMU_CR0_EVTQEN) &&
	       smmu_set_cr0(SMMU_CR0_CMDQEN | SMMU_CR0_EVTQEN |
			    SMMU_CR0_SMMUEN);
}

/* Boot, on the boot core, before any cell is built: every stream aborts
 * from here on (unless the plan has no SMMU: then no stream may be named,
 * see port_iommu_attach). */
RUMKV_BOOT int aarch64_iommu_init(const struct rumkv_plan *plan)
{
	const struct rumkv_plan_platform *pf = &plan->platform;
	const char *why;

	if (pf->iommu_kind != RUMKV_IOMMU_SMMUV3) {
		return 0;
	}
	smmu_base = pf->iommu.pa;
	smmu_plan = plan;
	/* Off first (firmware may have left it on), aborting meanwhile. */
	smmu_write(SMMU_GBPA, SMMU_GBPA_ABORT | SMMU_GBPA_UPDATE);
	why = smmu_unusable();
	if (why == NULL && (!smmu_poll(SMMU_GBPA, SMMU_GBPA_UPDATE, 0) ||
			    !smmu_set_cr0(0) || !smmu_tables())) {
		why = "does not acknowledge its configuration";
	}
	if (why == NULL && (gic_fiq_own(pf->iommu_irqs[0]) != 0 ||
			    gic_fiq_own(pf->iommu_irqs[1]) != 0)) {
		why = "interrupts cannot be made RumKV's group-0 interrupts "
		      "(GIC security enabled?)";
	}
	if (why != NULL) {
		rumkv_log("cannot start: the SMMUv3 at 0x%llx %s: DMA could "
			  "not be confined",
			  (unsigned long long)smmu_base, why);
		smmu_base = 0;
		return -1;
	}
	return 0;
}
