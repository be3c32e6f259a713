// SPDX-License-Identifier: MIT
/*
 * The plan in memory: the same struct rumkv_plan the generated C file
 * defines, built from the model so that rumkv_plan_check (lib/plan_check.c,
 * shared with RumKV) judges exactly what RumKV will get, and so that the
 * emitters print it. Each error the checker reports is mapped back to the
 * cell's node and the property the field came from.
 */
#include "model.h"

#include <rumkv/abi.h>
#include <string.h>

/* Stand-ins for the run-time storage the generated file declares: the
 * checker only looks at their presence and alignment. */
static uint8_t storage_stand_in[3][RUMKV_PAGE_SIZE]
	__attribute__((aligned(RUMKV_PAGE_SIZE)));

static void build_devices(struct m_part *m, const struct m_cell *cell,
			  struct rumkv_plan_cell *pc)
{
	struct rumkv_plan_device *devs =
		AR_NEW(m->ar, struct rumkv_plan_device, cell->device_count);

	for (unsigned i = 0; i < cell->device_count; i++) {
		const struct m_device *d = &cell->devices[i];
		struct rumkv_plan_mmio *mmio =
			AR_NEW(m->ar, struct rumkv_plan_mmio, d->mmio_count);
		uint32_t *irqs = AR_NEW(m->ar, uint32_t, d->irq_count);
		uint32_t *streams = AR_NEW(m->ar, uint32_t, d->stream_count);

		for (unsigned w = 0; w < d->mmio_count; w++) {
			mmio[w].pa = d->mmio[w].base;
			mmio[w].size = d->mmio[w].size;
		}
		struct rumkv_plan_pci_bar *bars =
			AR_NEW(m->ar, struct rumkv_plan_pci_bar, d->mmio_count);

		for (unsigned w = 0; d->pci && w < d->mmio_count; w++) {
			bars[w] = (struct rumkv_plan_pci_bar){
				.pa = d->mmio[w].base,
				.size = d->mmio[w].size,
				.index = d->bar_index[w],
			};
		}
		memcpy(irqs, d->irqs, d->irq_count * sizeof(*irqs));
		memcpy(streams, d->streams, d->stream_count * sizeof(*streams));
		devs[i] = (struct rumkv_plan_device){
			.path = d->path,
			.right = (uint8_t)d->right,
			.dma_stop = d->dma_stop,
			.mmio_count = (uint16_t)d->mmio_count,
			.irq_count = (uint16_t)d->irq_count,
			.stream_count = (uint16_t)d->stream_count,
			.mmio = mmio,
			.irqs = d->irq_count ? irqs : NULL,
			.streams = d->stream_count ? streams : NULL,
			.pci_rid = (uint16_t)d->pci_rid,
			.pci = d->pci,
			.bar_count = d->pci ? (uint8_t)d->mmio_count : 0,
			.bars = d->pci && d->mmio_count ? bars : NULL,
		};
	}
	pc->device_count = cell->device_count;
	pc->devices = devs;
}

static void build_images(struct m_part *m, struct m_cell *cell,
			 struct rumkv_plan_cell *pc)
{
	struct rumkv_plan_image *images =
		AR_NEW(m->ar, struct rumkv_plan_image, 3);

	cell->plan_image_count = 0;
	for (unsigned k = M_KERNEL; k <= M_DTB; k++) {
		const struct m_image *im = &cell->image[k];
		unsigned n = cell->plan_image_count;

		if (!im->present || !im->placed || im->data == NULL) {
			continue;
		}
		images[n] = (struct rumkv_plan_image){
			.name = im->name,
			.data = im->data,
			.size = im->size,
			.ipa = im->ipa,
		};
		cell->plan_image[n] = (enum m_image_kind)k;
		cell->plan_image_count++;
	}
	pc->image_count = cell->plan_image_count;
	pc->images = images;
}

static void build_cell(struct m_part *m, struct m_cell *cell,
		       struct rumkv_plan_cell *pc)
{
	uint32_t *cores = AR_NEW(m->ar, uint32_t, cell->core_count);
	unsigned shared = channels_mem_count(m, (unsigned)(cell - m->cells));
	struct rumkv_plan_mem *mem = AR_NEW(m->ar, struct rumkv_plan_mem,
					    cell->mem_count + 1 + shared);
	unsigned mem_count = cell->mem_count;

