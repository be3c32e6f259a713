// SPDX-License-Identifier: MIT
/*
 * Boot: from a checked plan to every cell running. All of it is boot-only
 * code (section .text.boot), dropped from RumKV's own translation before
 * the first guest instruction runs.
 */
#include "internal.h"

#include <rumkv/error.h>
#include <rumkv/format.h>
#include <rumkv/plan_check.h>
#include <rumkv/port.h>
#include <rumkv/rumkv.h>

struct rumkv_machine rumkv_machine;

const struct rumkv_plan *rumkv_plan(void)
{
	return rumkv_machine.plan;
}

RUMKV_BOOT static void boot_fail(const char *what)
{
	rumkv_log("cannot start: %s; powering off", what);
	port_system_off();
}

RUMKV_BOOT static void plan_error(void *ctx, const struct rumkv_plan_error *e)
{
	const struct rumkv_plan *plan = ctx;

	if (e->cell >= 0 && (uint32_t)e->cell < plan->cell_count) {
		rumkv_log("plan: cell %s: %s: %s", plan->cells[e->cell].name,
			  rumkv_plan_field_name(e->field), e->message);
	} else {
		rumkv_log("plan: %s: %s", rumkv_plan_field_name(e->field),
			  e->message);
	}
}

RUMKV_BOOT static uint32_t mem_attr(uint8_t access)
{
	uint32_t attr = 0;

	attr |= (access & RUMKV_MEM_R) ? RUMKV_ATTR_R : 0;
	attr |= (access & RUMKV_MEM_W) ? RUMKV_ATTR_W : 0;
	attr |= (access & RUMKV_MEM_X) ? RUMKV_ATTR_X : 0;
	return attr;
}

RUMKV_BOOT static bool holds(const struct rumkv_cell *cell, uint8_t right)
{
	return right == RUMKV_PLAN_NO_RIGHT ||
	       (right <= RUMKV_PLAN_MAX_RIGHT &&
		(cell->rights & (1ull << right)) != 0);
}

/* Maps device pages [base, end). Devices of one cell may share a page
 * (virtio-mmio transports are 0x200 apart), and a map is all-or-nothing: a
 * range that overlaps pages already mapped is mapped page by page, and a
 * page already mapped is accepted only if it is this very device page
 * (mapped for another window on it), never anything else at that
 * address. */
RUMKV_BOOT static int map_device_pages(struct rumkv_cell *cell, uint64_t base,
				       uint64_t end)
{
	uint32_t attr = RUMKV_ATTR_R | RUMKV_ATTR_W | RUMKV_ATTR_DEVICE;
	int err = rumkv_pt_map(&cell->stage2, base, base, end - base, attr);
	uint64_t pa;

	for (pa = base; err == RUMKV_EBUSY && pa < end; pa += RUMKV_PAGE_SIZE) {
		int page = rumkv_pt_map(&cell->stage2, pa, pa, RUMKV_PAGE_SIZE,
					attr);
		uint64_t out;
		uint32_t have;

		if (page == RUMKV_EBUSY &&
		    (rumkv_pt_lookup(&cell->stage2, pa, &out, &have, NULL) !=
			     0 ||
		     out != pa || have != attr)) {
			return RUMKV_EBUSY;
		}
		if (page != 0 && page != RUMKV_EBUSY) {
			return page;
		}
	}
	return err == RUMKV_EBUSY ? 0 : err;
}

/* Whether a window of the cell other than `w` touches page `page`. */
RUMKV_BOOT static bool page_shared(const struct rumkv_plan_cell *pc,
				   const struct rumkv_plan_mmio *w,
				   uint64_t page)
{
	uint32_t d;
	uint32_t i;

	for (d = 0; d < pc->device_count; d++) {
		for (i = 0; i < pc->devices[d].mmio_count; i++) {
			const struct rumkv_plan_mmio *x =
				&pc->devices[d].mmio[i];

			if (x != w && rumkv_ranges_overlap(x->pa, x->size, page,
							   RUMKV_PAGE_SIZE)) {
				return true;
			}
		}
	}
	return false;
}