	memcpy(cores, cell->cores, cell->core_count * sizeof(*cores));
	for (unsigned i = 0; i < cell->mem_count; i++) {
		mem[i] = (struct rumkv_plan_mem){
			.ipa = cell->gmem != NULL ? cell->gmem[i].base
						  : cell->mem[i].base,
			.pa = cell->mem[i].base,
			.size = cell->mem[i].size,
			.kind = RUMKV_MEM_RAM,
			.access = RUMKV_MEM_RWX,
			.right = RUMKV_PLAN_NO_RIGHT,
		};
	}
	if (cell->flash_backing != 0) {
		/* The flash window's backing: read-only to the cell. */
		mem[mem_count++] = (struct rumkv_plan_mem){
			.ipa = cell->flash.base,
			.pa = cell->flash_pa,
			.size = cell->flash_backing,
			.kind = RUMKV_MEM_FLASH,
			.access = RUMKV_MEM_R | RUMKV_MEM_X,
			.right = RUMKV_PLAN_NO_RIGHT,
		};
		pc->flash_ipa = cell->flash.base;
		pc->flash_size = cell->flash.size;
	}
	channels_mem_fill(m, (unsigned)(cell - m->cells), mem + mem_count);
	mem_count += shared;
	if (cell->broken & BROKEN(RUMKV_FIELD_MEMORY)) {
		cell->broken |= BROKEN(RUMKV_FIELD_TABLES);
	}
	pc->name = cell->name;
	pc->core_count = cell->core_count;
	pc->cores = cores;
	pc->mem_count = mem_count;
	pc->mem = mem;
	build_devices(m, cell, pc);
	build_images(m, cell, pc);
	pc->policy = cell->policy;
	pc->entry_ipa = cell->entry;
	pc->boot_arg = cell->boot_arg;
	pc->initial_rights = cell->rights;
	pc->restart_limit = cell->restart_limit;
	pc->console = cell->console;
	pc->status_page_ipa = cell->status_page;
	pc->vuart_ipa = cell->vuart;
	pc->table_page_count = cell->table_pages;
	pc->table_pages = storage_stand_in[0];
	pc->table_snapshot = storage_stand_in[1];
}

struct rumkv_plan *plan_build(struct m_part *m)
{
	struct rumkv_plan *plan = AR_NEW(m->ar, struct rumkv_plan, 1);
	struct rumkv_plan_core *cores =
		AR_NEW(m->ar, struct rumkv_plan_core, m->board.core_count);
	struct rumkv_plan_cell *cells =
		AR_NEW(m->ar, struct rumkv_plan_cell, m->cell_count);
	struct rumkv_plan_platform *pf = &plan->platform;

	for (unsigned i = 0; i < m->board.core_count; i++) {
		cores[i].hwid = m->board.cores[i].hwid;
	}
	for (unsigned i = 0; i < m->cell_count; i++) {
		build_cell(m, &m->cells[i], &cells[i]);
	}
	plan->version = RUMKV_PLAN_VERSION;
	plan->core_count = m->board.core_count;
	plan->cores = cores;
	plan->cell_count = m->cell_count;
	plan->cells = cells;
	for (unsigned i = 0; i < m->board.ram_count; i++) {
		plan->ram[i].pa = m->board.ram[i].base;
		plan->ram[i].size = m->board.ram[i].size;
	}
	plan->ram_count = m->board.ram_count;
	plan->self.pa = m->self.base;
	plan->self.size = m->self.size;
	pf->irqc_kind = RUMKV_IRQC_GICV3;
	pf->irqc_reg_count = 2;
	pf->irqc_regs[0].pa = m->board.gicd.base;
	pf->irqc_regs[0].size = m->board.gicd.size;
	pf->irqc_regs[1].pa = m->board.gicr.base;
	pf->irqc_regs[1].size = m->board.gicr.size;
	pf->uart_kind = RUMKV_UART_PL011;
	pf->uart_irq = m->uart_irq;
	pf->uart.pa = m->uart.base;
	pf->uart.size = m->uart.size;
	memcpy(pf->timer_irqs, m->board.timer_irqs, sizeof(pf->timer_irqs));
	if (m->board.smmu_node >= 0) {
		pf->iommu_kind = RUMKV_IOMMU_SMMUV3;
		pf->iommu.pa = m->board.smmu.base;
		pf->iommu.size = m->board.smmu.size;
		memcpy(pf->iommu_irqs, m->board.smmu_irqs,
		       sizeof(pf->iommu_irqs));
	}
	for (unsigned i = 0; i < m->cell_count; i++) {
		for (unsigned d = 0; d < m->cells[i].device_count; d++) {
			if (m->cells[i].devices[d].pci) {
				pf->pci_ecam.pa = m->board.ecam.base;
				pf->pci_ecam.size = m->board.ecam.size;
			}
		}
	}
	plan->cell_state = (struct rumkv_cell *)(void *)storage_stand_in[2];
	plan->core_state = (struct rumkv_core *)(void *)storage_stand_in[2];
	plan->status_page = storage_stand_in[2];
	channels_build(m, plan);
	m->plan = plan;
	return plan;
}