/* A first or last page that another window shares gets a leaf of its own:
 * revoking either window then unmaps whole leaves, as the resident unmap
 * requires (it never splits a block). */
RUMKV_BOOT static int map_device_window(struct rumkv_cell *cell,
					const struct rumkv_plan_mmio *w)
{
	uint64_t mask = RUMKV_PAGE_SIZE - 1;
	uint64_t lo = w->pa & ~mask;
	uint64_t hi = (w->pa + w->size + mask) & ~mask;
	int err = 0;

	if (page_shared(cell->plan, w, lo)) {
		err = map_device_pages(cell, lo, lo + RUMKV_PAGE_SIZE);
		lo += RUMKV_PAGE_SIZE;
	}
	if (err == 0 && hi > lo && page_shared(cell->plan, w, hi - mask - 1)) {
		err = map_device_pages(cell, hi - RUMKV_PAGE_SIZE, hi);
		hi -= RUMKV_PAGE_SIZE;
	}
	if (err == 0 && hi > lo) {
		err = map_device_pages(cell, lo, hi);
	}
	return err;
}

RUMKV_BOOT static int map_device(struct rumkv_cell *cell,
				 const struct rumkv_plan_device *dev)
{
	uint32_t i;
	int err;

	for (i = 0; i < dev->mmio_count; i++) {
		err = map_device_window(cell, &dev->mmio[i]);
		if (err != 0) {
			return err;
		}
	}
	for (i = 0; i < dev->irq_count; i++) {
		err = port_irq_assign(cell, dev->irqs[i]);
		if (err != 0) {
			return err;
		}
	}
	for (i = 0; i < dev->stream_count; i++) {
		err = port_iommu_attach(cell, dev->streams[i]);
		if (err != 0) {
			return err;
		}
	}
	return dev->pci ? rumkv_pci_setup(dev) : 0;
}

/* Whether rumkv_pt_unmap, which never splits a leaf, can remove
 * [in, in + size) after boot: no leaf crosses either end. */
RUMKV_BOOT static bool unmaps_whole(const struct rumkv_pt *pt, uint64_t in,
				    uint64_t size)
{
	uint64_t ends[2] = {in, in + size};
	uint64_t leaf;
	uint32_t i;

	for (i = 0; i < 2; i++) {
		if (rumkv_pt_lookup(pt, ends[i], NULL, NULL, &leaf) == 0 &&
		    (ends[i] & (leaf - 1)) != 0) {
			return false;
		}
	}
	return true;
}

/* Checks that every range a pledge or the end of the cell revokes can be
 * unmapped after boot. The mapping rules above guarantee it unless two
 * windows of the cell overlap; then the cell must not start, since a
 * revocation would silently leave pages mapped. */
RUMKV_BOOT static int check_revocable(struct rumkv_cell *cell)
{
	const struct rumkv_plan_cell *pc = cell->plan;
	uint64_t mask = RUMKV_PAGE_SIZE - 1;
	uint32_t d;
	uint32_t i;

	for (i = 0; i < pc->mem_count; i++) {
		if (!unmaps_whole(&cell->stage2, pc->mem[i].ipa,
				  pc->mem[i].size)) {
			return RUMKV_EALIGN;
		}
	}
	for (d = 0; d < pc->device_count; d++) {
		for (i = 0; i < pc->devices[d].mmio_count; i++) {
			const struct rumkv_plan_mmio *w =
				&pc->devices[d].mmio[i];
			uint64_t lo = w->pa & ~mask;
			uint64_t hi = (w->pa + w->size + mask) & ~mask;

			if (!unmaps_whole(&cell->stage2, lo, hi - lo)) {
				return RUMKV_EALIGN;
			}
		}
	}
	return 0;
}