/* ---- Errors back to nodes and properties --------------------------------- */

static const char *field_prop(const struct m_cell *cell,
			      const struct rumkv_plan_error *err)
{
	switch (err->field) {
	case RUMKV_FIELD_NAME:
		return "cell-name";
	case RUMKV_FIELD_CORES:
		return "cpus";
	case RUMKV_FIELD_MEMORY:
	case RUMKV_FIELD_TABLES:
		return cell->mem_prop;
	case RUMKV_FIELD_DEVICES:
	case RUMKV_FIELD_IRQS:
	case RUMKV_FIELD_STREAMS:
		return "devices";
	case RUMKV_FIELD_IMAGES:
		if (err->item >= 0 &&
		    (unsigned)err->item < cell->plan_image_count) {
			enum m_image_kind k = cell->plan_image[err->item];

			return k == M_KERNEL   ? "kernel"
			       : k == M_INITRD ? "initrd"
					       : cell->mem_prop;
		}
		return "kernel";
	case RUMKV_FIELD_ENTRY:
		return "kernel";
	case RUMKV_FIELD_GUEST:
		return cell->guest_count != 0 ? "guest-address"
					      : cell->mem_prop;
	case RUMKV_FIELD_BOOT:
		return "boot-protocol";
	case RUMKV_FIELD_RIGHTS:
		return "rights";
	case RUMKV_FIELD_POLICY:
		return "violation-policy";
	case RUMKV_FIELD_CONSOLE:
		return "console";
	case RUMKV_FIELD_STATUS_PAGE:
		return "status-page";
	default:
		return "reg";
	}
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '@';
}

/* "... cell A memory ..." -> "... /rumkv/cell@0 memory ...". */
static const char *name_other(struct m_part *m, const char *msg, int other)
{
	const struct m_cell *o = &m->cells[other];
	const char *needle = ar_printf(m->ar, "cell %s", o->name);
	size_t len = strlen(needle);

	for (const char *at = strstr(msg, needle); at != NULL;
	     at = strstr(at + 1, needle)) {
		if (!name_char(at[len])) {
			return ar_printf(m->ar, "%.*s%s%s", (int)(at - msg),
					 msg, o->path, at + len);
		}
	}
	return msg;
}

static void on_error(void *ctx, const struct rumkv_plan_error *err)
{
	struct m_part *m = ctx;
	const struct m_cell *cell;
	const char *text = err->message;

	if (err->cell < 0 || (unsigned)err->cell >= m->cell_count) {
		if (!m->rumkv_broken) {
			diag_error(m, m->path, "reg", "%s", text);
		}
		return;
	}
	cell = &m->cells[err->cell];
	if (err->item < 0 && (cell->broken & BROKEN(err->field))) {
		return; /* follows from an error reported already */
	}
	if (err->other_cell >= 0 && err->other_cell != err->cell &&
	    (unsigned)err->other_cell < m->cell_count) {
		text = name_other(m, text, err->other_cell);
	}
	diag_error(m, cell->path, field_prop(cell, err), "%s", text);
}

void plan_check_report(struct m_part *m, const struct rumkv_plan *plan)
{
	rumkv_plan_check(plan, on_error, m);
}