RUMKV_BOOT int rumkv_cell_build(struct rumkv_cell *cell)
{
	const struct rumkv_plan_cell *pc = cell->plan;
	const struct rumkv_plan *plan = rumkv_machine.plan;
	uint32_t i;
	int err;

	rumkv_pt_pool_init(&cell->pool, pc->table_pages,
			   port_virt_to_phys(pc->table_pages).pa,
			   pc->table_page_count);
	err = port_cell_init(cell);
	if (err == 0) {
		err = rumkv_pt_init(&cell->stage2, port_stage2_format(),
				    &cell->pool, port_stage2_ops(), cell);
	}
	for (i = 0; err == 0 && i < pc->mem_count; i++) {
		const struct rumkv_plan_mem *m = &pc->mem[i];

		if (holds(cell, m->right)) {
			err = rumkv_pt_map(&cell->stage2, m->ipa, m->pa,
					   m->size, mem_attr(m->access));
		}
	}
	for (i = 0; err == 0 && i < pc->device_count; i++) {
		if (holds(cell, pc->devices[i].right)) {
			err = map_device(cell, &pc->devices[i]);
		}
	}
	if (err == 0) {
		rumkv_channel_assign(cell);
		err = rumkv_pt_map(&cell->stage2, pc->status_page_ipa,
				   port_virt_to_phys(plan->status_page).pa,
				   RUMKV_PAGE_SIZE, RUMKV_ATTR_R);
	}
	if (err == 0) {
		err = check_revocable(cell);
	}
	return err;
}

RUMKV_BOOT static void cell_setup(struct rumkv_cell *cell, uint32_t index)
{
	const struct rumkv_plan *plan = rumkv_machine.plan;
	const struct rumkv_plan_cell *pc = &plan->cells[index];
	uint32_t v;
	int err;

	cell->plan = pc;
	cell->index = index;
	cell->state = RUMKV_CELL_RUNNING;
	cell->rights = pc->initial_rights;
	for (v = 0; v < pc->core_count; v++) {
		struct rumkv_core *core = rumkv_cell_core(cell, v);

		core->cell = cell;
		core->vindex = v;
	}
	err = rumkv_cell_build(cell);
	if (err != 0) {
		char msg[96];

		rumkv_snprintf(msg, sizeof(msg), "cell %s: stage-2 set-up: %s",
			       pc->name, rumkv_strerror(err));
		boot_fail(msg);
	}
	rumkv_cell_load_images(cell);
	/* A restart returns the tables to exactly this state. */
	rumkv_memcpy(pc->table_snapshot, pc->table_pages,
		     (uint64_t)pc->table_page_count * RUMKV_PAGE_SIZE);
	cell->pool_snapshot = cell->pool;
}

RUMKV_BOOT static void print_summary(const struct rumkv_plan *plan)
{
	uint32_t i;

	rumkv_log("RumKV %u.%u: %u cells on %u cores", RUMKV_ABI_VERSION_MAJOR,
		  RUMKV_ABI_VERSION_MINOR, plan->cell_count, plan->core_count);
	for (i = 0; i < plan->cell_count; i++) {
		const struct rumkv_plan_cell *pc = &plan->cells[i];
		char cores[64];
		char at[64] = "";
		size_t n = 0;
		uint64_t ram = 0;
		uint32_t v;

		for (v = 0; v < pc->core_count; v++) {
			n += rumkv_snprintf(
				cores + n, sizeof(cores) - n, "%s0x%llx",
				v ? "," : "",
				(unsigned long long)plan->cores[pc->cores[v]]
					.hwid);
		}
		for (v = 0; v < pc->mem_count; v++) {
			ram += pc->mem[v].kind == RUMKV_MEM_RAM
				       ? pc->mem[v].size
				       : 0;
		}
		if (pc->mem[0].ipa != pc->mem[0].pa) {
			/* Where the cell sees it, and where it is. */
			rumkv_snprintf(at, sizeof(at), " at 0x%llx (PA 0x%llx)",
				       (unsigned long long)pc->mem[0].ipa,
				       (unsigned long long)pc->mem[0].pa);
		}
		rumkv_log("cell %s: %u cores (hw %s), %llu MiB RAM%s, %u "
			  "devices, "
			  "rights 0x%llx, %s",
			  pc->name, pc->core_count, cores,
			  (unsigned long long)(ram >> 20), at, pc->device_count,
			  (unsigned long long)pc->initial_rights,
			  pc->policy == RUMKV_POLICY_RESTART ? "restart"
							     : "halt");
	}
}

RUMKV_BOOT static void start_other_cores(const struct rumkv_plan *plan,
					 const struct rumkv_core *self)
{
	uint32_t expected = 0;
	uint32_t i;

	for (i = 0; i < plan->core_count; i++) {
		struct rumkv_core *core = &plan->core_state[i];

		/* Cores no cell owns stay off: nothing would ever run on
		 * them, and an off core cannot be used against anybody. */
		if (core == self || core->cell == NULL) {
			continue;
		}
		if (port_core_power_on(core) != 0) {
			char msg[64];

			rumkv_snprintf(msg, sizeof(msg),
				       "core hw 0x%llx did not power on",
				       (unsigned long long)core->hwid);
			boot_fail(msg);
		}
		expected++;
	}
	while (__atomic_load_n(&rumkv_machine.cores_booted, __ATOMIC_ACQUIRE) <
	       expected) {
		/* Secondary cores finish their set-up and park. */
		port_cpu_relax();
	}
}

/* Resident, and never inlined into boot code: once port_boot_done() has
 * dropped the boot sections, no boot-only instruction may run again. */
static __attribute__((noinline)) RUMKV_NORETURN void
boot_finish(struct rumkv_core *self)
{
	const struct rumkv_plan *plan = rumkv_machine.plan;
	uint32_t i;

	port_boot_done();
	for (i = 0; i < plan->cell_count; i++) {
		const struct rumkv_plan_cell *pc = &plan->cells[i];

		rumkv_core_start(&plan->cell_state[i], 0, pc->entry_ipa,
				 pc->boot_arg);
	}
	rumkv_core_park(self);
}

/* The plan, checked before the machine is touched beyond its console: a
 * port's set-up trusts the plan (RumKV's translation covers its RAM), so
 * a corrupt plan would fail there, reported as something it is not. A
 * plan of another version is not read further: its fields may mean
 * something else. Every error of the plan is reported. */
RUMKV_BOOT static void plan_accept(const struct rumkv_plan *plan)
{
	if (port_console_init(plan) != 0) {
		port_system_off();
	}
	if (plan->version != RUMKV_PLAN_VERSION) {
		char msg[80];

		rumkv_snprintf(msg, sizeof(msg),
			       "plan version %u, this RumKV reads version %u",
			       plan->version, RUMKV_PLAN_VERSION);
		boot_fail(msg);
	}
	if (rumkv_plan_check(plan, plan_error, (void *)plan) != 0) {
		boot_fail("the plan has errors");
	}
}

RUMKV_BOOT void rumkv_boot(const struct rumkv_plan *plan)
{
	struct rumkv_core *self;
	uint32_t i;

	rumkv_machine.plan = plan;
	plan_accept(plan);
	rumkv_machine.status = plan->status_page;
	if (port_machine_init(plan) != 0) {
		/* The port has said why. */
		port_system_off();
	}
	for (i = 0; i < plan->core_count; i++) {
		plan->core_state[i].index = i;
		plan->core_state[i].hwid = plan->cores[i].hwid;
	}
	for (i = 0; i < plan->cell_count; i++) {
		cell_setup(&plan->cell_state[i], i);
	}
	rumkv_machine.cells_alive = plan->cell_count;
	rumkv_status_init();
	print_summary(plan);

	self = port_core_self();
	rumkv_console_start(self);
	start_other_cores(plan, self);
	boot_finish(self);
}
